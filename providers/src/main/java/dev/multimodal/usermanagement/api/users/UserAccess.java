package dev.multimodal.usermanagement.api.users;

import dev.multimodal.usermanagement.api.auth.Caller;
import dev.multimodal.usermanagement.api.error.ApiProblem;
import dev.multimodal.usermanagement.tenant.TenantRoles;
import org.keycloak.models.UserModel;

/**
 * Who may do what to whom among a tenant's users: moderators manage users and guests, admins everyone, and
 * nobody grants a role above their own (moderators only user and guest).
 */
final class UserAccess {

    static final String USERNAME_PATTERN = "[A-Za-z0-9._@+-]{3,255}";
    private static final int MODERATOR = TenantRoles.ROLES.indexOf("moderator");
    private static final int ADMIN = TenantRoles.ROLES.indexOf(TenantRoles.ADMIN);

    private UserAccess() {}

    static Caller require(Caller caller, String permission) {
        if (!caller.has(permission)) {
            throw ApiProblem.forbidden("This needs the " + permission + " permission.");
        }
        return caller;
    }

    /** Admins manage every account of their tenant; others only accounts ranked below their own. */
    static void requireManageable(Caller caller, UserModel target) {
        int callerRank = caller.rank();
        if (callerRank < ADMIN && TenantRoles.rank(caller.tenant(), target) >= Math.min(callerRank, MODERATOR)) {
            throw ApiProblem.forbidden("Moderators manage only user and guest accounts.");
        }
    }

    static void requireAssignable(Caller caller, String role) {
        int wanted = TenantRoles.ROLES.indexOf(role);
        int callerRank = caller.rank();
        if (wanted > callerRank || (callerRank < ADMIN && wanted >= MODERATOR)) {
            throw ApiProblem.forbidden("Granting '" + role + "' is above what this caller may grant.");
        }
    }
}
