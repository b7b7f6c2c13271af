package dev.multimodal.usermanagement.testing;

import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.dto.PasswordCredentialData;

/**
 * Keycloak's argon2 provider, counting every hash it computes (encoding and verifying alike). Its credentials name
 * this provider as their algorithm, so verifying them comes back here and is counted too.
 */
final class CountingPasswordHashProvider implements PasswordHashProvider {

    private final KeycloakSession session;
    private final PasswordHashProvider argon2;

    CountingPasswordHashProvider(KeycloakSession session, PasswordHashProvider argon2) {
        this.session = session;
        this.argon2 = argon2;
    }

    @Override
    public boolean policyCheck(PasswordPolicy policy, PasswordCredentialModel credential) {
        return CountingPasswordHashProviderFactory.ID.equals(
                        credential.getPasswordCredentialData().getAlgorithm())
                && argon2.policyCheck(policy, credential);
    }

    @Override
    public PasswordCredentialModel encodedCredential(String rawPassword, int iterations) {
        count();
        PasswordCredentialModel encoded = argon2.encodedCredential(rawPassword, iterations);
        PasswordCredentialData data = encoded.getPasswordCredentialData();
        return PasswordCredentialModel.createFromValues(
                CountingPasswordHashProviderFactory.ID,
                encoded.getPasswordSecretData().getSalt(),
                data.getHashIterations(),
                data.getAdditionalParameters(),
                encoded.getPasswordSecretData().getValue());
    }

    @Override
    @SuppressWarnings("deprecation")
    public String encode(String rawPassword, int iterations) {
        count();
        return argon2.encode(rawPassword, iterations);
    }

    @Override
    public boolean verify(String rawPassword, PasswordCredentialModel credential) {
        count();
        return argon2.verify(rawPassword, credential);
    }

    @Override
    public String credentialHashingStrength(PasswordCredentialModel credential) {
        return argon2.credentialHashingStrength(credential);
    }

    private void count() {
        RealmModel realm = session.getContext().getRealm();
        HashCounts.count(realm == null ? null : realm.getName());
    }

    @Override
    public void close() {}
}
