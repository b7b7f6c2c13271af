package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed checkpoints on the real server: the sealer signs each realm's chain head (key generated into the data
 * folder, as for the embedded run), publishes it on /audit/checkpoints and as a log line, and /audit/verify reports a
 * chain that no longer passes through them: a whole realm rewritten with every hash recomputed in SQL, a start moved
 * without a purge, a forged checkpoint. A real purge signs its new start and still verifies.
 */
class AuditCheckpointIT {

    private static KeycloakServer server;
    private static AuditSupport audit;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        audit = new AuditSupport(server);
    }

    /** A tenant with a few rows, all sealed, and a signed checkpoint of its head. */
    private static AuditSupport.Tenant signedTenant() {
        AuditSupport.Tenant tenant = audit.tenant("signed");
        audit.user(tenant, "alice");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD)
                            .status());
        }
        long head = audit.verify(tenant).path("verified_sequence").asLong();
        Wait.until(
                "a checkpoint of the head (every " + KeycloakServer.AUDIT_CHECKPOINT_INTERVAL_SECONDS + " s)",
                Duration.ofSeconds(60),
                () -> checkpoints(tenant).path("items").path(0).path("sequence").asLong() == head);
        return tenant;
    }

    private static JsonNode checkpoints(AuditSupport.Tenant tenant) {
        Http.Reply reply = Http.get(tenant.audit() + "/checkpoints", tenant.bossToken());
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    private static JsonNode fullVerify(AuditSupport.Tenant tenant) {
        Http.Reply reply = Http.get(tenant.audit() + "/verify?full=true", audit.platform());
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    @Test
    void headsAreSignedAsNotesAnyoneCanCheckAndLogged() throws Exception {
        AuditSupport.Tenant tenant = signedTenant();
        JsonNode published = checkpoints(tenant);
        JsonNode latest = published.path("items").path(0);
        String note = latest.path("note").asText();

        // C2SP signed note: origin, size, base64 hash, extensions; a blank line; "— <key name> base64(key id ||
        // signature)"
        String[] parts = note.split("\n\n", 2);
        String text = parts[0] + "\n";
        String[] lines = text.split("\n");
        assertEquals("user-management/audit/" + tenant.realmId(), lines[0]);
        assertEquals(latest.path("sequence").asLong(), Long.parseLong(lines[1]));
        assertEquals(
                latest.path("hash").asText(),
                HexFormat.of().formatHex(Base64.getDecoder().decode(lines[2])));
        assertEquals("start 0 " + Base64.getEncoder().encodeToString(new byte[32]), lines[3], "nothing purged yet");
        assertTrue(lines[4].startsWith("time "), text);

        // the verifier key "<name>+<key id>+base64(0x01 || Ed25519 public key)" checks the signature, with the JDK
        // alone
        String[] key = published.path("verifier_key").asText().split("\\+", 3);
        assertEquals("user-management-audit", key[0]);
        byte[] typed = Base64.getDecoder().decode(key[2]);
        assertEquals(33, typed.length);
        assertEquals(1, typed[0], "Ed25519");
        String signatureLine = parts[1].trim();
        assertTrue(signatureLine.startsWith("\u2014 user-management-audit "), signatureLine);
        byte[] signed = Base64.getDecoder().decode(signatureLine.substring(signatureLine.lastIndexOf(' ') + 1));
        assertEquals(key[1], HexFormat.of().formatHex(Arrays.copyOf(signed, 4)), "key id");
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
        PublicKey publicKey = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(concat(spki, Arrays.copyOfRange(typed, 1, 33))));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(text.getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(Arrays.copyOfRange(signed, 4, signed.length)), "the note's signature");

        // the chain's row at the checkpoint's size has the signed hash; verify says so
        assertEquals(
                latest.path("hash").asText(),
                audit.rows(tenant, "").stream()
                        .filter(row -> row.path("sequence").asLong()
                                == latest.path("sequence").asLong())
                        .findFirst()
                        .orElseThrow()
                        .path("hash")
                        .asText());
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("signed_checkpoints_checked").asInt() >= 1, verified.toString());
        assertEquals(
                latest.path("sequence").asLong(),
                verified.path("signed_checkpoint").path("sequence").asLong(),
                verified.toString());

        // each checkpoint is also a log line, for an off-host log store
        Wait.until(
                "the checkpoint's log line",
                Duration.ofSeconds(10),
                () -> server.log()
                        .lines()
                        .anyMatch(line -> line.contains("\"audit_checkpoint\":\"" + tenant.realmId() + "\"")
                                && line.contains(
                                        "\"hash\":\"" + latest.path("hash").asText() + "\"")));
        assertEquals(
                403,
                Http.get(
                                tenant.audit() + "/checkpoints",
                                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD)
                                        .json()
                                        .path("access_token")
                                        .asText())
                        .status(),
                "readers of the log only");
        assertEquals(
                400,
                Http.get(tenant.audit() + "/checkpoints?limit=0", tenant.bossToken())
                        .status());
    }

    @Test
    void rewritingEveryRowAndRecomputingAllHashesInSqlIsReportedAgainstTheSignedCheckpoint() {
        AuditSupport.Tenant tenant = signedTenant();
        long signedAt =
                checkpoints(tenant).path("items").path(0).path("sequence").asLong();
        // an attacker with write access to the database: every row changed, every hash and the head recomputed
        assertTrue(audit.sql("UPDATE UM_AUDIT SET IP_ADDRESS = '10.6.6.6' WHERE REALM_ID = ?", tenant.realmId()) >= 5);
        audit.rewrite(tenant, false);

        JsonNode verified = fullVerify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(signedAt, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
        assertTrue(
                verified.path("first_invalid").path("reason").asText().contains("signed checkpoint"),
                verified.toString());
        assertFalse(audit.verify(tenant).path("valid").asBoolean(), "the incremental verification too");

        // the sealer does not sign the rewritten head: the chain no longer passes through the last checkpoint
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD).status());
        Wait.until(
                "the refusal to sign",
                Duration.ofSeconds(30),
                () -> server.log()
                        .lines()
                        .anyMatch(line ->
                                line.contains("Audit checkpoint of realm " + tenant.realmId() + " not signed")));
        assertEquals(
                signedAt,
                checkpoints(tenant).path("items").path(0).path("sequence").asLong(),
                "no new checkpoint");
        assertFalse(fullVerify(tenant).path("valid").asBoolean());
    }

    @Test
    void aPurgeSignsItsNewStartAndStillVerifiesWhileAStartMovedInSqlIsReported() throws Exception {
        AuditSupport.Tenant tenant = signedTenant();
        Thread.sleep(20);
        Instant cutoff = Instant.now();
        Thread.sleep(20);
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD).status());
        audit.verify(tenant);
        Http.Reply purge = Http.post(tenant.audit() + "/purge?before=" + cutoff, audit.platform(), Map.of());
        assertEquals(200, purge.status(), purge.raw().body());
        long start = purge.json().path("checkpoint_sequence").asLong();
        assertTrue(start >= 5, purge.raw().body());
        String startLine = "start " + start + " "
                + Base64.getEncoder()
                        .encodeToString(HexFormat.of()
                                .parseHex(purge.json().path("checkpoint_hash").asText()));
        assertTrue(
                checkpoints(tenant).path("items").path(0).path("note").asText().contains("\n" + startLine + "\n"),
                "the purge signed its new start: " + checkpoints(tenant));
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(fullVerify(tenant).path("valid").asBoolean());

        // hiding rows by moving the start in SQL, as a purge would but unsigned
        long first = start + 1;
        String hash = audit.rows(tenant, "").stream()
                .filter(row -> row.path("sequence").asLong() == first)
                .findFirst()
                .orElseThrow()
                .path("hash")
                .asText();
        assertEquals(1, audit.sql("DELETE FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = ?", tenant.realmId(), first));
        assertEquals(
                1,
                audit.sql(
                        "UPDATE UM_AUDIT_HEAD SET CHECKPOINT_SEQ = ?, CHECKPOINT_HASH = ?, VERIFIED_SEQ = 0 WHERE REALM_ID = ?",
                        first,
                        hash,
                        tenant.realmId()));
        JsonNode moved = fullVerify(tenant);
        assertFalse(moved.path("valid").asBoolean(), moved.toString());
        assertTrue(moved.path("first_invalid").path("reason").asText().contains("rows were deleted"), moved.toString());
    }

    @Test
    void aCheckpointWithoutThisServersSignatureIsReported() {
        AuditSupport.Tenant tenant = signedTenant();
        JsonNode latest = checkpoints(tenant).path("items").path(0);
        String forged = latest.path("note")
                .asText()
                .replaceFirst(
                        "\n\u2014 user-management-audit [^\n]+\n$",
                        "\n\u2014 user-management-audit " + Base64.getEncoder().encodeToString(new byte[68]) + "\n");
        assertEquals(
                1,
                audit.sql(
                        "INSERT INTO UM_AUDIT_CHECKPOINT (ID, REALM_ID, SEQ, HASH, CREATED_AT, NOTE) VALUES (?, ?, ?, ?, ?, ?)",
                        UUID.randomUUID().toString(),
                        tenant.realmId(),
                        latest.path("sequence").asLong(),
                        latest.path("hash").asText(),
                        System.currentTimeMillis() + 60_000,
                        forged));
        JsonNode verified = fullVerify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(
                verified.path("first_invalid").path("reason").asText().contains("no valid signature"),
                verified.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
