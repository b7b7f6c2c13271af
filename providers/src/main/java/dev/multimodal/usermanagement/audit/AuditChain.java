package dev.multimodal.usermanagement.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The hash chain: {@code hash = SHA-256(previous hash || "\n" || canonical form)}, as lowercase hex. */
public final class AuditChain {

    /** The "previous hash" of a realm's first row. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    public static String hash(String previousHash, AuditRecord record) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(record.canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** Why a row breaks the chain, or null when it continues it. */
    public record Break(long sequence, String reason) {}

    /**
     * Walks a realm's rows in sequence order, one at a time (nothing kept but the last hash), and remembers the
     * first break: a gap in the sequence (a deleted row), a repeated or out-of-order sequence (an inserted row),
     * a previous hash that does not match the last row's hash (a row removed or inserted), a hash that does not
     * match the row's content (an edited row).
     */
    public static final class Walker {
        private long expected;
        private String last;
        private long checked;
        private Break broken;

        public Walker(long firstSequence, String previousHash) {
            this.expected = firstSequence;
            this.last = previousHash;
        }

        /** @return false once the chain is broken (further rows are not checked). */
        public boolean accept(AuditRecord row, String prevHash, String hash) {
            if (broken != null) {
                return false;
            }
            checked++;
            if (row.sequence() < expected) {
                broken = new Break(
                        row.sequence(), "sequence " + row.sequence() + " repeated or out of order: a row was inserted");
            } else if (row.sequence() > expected) {
                broken = new Break(
                        expected,
                        "sequence " + expected + (row.sequence() - 1 > expected ? " to " + (row.sequence() - 1) : "")
                                + " missing: a row was deleted");
            } else if (!last.equals(prevHash)) {
                broken = new Break(
                        row.sequence(),
                        "prev_hash does not match the previous row's hash: a row was removed, inserted or edited");
            } else if (!hash(prevHash, row).equals(hash)) {
                broken = new Break(row.sequence(), "hash does not match the row's content: the row was edited");
            } else {
                expected++;
                last = hash;
                return true;
            }
            return false;
        }

        /** The chain must end where the realm's head says it ends (a removed last row leaves a short chain). */
        public void finish(long headSequence, String headHash) {
            if (broken != null) {
                return;
            }
            long lastSeen = expected - 1;
            if (lastSeen < headSequence) {
                broken = new Break(
                        lastSeen + 1,
                        "sequence " + (lastSeen + 1) + (headSequence > lastSeen + 1 ? " to " + headSequence : "")
                                + " missing: the last rows were deleted");
            } else if (lastSeen > headSequence) {
                broken = new Break(
                        headSequence + 1,
                        "rows after the head's last sequence " + headSequence + ": a row was inserted");
            } else if (headHash != null && !headHash.equals(last)) {
                broken = new Break(lastSeen, "the last row's hash does not match the realm's head");
            }
        }

        public void fail(long sequence, String reason) {
            if (broken == null) {
                broken = new Break(sequence, reason);
            }
        }

        public long checked() {
            return checked;
        }

        public Break broken() {
            return broken;
        }
    }
}
