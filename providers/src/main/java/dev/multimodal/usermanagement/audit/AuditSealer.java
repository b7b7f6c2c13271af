package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Chains committed rows and signs checkpoints, shortly after the actions (see {@link AuditSealTask}).
 *
 * <p>Per realm and batch, one short transaction: lock the realm's head row, take the unsealed rows in write order,
 * give them the next sequence numbers and their hashes, move the head, commit. The head lock makes one sealer at a
 * time work on a realm, on any node; a purge or a signature of the realm waits for the batch. The rows are sealed in
 * the order the sealer finds them committed, which is write order except for a row whose transaction committed after
 * a later one's was sealed: it simply joins the next batch. So neither the gaps that rolled-back transactions leave
 * in the write order nor rows committing out of order need a waiting window, and nothing committed is ever skipped.
 * After a crash, the committed unsealed rows are still there and the next run seals them.
 */
public final class AuditSealer {

    static final int BATCH = 1000;
    private static final Logger LOG = Logger.getLogger(AuditSealer.class);

    private final KeycloakSessionFactory factory;
    private final AuditCheckpoints checkpoints;
    private final long checkpointIntervalMillis;

    public AuditSealer(KeycloakSessionFactory factory, AuditCheckpoints checkpoints, long checkpointIntervalMillis) {
        this.factory = factory;
        this.checkpoints = checkpoints;
        this.checkpointIntervalMillis = checkpointIntervalMillis;
    }

    /** Seals every realm's committed rows, then signs the heads that moved since their checkpoint was signed, once due. */
    public void run() {
        List<String> realms = KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                session -> em(session)
                        .createQuery(
                                "select distinct a.realmId from AuditEntity a where a.sequence is null", String.class)
                        .getResultList());
        for (String realmId : realms) {
            try {
                seal(realmId);
            } catch (RuntimeException e) {
                AuditMetrics.sealFailed();
                LOG.errorf("Audit rows of realm %s not sealed: %s", realmId, e.getMessage());
            }
        }
        long now = System.currentTimeMillis();
        List<String> due = KeycloakModelUtils.runJobInTransactionWithResult(
                factory,
                session -> em(session)
                        .createQuery(
                                "select h.realmId from AuditHeadEntity h where h.lastSequence > h.signedSequence and h.signedAt <= :due",
                                String.class)
                        .setParameter("due", now - checkpointIntervalMillis)
                        .getResultList());
        for (String realmId : due) {
            sign(realmId, false);
        }
    }

    /** Seals the realm's committed rows, a batch per transaction; returns how many. */
    public long seal(String realmId) {
        long sealed = 0;
        while (true) {
            List<AuditEntity> rows =
                    KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> batch(session, realmId));
            AuditMetrics.sealed(rows.size());
            rows.forEach(AuditLogLine::log);
            sealed += rows.size();
            if (rows.size() < BATCH) {
                return sealed;
            }
        }
    }

    private static List<AuditEntity> batch(KeycloakSession session, String realmId) {
        EntityManager em = em(session);
        AuditHeadEntity head = lockHead(session, realmId);
        List<AuditEntity> rows = em.createQuery(
                        "select a from AuditEntity a where a.realmId = :realm and a.sequence is null"
                                + " order by a.position",
                        AuditEntity.class)
                .setParameter("realm", realmId)
                .setMaxResults(BATCH)
                .getResultList();
        long sequence = head.getLastSequence();
        String hash = head.getLastHash();
        for (AuditEntity row : rows) {
            sequence++;
            String next = AuditChain.hash(hash, row.record(sequence));
            row.setSequence(sequence);
            row.setPrevHash(hash);
            row.setHash(next);
            hash = next;
        }
        head.setLastSequence(sequence);
        head.setLastHash(hash);
        em.flush();
        return rows;
    }

    /**
     * Signs the realm's head now (a purge calls this at once, {@code purged}: its new start is what it signs). A refusal
     * (the chain no longer passes through the last checkpoint, see {@link AuditCheckpoints#sign}) is logged, not thrown.
     */
    public void sign(String realmId, boolean purged) {
        try {
            AuditCheckpointEntity checkpoint = KeycloakModelUtils.runJobInTransactionWithResult(
                    factory,
                    session -> checkpoints.sign(
                            em(session), lockHead(session, realmId), System.currentTimeMillis(), purged));
            AuditMetrics.signed();
            AuditLogLine.checkpoint(checkpoint);
        } catch (RuntimeException e) {
            AuditMetrics.signFailed();
            LOG.errorf("Audit checkpoint of realm %s not signed: %s", realmId, e.getMessage());
        }
    }

    /** The realm's head, locked until the transaction ends; created (genesis) for the realm's first rows. */
    static AuditHeadEntity lockHead(KeycloakSession session, String realmId) {
        EntityManager em = em(session);
        AuditHeadEntity head = em.find(AuditHeadEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (head != null) {
            return head;
        }
        // In a transaction of its own (another node may do the same; the loser's duplicate key fails only that one).
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), inner -> {
                EntityManager innerEm = em(inner);
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

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
