package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.tenant.TenantRoles;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;

/** Who is calling: a verified bearer token's realm, user and session. */
public record Caller(RealmModel realm, UserModel user, AccessToken token, UserSessionModel userSession, boolean platformAdmin) {

    /** Holds the permission role in its own realm (directly, by composite or by group). */
    public boolean has(String permission) {
        return TenantRoles.has(realm, user, permission);
    }

    public boolean belongsTo(RealmModel tenant) {
        return realm.getId().equals(tenant.getId());
    }
}
