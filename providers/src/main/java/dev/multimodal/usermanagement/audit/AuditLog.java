package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Reads a realm's audit log: filtered keyset pages, a streaming walk, and the chain verification. */
public final class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    static final int BATCH = 500;
    /** Rows of the already verified chain that an incremental verification checks again. */
    public static final int SWEEP_ROWS = 10_000;

    private final KeycloakSession session;
    private final EntityManager em;

    public AuditLog(KeycloakSession session) {
        this.session = session;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    /** Equality filters (null: any) and a time range in epoch milliseconds (inclusive from, exclusive to). */
    public record Filter(String userId, String type, String outcome, String clientId, String ip, Long from, Long to) {
        public static final Filter NONE = new Filter(null, null, null, null, null, null, null);
    }

    /**
     * @param checkpointSequence the last purged row's sequence (0: nothing purged)
     * @param full               whether every row from the checkpoint was walked (else: incremental, see {@link #verify})
     * @param verifiedSequence   the head the walk went up to
     */
    public record Verification(
            boolean valid,
            long rowsChecked,
            AuditChain.Break firstInvalid,
            long checkpointSequence,
            boolean full,
            long verifiedSequence,
            long sealedRows,
            long unsealedRows,
            int signedCheckpointsChecked,
            AuditCheckpoints.Checkpoint signedCheckpoint) {}

    /**
     * Rows with a position above {@code after}, in write order (sealed or not: a row shows as soon as it commits):
     * each equality filter an indexed (realm, column, position) range. A time range alone is first turned into the
     * position range of its rows (see {@link #positionsWithin}), because Postgres would otherwise walk the position
     * index and filter by time, reading most of a large log for one page.
     */
    public List<AuditRow> page(String realmId, Filter filter, long after, Long upTo, int limit) {
        return positionsWithin(realmId, filter)
                .map(range -> page(realmId, filter, range, after, upTo, limit))
                .orElse(List.of());
    }

    /**
     * Every matching row with a position in (after, upTo] in write order, in batches of keyset pages: memory stays
     * flat whatever the count.
     */
    public void forEach(String realmId, Filter filter, long after, Long upTo, Consumer<AuditRow> each) {
        Optional<PositionRange> range = positionsWithin(realmId, filter);
        if (range.isEmpty()) {
            return;
        }
        while (true) {
            List<AuditRow> batch = page(realmId, filter, range.get(), after, upTo, BATCH);
            batch.forEach(each);
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).position();
        }
    }

    /** The first and last position a page may hold; everything for a filter without a time range. */
    private record PositionRange(long first, long last) {
        static final PositionRange ALL = new PositionRange(0, Long.MAX_VALUE);
    }

    /**
     * The lowest and highest position among the rows in the filter's time range, read from the (realm, time, position)
     * index alone (its cost grows with the rows in the range: about 40 ms for 80,000); empty when no row is in it.
     * Exact, although times and positions are only roughly in step: every row of the range lies between the two.
     */
    private Optional<PositionRange> positionsWithin(String realmId, Filter filter) {
        boolean narrowedByValue = filter.userId() != null
                || filter.type() != null
                || filter.outcome() != null
                || filter.clientId() != null
                || filter.ip() != null;
        if (filter.from() == null && filter.to() == null || narrowedByValue) {
            // no time range, or one beside a value whose (realm, column, seq) index leads: time is only filtered
            return Optional.of(PositionRange.ALL);
        }
        // "+ 0": else Postgres answers min/max by walking the position index and filtering by time, the slow way
        Object[] bounds = em.createQuery(
                        "select min(a.position + 0), max(a.position + 0) from AuditEntity a where a.realmId = :realm"
                                + " and a.time >= :from and a.time < :to",
                        Object[].class)
                .setParameter("realm", realmId)
                .setParameter("from", Objects.requireNonNullElse(filter.from(), Long.MIN_VALUE))
                .setParameter("to", Objects.requireNonNullElse(filter.to(), Long.MAX_VALUE))
                .getSingleResult();
        return bounds[0] == null
                ? Optional.empty()
                : Optional.of(new PositionRange(((Number) bounds[0]).longValue(), ((Number) bounds[1]).longValue()));
    }

    /**
     * The position of the {@code count}-th row matching the filter after {@code after} when more rows than that match
     * (where a capped export stops), else empty. Reads {@code count} entries of the filter's index, no rows.
     */
    public Optional<Long> cutAfter(String realmId, Filter filter, long after, int count) {
        return positionsWithin(realmId, filter).flatMap(range -> {
            List<Long> positions = query(
                            "select a.position from AuditEntity a", Long.class, realmId, filter, range, after, null)
                    .setFirstResult(count - 1)
                    .setMaxResults(2)
                    .getResultList();
            return positions.size() == 2 ? Optional.of(positions.get(0)) : Optional.empty();
        });
    }

    private List<AuditRow> page(String realmId, Filter filter, PositionRange range, long after, Long upTo, int limit) {
        return query(AuditRow.SELECT, AuditRow.class, realmId, filter, range, after, upTo)
                .setMaxResults(limit)
                .getResultList();
    }

    private <T> TypedQuery<T> query(
            String select, Class<T> type, String realmId, Filter filter, PositionRange range, long after, Long upTo) {
        StringBuilder jpql = new StringBuilder(select).append(" where a.realmId = :realm and a.position > :after");
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
        condition(jpql, params, "a.position <= :upTo", "upTo", last == Long.MAX_VALUE ? null : last);
        jpql.append(" order by a.position");
        TypedQuery<T> query = em.createQuery(jpql.toString(), type);
        params.forEach(query::setParameter);
        return query;
    }

    private static void condition(
            StringBuilder jpql, Map<String, Object> params, String clause, String name, Object value) {
        if (value != null) {
            jpql.append(" and ").append(clause);
            params.put(name, value);
        }
    }

    /**
     * Verifies the realm's sealed chain (unsealed rows are counted, not checked: the sealer chains them within
     * seconds). A full walk goes from the purge checkpoint (the last purged row; the genesis before any purge) to the
     * head as read at the start, keeping only the last hash. An incremental one (the default once a walk succeeded)
     * checks
     * <ul>
     *   <li>the rows sealed since the last verified row, chained from its stored hash;</li>
     *   <li>that the last verified row still has that hash (its content is covered by the hash, and every earlier row's
     *       by the chain up to it);</li>
     *   <li>a window of {@value #SWEEP_ROWS} already verified rows, each call the next one, round the whole chain: an
     *       edit, insertion or deletion among verified rows is found within ceil(verified rows / {@value #SWEEP_ROWS})
     *       calls, and at once by a full walk.</li>
     * </ul>
     * Then, either way, rows beyond the head: a row whose sequence is above the head as read <em>after</em> seeing it
     * was not sealed by the sealer (the head moves in the sealing transaction), so it was inserted. Last, the chain is
     * compared with the latest signed checkpoints ({@link AuditCheckpoints}): a chain rewritten with recomputed hashes
     * passes the walk but not through the signed heads. A purge that moves the purge checkpoint during the walk makes
     * rows vanish under it: then the walk starts again.
     */
    public Verification verify(String realmId, boolean full) {
        Verification result = walk(realmId, full);
        for (int retry = 0; retry < 3 && !result.valid() && checkpointMoved(realmId, result); retry++) {
            result = walk(realmId, full);
        }
        AuditMetrics.verified(result.valid());
        if (result.valid()) {
            LOG.debugf("Audit chain of realm %s verified: %d rows", realmId, result.rowsChecked());
        } else {
            LOG.warnf(
                    "Audit chain of realm %s broken at sequence %d: %s",
                    realmId,
                    result.firstInvalid().sequence(),
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

    private Verification walk(String realmId, boolean full) {
        // unsealed rows first, then the head: a row counted as sealed is in the head read next (the other order could
        // miss rows the sealer chained in between, and report them neither sealed nor unsealed)
        long unsealed = em.createQuery(
                        "select count(a) from AuditEntity a where a.realmId = :realm and a.sequence is null",
                        Long.class)
                .setParameter("realm", realmId)
                .getSingleResult();
        AuditHeadEntity head = head(realmId);
        long headSequence = head == null ? 0 : head.getLastSequence();
        String headHash = head == null ? AuditChain.GENESIS : head.getLastHash();
        long checkpoint = head == null ? 0 : head.getCheckpointSequence();
        String checkpointHash = head == null ? AuditChain.GENESIS : head.getCheckpointHash();
        long verified = head == null ? 0 : head.getVerifiedSequence();
        boolean incremental =
                !full && verified > checkpoint && verified <= headSequence && head.getVerifiedHash() != null;

        long checked = 0;
        AuditChain.Break broken;
        long nextSweep = checkpoint;
        if (incremental) {
            String verifiedHash = head.getVerifiedHash();
            // 1. a window of rows verified before, from where the last call left off
            long sweepFrom = head.getSweepSequence() >= checkpoint && head.getSweepSequence() < verified
                    ? head.getSweepSequence()
                    : checkpoint;
            long sweepTo = Math.min(sweepFrom + SWEEP_ROWS, verified);
            String sweepHash =
                    sweepFrom == checkpoint ? checkpointHash : AuditCheckpoints.hashAt(em, realmId, sweepFrom);
            AuditChain.Walker sweep = new AuditChain.Walker(sweepFrom + 1, sweepHash == null ? "" : sweepHash);
            if (sweepHash == null) {
                sweep.fail(sweepFrom, "sequence " + sweepFrom + " missing: a row was deleted");
            } else {
                walkRange(realmId, sweep, sweepFrom, sweepTo);
                sweep.finish(sweepTo, null);
            }
            // 2. the last verified row still ends the verified chain
            String anchor = AuditCheckpoints.hashAt(em, realmId, verified);
            if (anchor == null || !anchor.equals(verifiedHash)) {
                sweep.fail(
                        verified,
                        "the last verified row " + verified
                                + (anchor == null
                                        ? " is missing: a row was deleted"
                                        : " changed since it was verified: rows were edited"));
            }
            // 3. the rows sealed since
            AuditChain.Walker fresh = new AuditChain.Walker(verified + 1, verifiedHash);
            walkRange(realmId, fresh, verified, headSequence);
            fresh.finish(headSequence, headHash);
            checked = sweep.checked() + fresh.checked();
            broken = sweep.broken() != null ? sweep.broken() : fresh.broken();
            nextSweep = sweepTo >= verified ? checkpoint : sweepTo;
        } else {
            AuditChain.Walker walker = new AuditChain.Walker(checkpoint + 1, checkpointHash);
            walkRange(realmId, walker, checkpoint, headSequence);
            walker.finish(headSequence, headHash);
            checked = walker.checked();
            broken = walker.broken();
        }
        if (broken == null && checkpoint > 0) {
            // Purged rows are gone for good: a row at or before the checkpoint was put there afterwards.
            broken = chain(realmId, 0, checkpoint, 1).stream()
                    .findFirst()
                    .map(row -> new AuditChain.Break(
                            row.sequence(),
                            "row at or before the purge checkpoint " + checkpoint + ": a row was inserted"))
                    .orElse(null);
        }
        if (broken == null) {
            List<AuditRow> beyond = chain(realmId, headSequence, Long.MAX_VALUE, BATCH);
            if (!beyond.isEmpty()) {
                AuditHeadEntity now = head(realmId);
                long nowSequence = now == null ? 0 : now.getLastSequence();
                broken = beyond.stream()
                        .filter(row -> row.sequence() > nowSequence)
                        .findFirst()
                        .map(row -> new AuditChain.Break(
                                row.sequence(),
                                "row after the realm's last sequence " + nowSequence + ": a row was inserted"))
                        .orElse(null);
            }
        }
        AuditCheckpoints.Comparison signed = null;
        if (head != null) {
            signed = AuditEventListenerProviderFactory.of(session).checkpoints().compare(em, head);
            if (broken == null) {
                broken = signed.broken();
            }
        }
        if (broken == null && head != null) {
            saveProgress(realmId, headSequence, headHash, nextSweep);
        }
        return new Verification(
                broken == null,
                checked,
                broken,
                checkpoint,
                !incremental,
                headSequence,
                headSequence - checkpoint,
                unsealed,
                signed == null ? 0 : signed.checked(),
                signed == null ? null : signed.latest());
    }

    /** Sealed rows with a sequence in (after, upTo], in chain order. */
    private List<AuditRow> chain(String realmId, long after, long upTo, int limit) {
        return em.createQuery(
                        AuditRow.SELECT + " where a.realmId = :realm and a.sequence > :after and a.sequence <= :upTo"
                                + " order by a.sequence",
                        AuditRow.class)
                .setParameter("realm", realmId)
                .setParameter("after", after)
                .setParameter("upTo", upTo)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Feeds the rows in (after, upTo] to the walker, a page at a time, until it finds a break. */
    private void walkRange(String realmId, AuditChain.Walker walker, long after, long upTo) {
        while (after < upTo) {
            List<AuditRow> batch = chain(realmId, after, upTo, BATCH);
            for (AuditRow row : batch) {
                if (!walker.accept(row.record(), row.prevHash(), row.hash())) {
                    return;
                }
            }
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).sequence();
        }
    }

    /**
     * Stores how far the chain is verified, in a short transaction of its own (the head row is the sealer's lock);
     * never backwards, should a slower parallel verification finish last.
     */
    private void saveProgress(String realmId, long verifiedSequence, String verifiedHash, long sweepSequence) {
        KeycloakModelUtils.runJobInTransaction(
                session.getKeycloakSessionFactory(),
                saving -> saving.getProvider(JpaConnectionProvider.class)
                        .getEntityManager()
                        .createNativeQuery(
                                "UPDATE UM_AUDIT_HEAD SET VERIFIED_SEQ = ?1, VERIFIED_HASH = ?2, SWEEP_SEQ = ?3 WHERE REALM_ID = ?4 AND VERIFIED_SEQ <= ?1")
                        .setParameter(1, verifiedSequence)
                        .setParameter(2, verifiedHash)
                        .setParameter(3, sweepSequence)
                        .setParameter(4, realmId)
                        .executeUpdate());
    }
}
