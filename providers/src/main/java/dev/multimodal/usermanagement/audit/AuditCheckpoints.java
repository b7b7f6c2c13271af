package dev.multimodal.usermanagement.audit;

import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Signed checkpoints of the realms' chains: the head (sequence and hash) and the chain's start (the purge point),
 * signed with a key outside Keycloak's database (see {@link AuditCheckpointKey}), stored in UM_AUDIT_CHECKPOINT,
 * served by {@code /audit/checkpoints} and logged, so a copy lives outside the database too. Someone who can write
 * to the database can rewrite a chain and recompute every hash, but cannot sign its new head: the rewritten chain
 * no longer passes through the signed ones.
 */
public final class AuditCheckpoints {

    /** How many of a realm's latest checkpoints a verification compares the chain with. */
    static final int CHECKED = 20;

    static final String ORIGIN = "user-management/audit/";

    /**
     * A checkpoint's text, modelled on C2SP tlog-checkpoint: origin, size (the head's sequence), the head's hash in
     * base64, then extension lines {@code start <sequence> <base64 hash>} (the purge point) and {@code time <ISO-8601>}.
     */
    public record Checkpoint(
            String realmId, long size, String hash, long startSequence, String startHash, Instant time) {

        public String text() {
            return ORIGIN + realmId + "\n" + size + "\n" + base64(hash) + "\nstart " + startSequence + " "
                    + base64(startHash) + "\ntime " + time + "\n";
        }

        /** The checkpoint a note's text states, or null when it is not one of ours. */
        static Checkpoint parse(String text) {
            try {
                String[] lines = text.split("\n");
                String[] start = lines[3].split(" ");
                if (!lines[0].startsWith(ORIGIN) || !start[0].equals("start") || !lines[4].startsWith("time ")) {
                    return null;
                }
                return new Checkpoint(
                        lines[0].substring(ORIGIN.length()),
                        Long.parseLong(lines[1]),
                        hex(lines[2]),
                        Long.parseLong(start[1]),
                        hex(start[2]),
                        Instant.parse(lines[4].substring(5)));
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String base64(String hex) {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
        }

        private static String hex(String base64) {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
        }
    }

    /** Signing refused: the chain no longer passes through the realm's last signed checkpoint. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final AuditCheckpointKey key;

    public AuditCheckpoints(AuditCheckpointKey key) {
        this.key = key;
    }

    public AuditCheckpointKey key() {
        return key;
    }

    /**
     * Signs the head, which the caller holds locked, after checking that the chain still passes through the last
     * checkpoint (a rewritten chain gets no signature). Persists the checkpoint in the caller's transaction and
     * marks the head signed; log it after the commit ({@link AuditLogLine#checkpoint}).
     *
     * @param purged whether a purge has just moved the chain's start (this signature records that); otherwise a
     *               start that moved since the last checkpoint is refused like a rewrite
     */
    AuditCheckpointEntity sign(EntityManager em, AuditHeadEntity head, long now, boolean purged) {
        AuditChain.Break broken = compare(em, head, latest(em, head.getRealmId(), 1), !purged);
        if (broken != null) {
            throw new Refused(broken.reason());
        }
        Checkpoint checkpoint = new Checkpoint(
                head.getRealmId(),
                head.getLastSequence(),
                head.getLastHash(),
                head.getCheckpointSequence(),
                head.getCheckpointHash(),
                Instant.ofEpochMilli(now));
        AuditCheckpointEntity entity = AuditCheckpointEntity.of(
                UUID.randomUUID().toString(),
                head.getRealmId(),
                checkpoint.size(),
                checkpoint.hash(),
                now,
                key.sign(checkpoint.text()));
        em.persist(entity);
        head.signed(head.getLastSequence(), now);
        return entity;
    }

    /** The realm's latest checkpoints, newest first. */
    public static List<AuditCheckpointEntity> latest(EntityManager em, String realmId, int limit) {
        return em.createQuery(
                        "select c from AuditCheckpointEntity c where c.realmId = :realm order by c.createdAt desc, c.sequence desc",
                        AuditCheckpointEntity.class)
                .setParameter("realm", realmId)
                .setMaxResults(limit)
                .getResultList();
    }

    /** What a verification found comparing the chain with the signed checkpoints. */
    public record Comparison(AuditChain.Break broken, int checked, Checkpoint latest) {}

    /** Compares the chain (head and rows as they are now) with the realm's latest {@value #CHECKED} checkpoints. */
    Comparison compare(EntityManager em, AuditHeadEntity head) {
        List<AuditCheckpointEntity> checkpoints = latest(em, head.getRealmId(), CHECKED);
        AuditChain.Break broken = compare(em, head, checkpoints, true);
        Checkpoint newest = checkpoints.stream()
                .map(stored -> key.text(stored.getNote()))
                .filter(Objects::nonNull)
                .map(Checkpoint::parse)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        return new Comparison(broken, checkpoints.size(), newest);
    }

    /**
     * The first disagreement between the chain and the checkpoints (newest first), or null. A checkpoint not signed by
     * this key is reported too (forged, or signed before a key change: then clear the old ones, see the docs).
     */
    private AuditChain.Break compare(
            EntityManager em, AuditHeadEntity head, List<AuditCheckpointEntity> checkpoints, boolean checkStart) {
        boolean newest = checkStart;
        for (AuditCheckpointEntity stored : checkpoints) {
            String text = key.text(stored.getNote());
            Checkpoint signed = text == null ? null : Checkpoint.parse(text);
            if (signed == null || !signed.realmId().equals(head.getRealmId())) {
                return new AuditChain.Break(
                        stored.getSequence(),
                        "checkpoint " + stored.getId()
                                + " has no valid signature of this server's checkpoint key: forged, or signed with another key");
            }
            String at = "the signed checkpoint of " + signed.time() + " (sequence " + signed.size() + ")";
            if (newest
                    && signed.startSequence() != head.getCheckpointSequence()
                    && head.getCheckpointSequence() > signed.startSequence()
                    && signed.size() >= head.getCheckpointSequence()) {
                // a real purge signs right after moving the start; this start moved with no signature
                return new AuditChain.Break(
                        head.getCheckpointSequence(),
                        "the chain starts after sequence " + head.getCheckpointSequence() + " but " + at
                                + " says it starts after " + signed.startSequence() + ": rows were deleted");
            }
            newest = false;
            if (signed.size() > head.getLastSequence()) {
                return new AuditChain.Break(
                        head.getLastSequence() + 1,
                        "the chain ends at sequence " + head.getLastSequence() + ", before " + at
                                + ": rows were deleted");
            }
            if (signed.size() < head.getCheckpointSequence()) {
                continue; // purged since
            }
            String hash = signed.size() == head.getCheckpointSequence()
                    ? head.getCheckpointHash()
                    : hashAt(em, head.getRealmId(), signed.size());
            if (!signed.hash().equals(hash)) {
                return new AuditChain.Break(
                        signed.size(),
                        "the chain does not pass through " + at
                                + ": rows were rewritten and their hashes recomputed, or deleted");
            }
        }
        return null;
    }

    static String hashAt(EntityManager em, String realmId, long sequence) {
        return em.createQuery(
                        "select a.hash from AuditEntity a where a.realmId = :realm and a.sequence = :sequence",
                        String.class)
                .setParameter("realm", realmId)
                .setParameter("sequence", sequence)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }
}
