package dev.multimodal.usermanagement.tenant;

import java.util.List;
import java.util.Objects;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/** The composite realm roles of every tenant and the permission roles they contain (see the tenant template). */
public final class TenantRoles {

    /** Lowest first: each contains the one before it. */
    public static final List<String> ROLES = List.of("guest", "user", "moderator", "admin");

    public static final List<String> PERMISSIONS = List.of(
            "profile:read",
            "profile:write",
            "users:read",
            "users:write",
            "roles:assign",
            "tenant:settings",
            "audit:read",
            "tenants:manage");

    public static final String ADMIN = "admin";
    public static final String USER = "user";
    public static final String PERMISSION_PROFILE_READ = "profile:read";
    public static final String PERMISSION_PROFILE_WRITE = "profile:write";
    public static final String PERMISSION_USERS_READ = "users:read";
    public static final String PERMISSION_USERS_WRITE = "users:write";
    public static final String TENANT_SETTINGS = "tenant:settings";
    public static final String TENANTS_MANAGE = "tenants:manage";

    private TenantRoles() {}

    /** The named roles the user holds, directly, through composites or groups. */
    public static List<String> rolesOf(RealmModel realm, UserModel user) {
        return held(realm, user, ROLES);
    }

    public static List<String> permissionsOf(RealmModel realm, UserModel user) {
        return held(realm, user, PERMISSIONS);
    }

    /** Index of the highest named role held (guest 0 ... admin 3), -1 for none. */
    public static int rank(RealmModel realm, UserModel user) {
        List<String> held = rolesOf(realm, user);
        return held.isEmpty() ? -1 : ROLES.indexOf(held.get(held.size() - 1));
    }

    public static boolean has(RealmModel realm, UserModel user, String roleName) {
        RoleModel role = realm.getRole(roleName);
        return role != null && user.hasRole(role);
    }

    private static List<String> held(RealmModel realm, UserModel user, List<String> names) {
        return names.stream()
                .map(realm::getRole)
                .filter(Objects::nonNull)
                .filter(user::hasRole)
                .map(RoleModel::getName)
                .toList();
    }
}
