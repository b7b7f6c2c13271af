package dev.multimodal.usermanagement.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCheckpointKeyTest {

    private static final String HASH = "ab".repeat(32);

    @Test
    void aGeneratedKeyIsReadBackAndItsNotesVerify(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/key.pem");
        AuditCheckpointKey generated = AuditCheckpointKey.generate(file);
        AuditCheckpointKey loaded = AuditCheckpointKey.load(file, null);
        assertEquals(generated.verifierKey(), loaded.verifierKey());
        assertTrue(Files.readString(file).contains("-----BEGIN PUBLIC KEY-----"));

        AuditCheckpoints.Checkpoint checkpoint = new AuditCheckpoints.Checkpoint(
                "realm-1", 42, HASH, 7, AuditChain.GENESIS, Instant.parse("2026-11-30T12:00:00Z"));
        String note = generated.sign(checkpoint.text());
        assertTrue(note.startsWith("user-management/audit/realm-1\n42\n"), note);
        assertTrue(note.contains("\n\n\u2014 user-management-audit "), note);
        assertEquals(checkpoint.text(), loaded.text(note));
        assertEquals(checkpoint, AuditCheckpoints.Checkpoint.parse(loaded.text(note)));

        assertNull(loaded.text(note.replace("\n42\n", "\n43\n")), "a changed size");
        assertFalse(AuditCheckpointKey.generate(dir.resolve("other.pem")).verifies(note), "another key");
        assertNull(loaded.text("no note"));
    }

    @Test
    void aPemWithoutItsPublicKeyIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key.pem");
        AuditCheckpointKey.generate(file);
        String pem = Files.readString(file);
        Files.writeString(file, pem.substring(0, pem.indexOf("-----BEGIN PUBLIC KEY-----")));
        assertThrows(java.security.GeneralSecurityException.class, () -> AuditCheckpointKey.load(file, null));
    }
}
