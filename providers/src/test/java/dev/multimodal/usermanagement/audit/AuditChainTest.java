package dev.multimodal.usermanagement.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private record Sealed(AuditRecord record, String prevHash, String hash) {}

    private static AuditRecord record(long sequence, String type) {
        return new AuditRecord(
                "id-" + sequence,
                "realm-1",
                sequence,
                1_700_000_000_000L + sequence,
                type,
                "user-1",
                "app",
                "10.0.0.1",
                "user-1",
                "session-1",
                AuditRecord.SUCCESS,
                null,
                "{\"username\":\"alice\"}");
    }

    private static List<Sealed> chain(int length) {
        List<Sealed> rows = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 1; i <= length; i++) {
            AuditRecord record = record(i, "LOGIN");
            String hash = AuditChain.hash(previous, record);
            rows.add(new Sealed(record, previous, hash));
            previous = hash;
        }
        return rows;
    }

    private static AuditChain.Walker walk(List<Sealed> rows, long headSequence, String headHash) {
        AuditChain.Walker walker = new AuditChain.Walker(1, AuditChain.GENESIS);
        for (Sealed row : rows) {
            if (!walker.accept(row.record(), row.prevHash(), row.hash())) {
                break;
            }
        }
        walker.finish(headSequence, headHash);
        return walker;
    }

    @Test
    void canonicalFormTellsNullFromEmptyAndKeepsFieldBoundaries() {
        AuditRecord a = new AuditRecord("x", "r", 1, 2, "T", "ab", "c", null, null, null, "success", null, null);
        AuditRecord b = new AuditRecord("x", "r", 1, 2, "T", "a", "bc", null, null, null, "success", null, null);
        AuditRecord c = new AuditRecord("x", "r", 1, 2, "T", "ab", "c", "", null, null, "success", null, null);
        AuditRecord d = new AuditRecord("x", "r", 1, 2, "T", "a;2:bc", null, null, null, null, "success", null, null);
        assertNotEquals(a.canonical(), b.canonical());
        assertNotEquals(a.canonical(), c.canonical());
        assertNotEquals(b.canonical(), d.canonical());
        assertEquals(
                a.canonical(),
                new AuditRecord("x", "r", 1, 2, "T", "ab", "c", null, null, null, "success", null, null).canonical());
    }

    @Test
    void hashIsSha256OfPreviousHashAndCanonicalForm() throws Exception {
        AuditRecord record = record(1, "LOGIN");
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        String expected = java.util.HexFormat.of()
                .formatHex(sha.digest((AuditChain.GENESIS + "\n" + record.canonical())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(expected, AuditChain.hash(AuditChain.GENESIS, record));
        assertEquals(64, expected.length());
        assertNotEquals(AuditChain.hash(AuditChain.GENESIS, record), AuditChain.hash("1".repeat(64), record));
        assertNotEquals(
                AuditChain.hash(AuditChain.GENESIS, record),
                AuditChain.hash(
                        AuditChain.GENESIS,
                        new AuditRecord(
                                record.id(),
                                record.realmId(),
                                2,
                                record.time(),
                                record.type(),
                                record.userId(),
                                record.clientId(),
                                record.ip(),
                                record.target(),
                                record.sessionId(),
                                record.outcome(),
                                record.error(),
                                record.details())));
    }

    @Test
    void intactChainVerifies() {
        List<Sealed> rows = chain(10);
        AuditChain.Walker walker = walk(rows, 10, rows.get(9).hash());
        assertNull(walker.broken());
        assertEquals(10, walker.checked());
    }

    @Test
    void emptyChainVerifies() {
        assertNull(walk(List.of(), 0, AuditChain.GENESIS).broken());
    }

    @Test
    void editedRowIsFound() {
        List<Sealed> rows = chain(10);
        Sealed row = rows.get(4);
        AuditRecord r = row.record();
        AuditRecord edited = new AuditRecord(
                r.id(),
                r.realmId(),
                r.sequence(),
                r.time(),
                "LOGIN_ERROR",
                r.userId(),
                r.clientId(),
                r.ip(),
                r.target(),
                r.sessionId(),
                r.outcome(),
                r.error(),
                r.details());
        rows.set(4, new Sealed(edited, row.prevHash(), row.hash()));
        AuditChain.Walker walker = walk(rows, 10, rows.get(9).hash());
        assertEquals(5, walker.broken().sequence());
        assertTrue(walker.broken().reason().contains("edited"), walker.broken().reason());
    }

    @Test
    void rehashedEditIsFoundAtTheNextRow() {
        List<Sealed> rows = chain(10);
        Sealed row = rows.get(4);
        AuditRecord edited = record(5, "LOGOUT");
        rows.set(4, new Sealed(edited, row.prevHash(), AuditChain.hash(row.prevHash(), edited)));
        AuditChain.Walker walker = walk(rows, 10, rows.get(9).hash());
        assertEquals(6, walker.broken().sequence());
    }

    @Test
    void deletedRowIsFound() {
        List<Sealed> rows = chain(10);
        rows.remove(3);
        AuditChain.Walker walker = walk(rows, 10, rows.get(8).hash());
        assertEquals(4, walker.broken().sequence());
        assertTrue(walker.broken().reason().contains("deleted"), walker.broken().reason());
    }

    @Test
    void deletedLastRowIsFoundAgainstTheHead() {
        List<Sealed> rows = chain(10);
        String headHash = rows.get(9).hash();
        rows.remove(9);
        AuditChain.Walker walker = walk(rows, 10, headHash);
        assertEquals(10, walker.broken().sequence());
        assertFalse(walker.broken().reason().isEmpty());
    }

    @Test
    void insertedRowIsFound() {
        List<Sealed> rows = chain(10);
        AuditRecord extra = record(4, "LOGIN");
        rows.add(
                4,
                new Sealed(
                        extra, rows.get(3).hash(), AuditChain.hash(rows.get(3).hash(), extra)));
        AuditChain.Walker walker = walk(rows, 10, rows.get(10).hash());
        assertEquals(4, walker.broken().sequence());
        assertTrue(
                walker.broken().reason().contains("inserted"), walker.broken().reason());
    }

    // ---------------------------------------------------------------- after a purge: the walk starts at the checkpoint

    private static AuditChain.Walker walkFromCheckpoint(
            List<Sealed> remaining, long checkpoint, String checkpointHash, long headSequence, String headHash) {
        AuditChain.Walker walker = new AuditChain.Walker(checkpoint + 1, checkpointHash);
        for (Sealed row : remaining) {
            if (!walker.accept(row.record(), row.prevHash(), row.hash())) {
                break;
            }
        }
        walker.finish(headSequence, headHash);
        return walker;
    }

    @Test
    void remainingChainVerifiesFromTheCheckpoint() {
        List<Sealed> rows = chain(10);
        List<Sealed> remaining = rows.subList(4, 10);
        AuditChain.Walker walker = walkFromCheckpoint(
                remaining, 4, rows.get(3).hash(), 10, rows.get(9).hash());
        assertNull(walker.broken());
        assertEquals(6, walker.checked());
    }

    @Test
    void deletedFirstRowAfterTheCheckpointIsFound() {
        List<Sealed> rows = chain(10);
        AuditChain.Walker walker = walkFromCheckpoint(
                rows.subList(5, 10), 4, rows.get(3).hash(), 10, rows.get(9).hash());
        assertEquals(5, walker.broken().sequence());
    }

    @Test
    void wrongCheckpointHashIsFound() {
        List<Sealed> rows = chain(10);
        AuditChain.Walker walker = walkFromCheckpoint(
                rows.subList(4, 10), 4, rows.get(2).hash(), 10, rows.get(9).hash());
        assertEquals(5, walker.broken().sequence());
    }

    @Test
    void everythingAfterTheCheckpointDeletedIsFound() {
        List<Sealed> rows = chain(10);
        AuditChain.Walker walker = walkFromCheckpoint(
                List.of(), 4, rows.get(3).hash(), 10, rows.get(9).hash());
        assertEquals(5, walker.broken().sequence());
        assertTrue(walker.broken().reason().contains("missing"));
    }
}
