package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.lockout.LockoutFlows;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * The platform realm (platform admins) is never a tenant, but at every start (idempotently, each change logged once)
 * it gets what platform admins need from this API: the {@code audit} event listener, so what they do to tenants is
 * audited in its own log, and the public client {@code user-management-api}, through which
 * {@code POST /realms/{platform}/api/v1/auth/login} runs, its direct grant bound to the lockout step. The binding is
 * the client's own (Authentication flow overrides in the console), so Keycloak's {@code admin-cli} keeps the realm's
 * flow.
 */
public final class PlatformRealm {

    private static final Logger LOG = Logger.getLogger(PlatformRealm.class);
    private static final String AUDIT_LISTENER = "audit";

    private PlatformRealm() {}

    public static void setUpAtStart(KeycloakSessionFactory factory, String platformRealm) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealmByName(platformRealm);
                    if (realm != null) {
                        auditFromStart(realm);
                        apiClient(realm);
                    }
                });
            }
        });
    }

    private static void auditFromStart(RealmModel realm) {
        Set<String> listeners = realm.getEventsListenersStream().collect(Collectors.toCollection(LinkedHashSet::new));
        if (listeners.add(AUDIT_LISTENER)) {
            realm.setEventsListeners(listeners);
            LOG.infof(
                    "Platform realm '%s': event listener '%s' added, so platform actions are audited in its log",
                    realm.getName(), AUDIT_LISTENER);
        }
    }

    private static void apiClient(RealmModel realm) {
        ClientModel client = realm.getClientByClientId(OfflineAccess.API_CLIENT);
        if (client == null) {
            client = realm.addClient(OfflineAccess.API_CLIENT);
            client.setName("user-management API");
            client.setDescription("Public client through which platform admins log in with POST /api/v1/auth/login");
            client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            client.setPublicClient(true);
            client.setStandardFlowEnabled(false);
            client.setImplicitFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(true);
            client.setServiceAccountsEnabled(false);
            client.setFullScopeAllowed(true);
            client.setEnabled(true);
            LOG.infof(
                    "Platform realm '%s': client '%s' added for platform admin logins through the API",
                    realm.getName(), OfflineAccess.API_CLIENT);
        }
        String flowId = LockoutFlows.directGrantFlow(realm).getId();
        if (!flowId.equals(
                client.getAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING))) {
            client.setAuthenticationFlowBindingOverride(AuthenticationFlowBindings.DIRECT_GRANT_BINDING, flowId);
            LOG.infof(
                    "Platform realm '%s': direct grant of '%s' bound to '%s'",
                    realm.getName(), OfflineAccess.API_CLIENT, LockoutFlows.DIRECT_GRANT_ALIAS);
        }
    }
}
