package dev.multimodal.usermanagement.tenant;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;

/**
 * The client scope {@code tenant}: {@code tenant_id}, {@code roles} and {@code permissions} in access tokens, ID tokens,
 * userinfo and introspection. A realm default scope, so every client an operator or app developer adds to a tenant
 * (admin console, admin REST API) gets the claims without setup; the admin console shows and edits it under
 * Client scopes.
 */
public final class TenantClaimsScope {

    public static final String NAME = "tenant";

    /** Keycloak's own clients: consoles and internals that never read our claims. */
    private static final Set<String> KEYCLOAK_CLIENTS = Set.of(
            Constants.ADMIN_CLI_CLIENT_ID,
            Constants.ADMIN_CONSOLE_CLIENT_ID,
            Constants.ACCOUNT_MANAGEMENT_CLIENT_ID,
            Constants.ACCOUNT_CONSOLE_CLIENT_ID,
            Constants.BROKER_SERVICE_CLIENT_ID,
            Constants.REALM_MANAGEMENT_CLIENT_ID);

    private TenantClaimsScope() {}

    /**
     * Upgrade step: creates the scope, makes it a realm default scope and a default scope of the tenant's existing OIDC
     * clients (apps registered before it existed expect the same claims as new ones), replacing the claims mapper the
     * API client used to carry itself, so no claim is set twice.
     */
    static boolean apply(KeycloakSession session, RealmModel realm) {
        boolean changed = false;
        ClientScopeModel scope = KeycloakModelUtils.getClientScopeByName(realm, NAME);
        if (scope == null) {
            scope = realm.addClientScope(NAME);
            scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            scope.setDescription("Tenant claims of user-management: tenant_id, roles, permissions");
            scope.setIncludeInTokenScope(true);
            scope.setDisplayOnConsentScreen(false);
            scope.addProtocolMapper(mapper());
            changed = true;
        }
        String scopeId = scope.getId();
        if (realm.getDefaultClientScopesStream(true).noneMatch(s -> s.getId().equals(scopeId))) {
            realm.addDefaultClientScope(scope, true);
            changed = true;
        }
        for (ClientModel client : realm.getClientsStream().toList()) {
            if (!OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())
                    || KEYCLOAK_CLIENTS.contains(client.getClientId())) {
                continue;
            }
            for (ProtocolMapperModel own : client.getProtocolMappersStream()
                    .filter(m -> TenantClaimsMapper.PROVIDER_ID.equals(m.getProtocolMapper()))
                    .toList()) {
                client.removeProtocolMapper(own);
                changed = true;
            }
            if (!client.getClientScopes(true).containsKey(NAME)
                    && !client.getClientScopes(false).containsKey(NAME)) {
                client.addClientScope(scope, true);
                changed = true;
            }
        }
        return changed;
    }

    private static ProtocolMapperModel mapper() {
        ProtocolMapperModel mapper = new ProtocolMapperModel();
        mapper.setName("tenant claims");
        mapper.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        mapper.setProtocolMapper(TenantClaimsMapper.PROVIDER_ID);
        mapper.setConfig(new HashMap<>(Map.of(
                OIDCAttributeMapperHelper.INCLUDE_IN_ACCESS_TOKEN, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_ID_TOKEN, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_USERINFO, "true",
                OIDCAttributeMapperHelper.INCLUDE_IN_INTROSPECTION, "true")));
        return mapper;
    }
}
