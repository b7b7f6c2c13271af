package dev.multimodal.usermanagement.tenant;

import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * The tenant setting {@code default_role} ({@code guest} or {@code user}, default {@code user}): the role a user of
 * the tenant gets when created without one, however that happens (sign-up on the login page or the API, the admin
 * console or Keycloak's admin REST API, an identity provider's first login, realm or partial import; see
 * {@link DefaultRoleEventListenerProviderFactory}). Granted directly, not through Keycloak's composite
 * {@code default-roles-<tenant>}, so {@code PUT /users/{id}/roles} can always take it away again.
 */
public final class DefaultRole {

    public static final List<String> CHOICES = List.of("guest", TenantRoles.USER);
    /** Realm attribute holding the setting (admin console: Realm settings → General → Unmanaged attributes, or the API). */
    static final String ATTRIBUTE = "userManagement.defaultRole";

    private static final int PAGE = 500;

    private DefaultRole() {}

    public static String of(RealmModel realm) {
        String value = realm.getAttribute(ATTRIBUTE);
        return value != null && CHOICES.contains(value) ? value : TenantRoles.USER;
    }

    /** @param role one of {@link #CHOICES} */
    public static void set(RealmModel realm, String role) {
        if (!CHOICES.contains(role)) {
            throw new IllegalArgumentException("default role must be one of " + CHOICES);
        }
        realm.setAttribute(ATTRIBUTE, role);
    }

    /** Grants the tenant's default role to a user who holds no tenant role (directly, by composite or group). */
    public static boolean grantIfRoleless(RealmModel realm, UserModel user) {
        if (user == null || user.getServiceAccountClientLink() != null || TenantRoles.rank(realm, user) >= 0) {
            return false;
        }
        RoleModel role = realm.getRole(of(realm));
        if (role == null) {
            return false; // not a realm made from our template
        }
        user.grantRole(role);
        return true;
    }

    /**
     * Keycloak grants every new user its composite {@code default-roles-<tenant>}. It holds no tenant role in our
     * template, but an operator may add one in the console (Realm settings → User registration); a role held through
     * it would survive {@code PUT /users/{id}/roles}. So before roles are set exactly, a user whose composite holds a
     * tenant role gets its other roles ({@code offline_access}, ...) directly instead of the composite.
     */
    public static void detachFromKeycloakDefaults(RealmModel realm, UserModel user) {
        RoleModel defaults = realm.getDefaultRole();
        if (defaults == null
                || !user.hasDirectRole(defaults)
                || defaults.getCompositesStream()
                        .noneMatch(role -> !role.isClientRole() && TenantRoles.ROLES.contains(role.getName()))) {
            return;
        }
        user.deleteRoleMapping(defaults);
        defaults.getCompositesStream()
                .filter(role -> role.isClientRole() || !TenantRoles.ROLES.contains(role.getName()))
                .forEach(user::grantRole);
    }

    /**
     * Upgrade step: users who came without a role before the default role existed (self sign-up, the console,
     * imports) get it now, so they can call {@code /users/me}. One pass over the tenant's users, in pages.
     */
    static boolean apply(KeycloakSession session, RealmModel realm) {
        if (realm.getRole(of(realm)) == null) {
            return false;
        }
        boolean changed = false;
        for (int first = 0; ; first += PAGE) {
            List<UserModel> page = session.users()
                    .searchForUserStream(realm, Map.of(), first, PAGE)
                    .toList();
            for (UserModel user : page) {
                changed |= grantIfRoleless(realm, user);
            }
            if (page.size() < PAGE) {
                return changed;
            }
        }
    }
}
