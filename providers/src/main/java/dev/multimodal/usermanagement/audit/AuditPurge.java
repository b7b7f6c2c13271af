package dev.multimodal.usermanagement.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Removes a realm's rows older than a cut-off while keeping the rest of its chain verifiable.
 *
 * <p>Only a <em>prefix</em> of the chain goes (up to the first row that is young enough), so the remaining rows stay
 * one unbroken chain. They go in batches, each its own short transaction that deletes the rows and moves the realm's
 * checkpoint (sequence and hash of the last purged row, in UM_AUDIT_HEAD) to them: a crash between batches leaves a
 * consistent state, and the realm's sealer waits at most for one batch's commit. A batch whose rows are not all
 * there (someone deleted rows by hand) rolls back and stops the purge: purging must not hide tampering.
 * The purge itself becomes one row ({@value #PURGED_TYPE}) in the same chain, recording count and checkpoint, and
 * signs a checkpoint of the new start ({@link AuditSealer#sign}).
 */
public final class AuditPurge {

    public static final String PURGED_TYPE = "AUDIT_PURGED";
    static final int BATCH = 1000;
    private static final Logger LOG = Logger.getLogger(AuditPurge.class);

    private final KeycloakSessionFactory factory;

    public AuditPurge(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    public record Result(long purged, long checkpointSequence, String checkpointHash) {}

    /** A purge that stopped before its cut-off: the chain is broken there, or another purge of the realm runs. */
    public static final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }

    /**
     * @param before epoch milliseconds: rows with an earlier time go
     * @param actorUserId who asked for it (null for the scheduled purge)
     * @param trigger "schedule" or "api", for the purge's own row
     */
    public Result purge(String realmId, long before, String actorUserId, String trigger) {
        Plan plan = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            EntityManager em = em(session);
            AuditHeadEntity head = em.find(AuditHeadEntity.class, realmId);
            return head == null
                    ? new Plan(0, AuditChain.GENESIS, 0)
                    : new Plan(
                            head.getCheckpointSequence(),
                            head.getCheckpointHash(),
                            prefixEnd(em, realmId, head.getCheckpointSequence(), before));
        });
        long checkpoint = plan.checkpoint();
        String checkpointHash = plan.checkpointHash();
        long purged = 0;
        try {
            while (checkpoint < plan.end()) {
                long from = checkpoint;
                long to = Math.min(checkpoint + BATCH, plan.end());
                checkpointHash = KeycloakModelUtils.runJobInTransactionWithResult(
                        factory, session -> purgeBatch(em(session), realmId, from, to));
                purged += to - from;
                checkpoint = to;
            }
        } catch (RuntimeException e) {
            AuditMetrics.purgeFailed();
            LOG.errorf(
                    "Audit purge of realm %s stopped at sequence %d after %d rows: %s",
                    realmId, checkpoint, purged, e.getMessage());
            if (purged > 0) {
                record(realmId, before, actorUserId, trigger, purged, checkpoint, checkpointHash);
            }
            throw e;
        }
        if (purged > 0) {
            record(realmId, before, actorUserId, trigger, purged, checkpoint, checkpointHash);
            LOG.infof(
                    "Audit purge of realm %s: %d rows before %s removed, chain now starts after sequence %d",
                    realmId, purged, Instant.ofEpochMilli(before), checkpoint);
        }
        return new Result(purged, checkpoint, checkpointHash);
    }

    /** Where the realm's chain starts now, and the last sequence to purge. */
    private record Plan(long checkpoint, String checkpointHash, long end) {}

    /** The last sequence of the longest run of rows after the checkpoint that are all older than {@code before}. */
    private static long prefixEnd(EntityManager em, String realmId, long checkpoint, long before) {
        Long lastOld = em.createQuery(
                        "select max(a.sequence) from AuditEntity a where a.realmId = :realm"
                                + " and a.sequence > :checkpoint and a.time < :before",
                        Long.class)
                .setParameter("realm", realmId)
                .setParameter("checkpoint", checkpoint)
                .setParameter("before", before)
                .getSingleResult();
        if (lastOld == null) {
            return checkpoint;
        }
        // Times follow sequences only roughly (rows are sealed as they commit): never purge past the first young row.
        Long firstYoung = em.createQuery(
                        "select min(a.sequence) from AuditEntity a where a.realmId = :realm"
                                + " and a.sequence > :checkpoint and a.sequence < :lastOld and a.time >= :before",
                        Long.class)
                .setParameter("realm", realmId)
                .setParameter("checkpoint", checkpoint)
                .setParameter("lastOld", lastOld)
                .setParameter("before", before)
                .getSingleResult();
        return firstYoung == null ? lastOld : firstYoung - 1;
    }

    /** Deletes rows {@code (from, to]} and moves the checkpoint to row {@code to}; returns that row's hash. */
    private static String purgeBatch(EntityManager em, String realmId, long from, long to) {
        List<String> hash = em.createQuery(
                        "select a.hash from AuditEntity a where a.realmId = :realm and a.sequence = :seq", String.class)
                .setParameter("realm", realmId)
                .setParameter("seq", to)
                .getResultList();
        int deleted = em.createQuery(
                        "delete from AuditEntity a where a.realmId = :realm and a.sequence > :from and a.sequence <= :to")
                .setParameter("realm", realmId)
                .setParameter("from", from)
                .setParameter("to", to)
                .executeUpdate();
        if (hash.isEmpty() || deleted != to - from) {
            throw new Stopped("rows " + (from + 1) + " to " + to + " are not all there (" + deleted
                    + " found): the chain is broken, see /audit/verify");
        }
        // Last, so the head row (which the realm's sealer locks) stays locked only for this commit.
        int moved = em.createQuery("update AuditHeadEntity h set h.checkpointSequence = :to, h.checkpointHash = :hash"
                        + " where h.realmId = :realm and h.checkpointSequence = :from")
                .setParameter("to", to)
                .setParameter("hash", hash.get(0))
                .setParameter("realm", realmId)
                .setParameter("from", from)
                .executeUpdate();
        if (moved != 1) {
            throw new Stopped("the checkpoint moved meanwhile: another purge of the realm runs");
        }
        return hash.get(0);
    }

    /**
     * The purge's own row, written like any event (the sealer chains it), and a signed checkpoint of the chain's new
     * start: a start that moves with no signature is reported by the verification as deleted rows.
     */
    private void record(
            String realmId,
            long before,
            String actorUserId,
            String trigger,
            long purged,
            long checkpoint,
            String checkpointHash) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("purged", purged);
        details.put("before", Instant.ofEpochMilli(before).toString());
        details.put("checkpoint_sequence", checkpoint);
        details.put("checkpoint_hash", checkpointHash);
        details.put("trigger", trigger);
        AuditRecord record = new AuditRecord(
                UUID.randomUUID().toString(),
                realmId,
                0,
                System.currentTimeMillis(),
                PURGED_TYPE,
                actorUserId,
                null,
                null,
                null,
                null,
                AuditRecord.SUCCESS,
                null,
                details.toString());
        KeycloakModelUtils.runJobInTransaction(factory, session -> new AuditWriter(session).write(List.of(record)));
        AuditMetrics.written(1);
        AuditMetrics.purged(purged);
        AuditEventListenerProviderFactory.of(factory).sealer().sign(realmId, true);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
