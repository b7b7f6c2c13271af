package dev.multimodal.usermanagement.tenant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A global event listener (it needs no entry in a realm's event listeners): a user created without a tenant role gets
 * the tenant's {@link DefaultRole}, in the transaction that created them. Keycloak tells every way a user comes to
 * be: {@code REGISTER} for the login page's sign-up and an identity provider's first login, the admin event
 * {@code CREATE users/{id}} for the admin console, the admin REST API and partial import. Users of a realm import
 * get it when the realm is created ({@link TenantUpgrades}).
 */
public class DefaultRoleEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "user-management-default-role";
    private static final Pattern CREATED_USER = Pattern.compile("users/([^/]+)");

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() == EventType.REGISTER && event.getUserId() != null) {
                    grant(session, event.getRealmId(), event.getUserId());
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                Matcher user = event.getOperationType() == OperationType.CREATE && event.getResourcePath() != null
                        ? CREATED_USER.matcher(event.getResourcePath())
                        : null;
                if (user != null && user.matches()) {
                    grant(session, event.getRealmId(), user.group(1));
                }
            }

            @Override
            public void close() {}
        };
    }

    private static void grant(KeycloakSession session, String realmId, String userId) {
        if (!session.getTransactionManager().isActive()) {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> grant(s, realmId, userId));
            return;
        }
        RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
        if (realm != null && !realm.getName().equals(Config.getAdminRealm())) {
            DefaultRole.grantIfRoleless(realm, session.users().getUserById(realm, userId));
        }
    }

    @Override
    public boolean isGlobal() {
        return true;
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
