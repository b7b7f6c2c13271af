package dev.multimodal.usermanagement.tenant;

import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The tenant setting {@code offline_access}: whether the API client {@code user-management-api} offers offline tokens,
 * i.e. has Keycloak's {@code offline_access} client scope (admin console → Clients → user-management-api → Client
 * scopes). Off in the template: an offline token outlives the user's sessions, so a tenant turns it on knowingly.
 */
public final class OfflineAccess {

    public static final String API_CLIENT = "user-management-api";

    private OfflineAccess() {}

    public static boolean isOn(RealmModel realm) {
        ClientModel client = realm.getClientByClientId(API_CLIENT);
        return client != null
                && (client.getClientScopes(false).containsKey(OAuth2Constants.OFFLINE_ACCESS)
                        || client.getClientScopes(true).containsKey(OAuth2Constants.OFFLINE_ACCESS));
    }

    /**
     * Adds the scope as an optional scope of the API client, or removes it. Offline tokens issued before stay valid
     * until the user's sessions end (password change, reset, disable, "end sessions") or they expire.
     *
     * @return false when the realm lacks the client or the scope (nothing changed)
     */
    public static boolean set(RealmModel realm, boolean on) {
        ClientModel client = realm.getClientByClientId(API_CLIENT);
        ClientScopeModel scope = KeycloakModelUtils.getClientScopeByName(realm, OAuth2Constants.OFFLINE_ACCESS);
        if (client == null || scope == null) {
            return false;
        }
        if (on && !isOn(realm)) {
            client.addClientScope(scope, false);
        } else if (!on && isOn(realm)) {
            client.removeClientScope(scope);
        }
        return true;
    }
}
