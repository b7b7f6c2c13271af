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
import java.util.Optional;
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

    /**
     * Rows with a sequence above {@code after}, in sequence order: each equality filter an indexed (realm, column, seq)
     * range. A time range alone is first turned into the sequence range of its rows (see {@link #sequencesWithin}),
     * because Postgres would otherwise walk the sequence index and filter by time, reading most of a large log for one
     * page.
     */
    public List<AuditRow> page(String realmId, Filter filter, long after, Long upTo, int limit) {
        return sequencesWithin(realmId, filter).map(range -> page(realmId, filter, range, after, upTo, limit)).orElse(List.of());
    }

    /** Every matching row in sequence order, in batches of keyset pages: memory stays flat whatever the count. */
    public void forEach(String realmId, Filter filter, Consumer<AuditRow> each) {
        Optional<SequenceRange> range = sequencesWithin(realmId, filter);
        if (range.isEmpty()) {
            return;
        }
        long after = 0;
        while (true) {
            List<AuditRow> batch = page(realmId, filter, range.get(), after, null, BATCH);
            batch.forEach(each);
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).sequence();
        }
    }

    /** The first and last sequence a page may hold; everything for a filter without a time range. */
    private record SequenceRange(long first, long last) {
        static final SequenceRange ALL = new SequenceRange(0, Long.MAX_VALUE);
    }

    /**
     * The lowest and highest sequence among the rows in the filter's time range, read from the (realm, time, seq)
     * index alone (its cost grows with the rows in the range: about 40 ms for 80,000); empty when no row is in it. Exact, although times and sequences are only roughly in step
     * (a sequence is taken at commit): every row of the range lies between the two.
     */
    private Optional<SequenceRange> sequencesWithin(String realmId, Filter filter) {
        boolean narrowedByValue = filter.userId() != null || filter.type() != null || filter.outcome() != null
                || filter.clientId() != null || filter.ip() != null;
        if (filter.from() == null && filter.to() == null || narrowedByValue) {
            // no time range, or one beside a value whose (realm, column, seq) index leads: time is only filtered
            return Optional.of(SequenceRange.ALL);
        }
        // "+ 0": else Postgres answers min/max by walking the sequence index and filtering by time, the slow way
        Object[] bounds = em.createQuery("select min(a.sequence + 0), max(a.sequence + 0) from AuditEntity a where a.realmId = :realm"
                        + " and a.time >= :from and a.time < :to", Object[].class)
                .setParameter("realm", realmId)
                .setParameter("from", filter.from() == null ? Long.MIN_VALUE : filter.from())
                .setParameter("to", filter.to() == null ? Long.MAX_VALUE : filter.to())
                .getSingleResult();
        return bounds[0] == null ? Optional.empty()
                : Optional.of(new SequenceRange(((Number) bounds[0]).longValue(), ((Number) bounds[1]).longValue()));
    }

    private List<AuditRow> page(String realmId, Filter filter, SequenceRange range, long after, Long upTo, int limit) {
        StringBuilder jpql = new StringBuilder(AuditRow.SELECT).append(" where a.realmId = :realm and a.sequence > :after");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("realm", realmId);
        params.put("after", Math.max(after, range.first() - 1));
        condition(jpql, params, "a.userId = :user", "user", filter.userId());
        condition(jpql, params, "a.type = :type", "type", filter.type());
        condition(jpql, params, "a.outcome = :outcome", "outcome", filter.outcome());
        condition(jpql, params, "a.clientId = :client", "client", filter.clientId());
        condition(jpql, params, "a.ip = :ip", "ip", filter.ip());
        condition(jpql, params, "a.time >= :from", "from", filter.from());
        condition(jpql, params, "a.time < :to", "to", filter.to());
        long last = Math.min(upTo == null ? Long.MAX_VALUE : upTo, range.last());
        condition(jpql, params, "a.sequence <= :upTo", "upTo", last == Long.MAX_VALUE ? null : last);
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
