package dev.multimodal.usermanagement.lockout;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** The event listener {@code lockout}: a completed password reset clears the lock (realm's event listeners). */
public class LockoutEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "lockout";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new LockoutEventListenerProvider(session);
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
