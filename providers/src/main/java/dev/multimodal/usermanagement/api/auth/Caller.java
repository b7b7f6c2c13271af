package dev.multimodal.usermanagement.api.auth;

import dev.multimodal.usermanagement.tenant.TenantRoles;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;

/**
 * Who is calling: a verified bearer token's realm, user and session, and the tenant it acts on ({@code tenant}:
 * its own realm, or for platform admins the tenant in the path).
 */
public record Caller(
        RealmModel realm,
        UserModel user,
        AccessToken token,
        UserSessionModel userSession,
        boolean platformAdmin,
        RealmModel tenant) {

    public Caller(
            RealmModel realm, UserModel user, AccessToken token, UserSessionModel userSession, boolean platformAdmin) {
        this(realm, user, token, userSession, platformAdmin, realm);
    }

    Caller actingOn(RealmModel other) {
        return new Caller(realm, user, token, userSession, platformAdmin, other);
    }

    /** Holds the permission in its own realm (directly, by composite or by group); platform admins hold them all. */
    public boolean has(String permission) {
        return platformAdmin || TenantRoles.has(realm, user, permission);
    }

    /** Position in guest < user < moderator < admin; platform admins rank above every tenant role. */
    public int rank() {
        return platformAdmin ? TenantRoles.ROLES.size() : TenantRoles.rank(realm, user);
    }
}
