package dev.multimodal.usermanagement.lockout;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.managers.BruteForceProtectorFactory;

/**
 * {@code bruteForceProtector} provider {@code user-management}, the server's default (highest order): Keycloak asks it
 * whether a user is locked (admin console, admin REST API, its own forms). In a realm whose lockout step guards the
 * direct grant the step's store answers; every other realm gets Keycloak's own brute-force detection unchanged.
 */
public class LockoutBruteForceProtectorFactory implements BruteForceProtectorFactory {

    public static final String PROVIDER_ID = "user-management";
    /** Keycloak's own protector, used for realms without the lockout step. */
    private static final String KEYCLOAK_PROTECTOR = "default-brute-force-detector";

    @Override
    public BruteForceProtector create(KeycloakSession session) {
        return new LockoutBruteForceProtector(session.getProvider(BruteForceProtector.class, KEYCLOAK_PROTECTOR));
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to start: the store belongs to the lockout step
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Above Keycloak's (0), so that it is the default without any option. */
    @Override
    public int order() {
        return 100;
    }
}
