package dev.multimodal.usermanagement.tenant;

import dev.multimodal.usermanagement.user.UserQueries;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/** Indexed look-ups of tenants, kept in step with realm creation and removal in the same transaction. */
public final class TenantRegistry {

    private final EntityManager em;

    public TenantRegistry(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    public record Page(List<TenantEntity> items, long total) {}

    /** Registers every realm but the platform realm as a tenant as soon as it exists, however it was created. */
    public static void listenToRealmChanges(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmPostCreateEvent created) {
                RealmModel realm = created.getCreatedRealm();
                if (!realm.getName().equals(Config.getAdminRealm())) {
                    TenantEntity entry = new TenantRegistry(created.getKeycloakSession()).ensure(realm);
                    // a new tenant, from the template or imported: every upgrade step now, so it starts up to date
                    TenantUpgrades.upgrade(created.getKeycloakSession(), realm, entry);
                }
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                new TenantRegistry(removed.getKeycloakSession())
                        .remove(removed.getRealm().getId());
            }
        });
    }

    public TenantEntity ensure(RealmModel realm) {
        TenantEntity tenant = em.find(TenantEntity.class, realm.getId());
        if (tenant == null) {
            tenant = new TenantEntity();
            tenant.setRealmId(realm.getId());
            tenant.setName(realm.getName());
            tenant.setDisplayName(realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName());
            tenant.setCreatedAt(System.currentTimeMillis());
            em.persist(tenant);
        }
        return tenant;
    }

    public TenantEntity find(String realmId) {
        return em.find(TenantEntity.class, realmId);
    }

    /** The realm ids of tenants that have not had every upgrade step yet. */
    public List<String> belowLevel(int level) {
        return em.createNamedQuery("umTenantsBelowLevel", String.class)
                .setParameter("level", level)
                .getResultList();
    }

    public Optional<TenantEntity> byName(String name) {
        return em.createNamedQuery("umTenantByName", TenantEntity.class)
                .setParameter("name", name)
                .getResultStream()
                .findFirst();
    }

    public Optional<TenantEntity> byDomain(String domain) {
        return em.createNamedQuery("umTenantByDomain", TenantEntity.class)
                .setParameter("domain", domain.toLowerCase(Locale.ROOT))
                .getResultStream()
                .findFirst();
    }

    /** A page ordered by tenant id; {@code search} matches id or display name, case-insensitively. */
    public Page page(String search, int first, int max) {
        String pattern = UserQueries.containsPattern(search == null ? "" : search);
        List<TenantEntity> items = em.createNamedQuery("umTenantPage", TenantEntity.class)
                .setParameter("search", pattern)
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
        long total = em.createNamedQuery("umTenantCount", Long.class)
                .setParameter("search", pattern)
                .getSingleResult();
        return new Page(items, total);
    }

    public void remove(String realmId) {
        TenantEntity tenant = em.find(TenantEntity.class, realmId);
        if (tenant != null) {
            em.remove(tenant);
        }
    }

    /** Sends pending changes to the database now, so a unique-key violation surfaces here and not at commit. */
    public void flush() {
        em.flush();
    }
}
