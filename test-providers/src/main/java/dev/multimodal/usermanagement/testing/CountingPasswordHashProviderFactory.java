package dev.multimodal.usermanagement.testing;

import org.keycloak.Config;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.credential.hash.PasswordHashProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** {@code hashAlgorithm(counting-argon2)} in a realm's password policy: argon2, with every hash counted. */
public class CountingPasswordHashProviderFactory implements PasswordHashProviderFactory {

    public static final String ID = "counting-argon2";

    @Override
    public PasswordHashProvider create(KeycloakSession session) {
        return new CountingPasswordHashProvider(session, session.getProvider(PasswordHashProvider.class, "argon2"));
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return ID;
    }
}
