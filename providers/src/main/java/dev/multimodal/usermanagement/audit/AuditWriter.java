package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seals records into their realms' chains and persists them in the caller's transaction.
 *
 * <p>Design: each realm has one head row (UM_AUDIT_HEAD: last sequence, last hash). A transaction's records are
 * buffered while it runs and sealed in Keycloak's <em>prepare</em> phase, i.e. right before the database commit:
 * the head row is locked ({@code SELECT ... FOR UPDATE}), the records get the next sequence numbers and their
 * hashes, the head moves on, and the commit that follows releases the lock. So the lock is held only for a flush and
 * a commit, never during the action itself, and only writers of the <em>same</em> realm wait for each other:
 * realms never contend, there is no global lock or counter. A rolled-back action never reaches the prepare phase,
 * so it takes no sequence number and leaves no gap; a failed commit rolls back rows and head together. Chaining at
 * write time (instead of a later sealer) means every committed row is verifiable at once, also after a crash.
 */
public final class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class);

    private final KeycloakSession session;
    private final EntityManager em;

    public AuditWriter(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Seals and persists; returns the sealed rows in the order written. */
    public List<AuditEntity> write(List<AuditRecord> records) {
        // Realms in a fixed order, so two transactions touching the same realms never deadlock on their heads.
        Map<String, List<AuditRecord>> byRealm = new TreeMap<>();
        for (AuditRecord record : records) {
            byRealm.computeIfAbsent(record.realmId(), k -> new ArrayList<>()).add(record);
        }
        List<AuditEntity> written = new ArrayList<>(records.size());
        // The action's own pending writes first: they take their row locks before we take the head's, so a writer
        // holding a head never waits for a row lock held by one waiting for that head (no lock-order deadlock).
        em.flush();
        byRealm.forEach((realmId, realmRecords) -> {
            AuditHeadEntity head = lockHead(realmId);
            realmRecords.sort(Comparator.comparingLong(AuditRecord::time));
            for (AuditRecord record : realmRecords) {
                AuditRecord sealed = record.withSequence(head.getLastSequence() + 1);
                String hash = AuditChain.hash(head.getLastHash(), sealed);
                AuditEntity entity = AuditEntity.of(sealed, head.getLastHash(), hash);
                em.persist(entity);
                head.setLastSequence(sealed.sequence());
                head.setLastHash(hash);
                written.add(entity);
            }
        });
        em.flush();
        return written;
    }

    private AuditHeadEntity lockHead(String realmId) {
        AuditHeadEntity head = em.find(AuditHeadEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (head != null) {
            return head;
        }
        // The realm's first row: create its head in a transaction of its own (a concurrent writer may do the
        // same; the loser's duplicate key fails only that small transaction), then lock it here.
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), inner -> {
                EntityManager innerEm = inner.getProvider(JpaConnectionProvider.class).getEntityManager();
                if (innerEm.find(AuditHeadEntity.class, realmId) == null) {
                    AuditHeadEntity created = new AuditHeadEntity();
                    created.setRealmId(realmId);
                    created.setLastSequence(0);
                    created.setLastHash(AuditChain.GENESIS);
                    innerEm.persist(created);
                }
            });
        } catch (RuntimeException concurrent) {
            LOG.debugf("Audit head of realm %s created concurrently: %s", realmId, concurrent.getMessage());
        }
        head = em.find(AuditHeadEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            throw new IllegalStateException("No audit head for realm " + realmId);
        }
        return head;
    }
}
