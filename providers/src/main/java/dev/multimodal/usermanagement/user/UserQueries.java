package dev.multimodal.usermanagement.user;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * User lists as one query over Keycloak's user table: text search, e-mail and role filters combine, and the page
 * and its total are cut by the database, so pages are never short.
 */
public final class UserQueries {

    private final KeycloakSession session;
    private final EntityManager em;

    public UserQueries(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** @param roleIds users holding any of these roles directly or through a group (null: any user) */
    public record Filter(String search, String email, Set<String> roleIds) {}

    public record Page(List<UserModel> items, long total) {}

    public Page page(RealmModel realm, Filter filter, int first, int max) {
        StringBuilder where =
                new StringBuilder(" from UserEntity u where u.realmId = :realm and u.serviceAccountClientLink is null");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("realm", realm.getId());
        if (filter.search() != null && !filter.search().isBlank()) {
            where.append(" and (u.username like :search or lower(u.email) like :search"
                    + " or lower(u.firstName) like :search or lower(u.lastName) like :search)");
            parameters.put("search", containsPattern(filter.search().trim()));
        }
        if (filter.email() != null && !filter.email().isBlank()) {
            where.append(" and lower(u.email) = :email");
            parameters.put("email", filter.email().trim().toLowerCase(Locale.ROOT));
        }
        if (filter.roleIds() != null) {
            where.append(" and (exists (select m from UserRoleMappingEntity m where m.user = u and m.roleId in :roles)"
                    + " or exists (select g from UserGroupMembershipEntity g, GroupRoleMappingEntity r"
                    + " where g.user = u and r.group.id = g.groupId and r.roleId in :roles))");
            parameters.put("roles", filter.roleIds());
        }
        TypedQuery<String> ids = em.createQuery("select u.id" + where + " order by u.username", String.class);
        TypedQuery<Long> count = em.createQuery("select count(u)" + where, Long.class);
        parameters.forEach((name, value) -> {
            ids.setParameter(name, value);
            count.setParameter(name, value);
        });
        List<UserModel> users = ids.setFirstResult(first).setMaxResults(max).getResultList().stream()
                .map(id -> session.users().getUserById(realm, id))
                .filter(Objects::nonNull)
                .toList();
        return new Page(users, count.getSingleResult());
    }

    /**
     * The ids of the realm's roles that grant {@code role}: itself and every composite containing it, at any depth
     * (the tenant's roles are a handful: admin ⊃ moderator ⊃ user ⊃ guest, the default roles), so a filter on
     * effective roles stays one {@code role_id IN (...)} on the mapping tables.
     */
    public static Set<String> rolesGranting(RealmModel realm, RoleModel role) {
        Set<String> ids = new HashSet<>();
        ids.add(role.getId());
        realm.getRolesStream()
                .filter(candidate -> candidate.isComposite() && candidate.hasRole(role))
                .forEach(candidate -> ids.add(candidate.getId()));
        return ids;
    }

    /** A LIKE pattern matching values that contain {@code text}, case-insensitively; % and _ match themselves. */
    public static String containsPattern(String text) {
        String escaped = text.toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_");
        return "%" + escaped + "%";
    }
}
