package dev.multimodal.usermanagement.user.bcrypt;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.keycloak.common.util.Time;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Verifies bcrypt hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}) carried over from the old service. Unless a
 * realm chose bcrypt as its algorithm, {@link #policyCheck} is false, so Keycloak re-hashes the password with the
 * realm's own algorithm at the first successful login.
 */
public class BcryptPasswordHashProvider implements PasswordHashProvider {

    public static final String ID = "bcrypt";
    public static final int DEFAULT_COST = 12;
    private static final Pattern HASH = Pattern.compile("^\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public static boolean isBcryptHash(String hash) {
        return hash != null && HASH.matcher(hash).matches();
    }

    /** The stored form of an imported hash; its age counts from now for the password-expiry policy. */
    public static PasswordCredentialModel credentialOf(String hash) {
        int cost = Integer.parseInt(hash.substring(4, 6));
        PasswordCredentialModel credential = PasswordCredentialModel.createFromValues(ID, new byte[0], cost, hash);
        credential.setCreatedDate(Time.currentTimeMillis());
        return credential;
    }

    @Override
    public boolean policyCheck(PasswordPolicy policy, PasswordCredentialModel credential) {
        return ID.equals(policy.getHashAlgorithm()) && credential.getPasswordCredentialData().getHashIterations()
                == (policy.getHashIterations() > 0 ? policy.getHashIterations() : DEFAULT_COST);
    }

    @Override
    public PasswordCredentialModel encodedCredential(String rawPassword, int iterations) {
        int cost = iterations > 0 ? iterations : DEFAULT_COST;
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2b", rawPassword.getBytes(StandardCharsets.UTF_8), salt, cost);
        PasswordCredentialModel credential = PasswordCredentialModel.createFromValues(ID, new byte[0], cost, hash);
        credential.setCreatedDate(Time.currentTimeMillis());
        return credential;
    }

    @Override
    public boolean verify(String rawPassword, PasswordCredentialModel credential) {
        String hash = credential.getPasswordSecretData().getValue();
        if (!isBcryptHash(hash) || rawPassword.getBytes(StandardCharsets.UTF_8).length > 72) {
            return false; // bcrypt ignores bytes past 72: refuse rather than accept a longer password's prefix
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, rawPassword.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
    }
}
