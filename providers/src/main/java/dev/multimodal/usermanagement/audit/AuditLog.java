package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.function.Consumer;

/** Reads a realm's audit log: filtered keyset pages, a streaming walk, and the chain verification. */
public final class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    static final int BATCH = 500;

    private final EntityManager em;

    public AuditLog(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Equality filters (null: any) and a time range in epoch milliseconds (inclusive from, exclusive to). */
    public record Filter(String userId, String type, String outcome, String clientId, String ip, Long from, Long to) {
        public static final Filter NONE = new Filter(null, null, null, null, null, null, null);
    }

    /** @param checkpointSequence the last purged row's sequence (0: nothing purged); the walk started after it */
    public record Verification(boolean valid, long rowsChecked, AuditChain.Break firstInvalid, long checkpointSequence) {
    }

    /** Rows with a sequence above {@code after}, in sequence order: each filter an indexed (realm, column, seq) range. */
    public List<AuditRow> page(String realmId, Filter filter, long after, Long upTo, int limit) {
        StringBuilder jpql = new StringBuilder(AuditRow.SELECT).append(" where a.realmId = :realm and a.sequence > :after");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("realm", realmId);
        params.put("after", after);
        condition(jpql, params, "a.userId = :user", "user", filter.userId());
        condition(jpql, params, "a.type = :type", "type", filter.type());
        condition(jpql, params, "a.outcome = :outcome", "outcome", filter.outcome());
        condition(jpql, params, "a.clientId = :client", "client", filter.clientId());
        condition(jpql, params, "a.ip = :ip", "ip", filter.ip());
        condition(jpql, params, "a.time >= :from", "from", filter.from());
        condition(jpql, params, "a.time < :to", "to", filter.to());
        condition(jpql, params, "a.sequence <= :upTo", "upTo", upTo);
        jpql.append(" order by a.sequence");
        TypedQuery<AuditRow> query = em.createQuery(jpql.toString(), AuditRow.class);
        params.forEach(query::setParameter);
        return query.setMaxResults(limit).getResultList();
    }

    private static void condition(StringBuilder jpql, Map<String, Object> params, String clause, String name, Object value) {
        if (value != null) {
            jpql.append(" and ").append(clause);
            params.put(name, value);
        }
    }

    /** Every matching row in sequence order, in batches of keyset pages: memory stays flat whatever the count. */
    public void forEach(String realmId, Filter filter, Consumer<AuditRow> each) {
        long after = 0;
        while (true) {
            List<AuditRow> batch = page(realmId, filter, after, null, BATCH);
            batch.forEach(each);
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).sequence();
        }
    }

    /**
     * Walks the realm's chain from its checkpoint (the last purged row; the genesis before any purge) up to its head
     * as read at the start (every row up to it had committed by then; rows committed later are left for the next
     * run), keeping only the last hash. Then rows beyond the head: a row whose sequence is above the head as read
     * <em>after</em> seeing it cannot have been written by us (the head moves in the row's own transaction), so it was
     * inserted. A purge that moves the checkpoint during the walk makes rows vanish under it: then the walk starts
     * again from the new checkpoint.
     */
    public Verification verify(String realmId) {
        Verification result = walk(realmId);
        for (int retry = 0; retry < 3 && !result.valid() && checkpointMoved(realmId, result); retry++) {
            result = walk(realmId);
        }
        AuditMetrics.verified(result.valid());
        if (result.valid()) {
            LOG.debugf("Audit chain of realm %s verified: %d rows", realmId, result.rowsChecked());
        } else {
            LOG.warnf("Audit chain of realm %s broken at sequence %d: %s", realmId, result.firstInvalid().sequence(),
                    result.firstInvalid().reason());
        }
        return result;
    }

    private boolean checkpointMoved(String realmId, Verification result) {
        AuditHeadEntity head = head(realmId);
        return head != null && head.getCheckpointSequence() != result.checkpointSequence();
    }

    private AuditHeadEntity head(String realmId) {
        AuditHeadEntity head = em.find(AuditHeadEntity.class, realmId);
        if (head != null) {
            em.refresh(head);
        }
        return head;
    }

    private Verification walk(String realmId) {
        AuditHeadEntity head = head(realmId);
        long headSequence = head == null ? 0 : head.getLastSequence();
        String headHash = head == null ? AuditChain.GENESIS : head.getLastHash();
        long checkpoint = head == null ? 0 : head.getCheckpointSequence();
        String checkpointHash = head == null ? AuditChain.GENESIS : head.getCheckpointHash();
        AuditChain.Walker walker = new AuditChain.Walker(checkpoint + 1, checkpointHash);
        long after = checkpoint;
        boolean more = true;
        while (more) {
            List<AuditRow> batch = page(realmId, Filter.NONE, after, headSequence, BATCH);
            for (AuditRow row : batch) {
                if (!walker.accept(row.record(), row.prevHash(), row.hash())) {
                    more = false;
                    break;
                }
            }
            if (batch.size() < BATCH) {
                more = false;
            } else if (more) {
                after = batch.get(batch.size() - 1).sequence();
            }
        }
        walker.finish(headSequence, headHash);
        if (walker.broken() == null && checkpoint > 0) {
            // Purged rows are gone for good: a row at or before the checkpoint was put there afterwards.
            page(realmId, Filter.NONE, 0, checkpoint, 1).stream().findFirst().ifPresent(row ->
                    walker.fail(row.sequence(), "row at or before the purge checkpoint " + checkpoint + ": a row was inserted"));
        }
        if (walker.broken() == null) {
            List<AuditRow> beyond = page(realmId, Filter.NONE, headSequence, null, BATCH);
            if (!beyond.isEmpty()) {
                AuditHeadEntity now = head(realmId);
                long nowSequence = now == null ? 0 : now.getLastSequence();
                beyond.stream().filter(row -> row.sequence() > nowSequence).findFirst().ifPresent(row ->
                        walker.fail(row.sequence(), "row after the realm's last sequence " + nowSequence + ": a row was inserted"));
            }
        }
        return new Verification(walker.broken() == null, walker.checked(), walker.broken(), checkpoint);
    }
}
