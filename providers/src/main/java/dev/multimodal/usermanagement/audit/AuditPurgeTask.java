package dev.multimodal.usermanagement.audit;

import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * The scheduled retention purge: every realm with a retention loses its rows older than that. Run by Keycloak's
 * cluster-aware scheduler, so one node of a cluster purges per interval. Each realm's purge runs in transactions of
 * its own (see {@link AuditPurge}); one realm's failure does not stop the others.
 */
public class AuditPurgeTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(AuditPurgeTask.class);

    @Override
    public void run(KeycloakSession session) {
        record Due(String realmId, String name, int days) {}
        // the realms with a retention, straight from the attribute table: loading every realm model would fill
        // the realm cache with all tenants (thousands) at each run
        List<Due> due = session.getProvider(JpaConnectionProvider.class)
                .getEntityManager()
                .createQuery(
                        "select a.realm.id, a.realm.name, a.value from RealmAttributeEntity a where a.name = :name",
                        Object[].class)
                .setParameter("name", AuditRetention.ATTRIBUTE)
                .getResultStream()
                .map(row -> {
                    Integer days = AuditRetention.parse((String) row[2]);
                    return days == null ? null : new Due((String) row[0], (String) row[1], days);
                })
                .filter(Objects::nonNull)
                .toList();
        AuditPurge purge = new AuditPurge(session.getKeycloakSessionFactory());
        long now = System.currentTimeMillis();
        for (Due realm : due) {
            try {
                purge.purge(realm.realmId(), AuditRetention.cutoff(realm.days(), now), null, "schedule");
            } catch (RuntimeException e) {
                LOG.warnf("Audit purge of realm %s failed: %s", realm.name(), e.getMessage());
            }
        }
    }

    @Override
    public String getTaskName() {
        return "um-audit-purge";
    }
}
