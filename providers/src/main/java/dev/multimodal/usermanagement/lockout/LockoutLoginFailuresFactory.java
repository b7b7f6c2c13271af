package dev.multimodal.usermanagement.lockout;

import java.util.Comparator;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserLoginFailureProvider;
import org.keycloak.models.UserLoginFailureProviderFactory;
import org.keycloak.provider.ProviderFactory;

/**
 * {@code loginFailure} provider {@code user-management}, the server's default (highest order): see
 * {@link LockoutLoginFailures}. Keycloak's own records go to the provider Keycloak would have chosen without us
 * (the highest-ordered other one: {@code infinispan}, or {@code remote} with an external Infinispan).
 */
public class LockoutLoginFailuresFactory implements UserLoginFailureProviderFactory<LockoutLoginFailures> {

    public static final String PROVIDER_ID = "user-management";

    private volatile String keycloakProvider;

    @Override
    public LockoutLoginFailures create(KeycloakSession session) {
        return new LockoutLoginFailures(session, session.getProvider(UserLoginFailureProvider.class, keycloakProvider));
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        keycloakProvider = factory.getProviderFactoriesStream(UserLoginFailureProvider.class)
                .filter(other -> !PROVIDER_ID.equals(other.getId()))
                .max(Comparator.comparingInt(ProviderFactory::order))
                .map(ProviderFactory::getId)
                .orElseThrow(() -> new IllegalStateException("Keycloak's login-failure provider is missing"));
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Above Keycloak's (1), so that it is the default without any option. */
    @Override
    public int order() {
        return 100;
    }
}
