package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audit retention on the real server: the per-tenant setting, the purge (on demand and scheduled) that removes old
 * rows in batches and leaves a chain that verifies from its checkpoint, and tampering after a purge still found.
 */
class AuditRetentionIT {

    private static KeycloakServer server;
    private static AuditSupport audit;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        audit = new AuditSupport(server);
    }

    /** Rows 1..n (an admin event and logins), then a cut-off, then young rows. */
    private record Purged(AuditSupport.Tenant tenant, long checkpoint, long firstYoung) {}

    private static Purged purgedTenant() throws InterruptedException {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        audit.user(tenant, "alice");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD)
                            .status());
        }
        Thread.sleep(20);
        Instant cutoff = Instant.now();
        Thread.sleep(20);
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    200,
                    AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD)
                            .status());
        }
        List<JsonNode> before = audit.rows(tenant, "");
        long old = before.stream()
                .filter(r -> Instant.parse(r.path("time").asText()).isBefore(cutoff))
                .count();
        assertTrue(old >= 4, before.toString());

        Http.Reply purge = Http.post(tenant.audit() + "/purge?before=" + cutoff, audit.platform(), Map.of());
        assertEquals(200, purge.status(), purge.raw().body());
        assertEquals(old, purge.json().path("purged").asLong(), purge.raw().body());
        assertEquals(old, purge.json().path("checkpoint_sequence").asLong());
        assertEquals(
                before.get((int) old - 1).path("hash").asText(),
                purge.json().path("checkpoint_hash").asText());
        return new Purged(tenant, old, old + 1);
    }

    // ---------------------------------------------------------------- the setting

    @Test
    void retentionIsATenantSettingKeptAsARealmAttribute() {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        assertTrue(
                Http.get(AuditSupport.settings(tenant), tenant.bossToken())
                        .json()
                        .path("audit_retention_days")
                        .isNull(),
                "forever by default");

        Http.Reply set =
                Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("audit_retention_days", 30));
        assertEquals(200, set.status(), set.raw().body());
        assertEquals(30, set.json().path("audit_retention_days").asInt());
        assertEquals(
                30,
                Http.get(AuditSupport.settings(tenant), tenant.bossToken())
                        .json()
                        .path("audit_retention_days")
                        .asInt());
        JsonNode realm = Http.get(server.baseUrl() + "/admin/realms/" + tenant.id(), audit.platform())
                .json();
        assertEquals(
                "30", realm.path("attributes").path("um.audit.retentionDays").asText(), "visible to realm admins");

        Http.Reply other =
                Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("registration_allowed", false));
        assertEquals(30, other.json().path("audit_retention_days").asInt(), "an absent field stays as it is");

        Map<String, Object> forever = new HashMap<>();
        forever.put("audit_retention_days", null);
        Http.Reply cleared = Http.put(AuditSupport.settings(tenant), tenant.bossToken(), forever);
        assertEquals(200, cleared.status(), cleared.raw().body());
        assertTrue(cleared.json().path("audit_retention_days").isNull());
        realm = Http.get(server.baseUrl() + "/admin/realms/" + tenant.id(), audit.platform())
                .json();
        assertTrue(realm.path("attributes").path("um.audit.retentionDays").isMissingNode());
    }

    @Test
    void badRetentionIsRefusedAsProblemJson() {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        for (Object bad : List.of(0, -1, 3651, 1.5, "30", true, Map.of("days", 3), 99_999_999_999L)) {
            Http.Reply reply =
                    Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("audit_retention_days", bad));
            assertEquals(400, reply.status(), bad + ": " + reply.raw().body());
            assertTrue(
                    reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
            assertEquals(
                    "audit_retention_days",
                    reply.json().path("errors").path(0).path("field").asText(),
                    reply.raw().body());
        }
        assertTrue(
                Http.get(AuditSupport.settings(tenant), tenant.bossToken())
                        .json()
                        .path("audit_retention_days")
                        .isNull(),
                "nothing half-set");
        assertEquals(
                200,
                Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("audit_retention_days", 3650))
                        .status());
    }

    // ---------------------------------------------------------------- purge on demand

    @Test
    void purgeRemovesOldRowsKeepsYoungOnesAndTheRestVerifies() throws Exception {
        Purged purged = purgedTenant();
        AuditSupport.Tenant tenant = purged.tenant();
        List<JsonNode> rows = audit.rows(tenant, "");
        assertEquals(purged.firstYoung(), rows.get(0).path("sequence").asLong(), "old rows gone, young ones kept");
        assertEquals(3, rows.size(), "two young logins and the purge's own row: " + rows);
        JsonNode record = rows.get(rows.size() - 1);
        assertEquals("AUDIT_PURGED", record.path("type").asText());
        assertEquals(purged.checkpoint(), record.path("details").path("purged").asLong());
        assertEquals(
                purged.checkpoint(),
                record.path("details").path("checkpoint_sequence").asLong());
        assertEquals("api", record.path("details").path("trigger").asText());
        assertFalse(record.path("user_id").asText().isEmpty(), "the platform admin who purged");

        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(3, verified.path("rows_checked").asLong());
        assertEquals(purged.checkpoint(), verified.path("checkpoint_sequence").asLong());

        Http.Reply again = Http.post(
                tenant.audit() + "/purge?before=" + Instant.now().minusSeconds(3600), audit.platform(), Map.of());
        assertEquals(0, again.json().path("purged").asLong(), "nothing older: nothing purged, no new row");
        assertEquals(3, audit.rows(tenant, "").size());

        String metrics = audit.metrics();
        assertTrue(
                AuditSupport.metric(metrics, "um_audit_purged_rows_total") >= purged.checkpoint(),
                "purged rows metric");
        assertTrue(AuditSupport.metric(metrics, "um_audit_purges_total") >= 1, "purges metric");
        assertTrue(metrics.contains("um_audit_purge_failures_total"), "purge failures metric");
    }

    @Test
    void editedRowAfterAPurgeIsFound() throws Exception {
        Purged purged = purgedTenant();
        long target = purged.firstYoung() + 1;
        assertEquals(
                1,
                audit.sql(
                        "UPDATE UM_AUDIT SET IP_ADDRESS = '10.6.6.6' WHERE REALM_ID = ? AND SEQ = ?",
                        purged.tenant().realmId(),
                        target));
        JsonNode verified = audit.verify(purged.tenant());
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(target, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
    }

    @Test
    void deletedFirstRemainingRowIsFound() throws Exception {
        Purged purged = purgedTenant();
        assertEquals(
                1,
                audit.sql(
                        "DELETE FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = ?",
                        purged.tenant().realmId(),
                        purged.firstYoung()));
        JsonNode verified = audit.verify(purged.tenant());
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(
                purged.firstYoung(),
                verified.path("first_invalid").path("sequence").asLong(),
                verified.toString());
    }

    @Test
    void deletedTailIsFound() throws Exception {
        Purged purged = purgedTenant();
        assertEquals(
                3,
                audit.sql(
                        "DELETE FROM UM_AUDIT WHERE REALM_ID = ?",
                        purged.tenant().realmId()));
        JsonNode verified = audit.verify(purged.tenant());
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(
                purged.firstYoung(),
                verified.path("first_invalid").path("sequence").asLong(),
                verified.toString());
    }

    @Test
    void rowPutBackBeforeTheCheckpointIsFound() throws Exception {
        Purged purged = purgedTenant();
        assertEquals(
                1,
                audit.sql(
                        "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, PREV_HASH, HASH)"
                                + " VALUES (gen_random_uuid()::text, ?, 1, 0, 'LOGIN', 'success', ?, ?)",
                        purged.tenant().realmId(),
                        AuditSupport.GENESIS,
                        AuditSupport.GENESIS));
        JsonNode verified = audit.verify(purged.tenant());
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(1, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
    }

    @Test
    void purgeGoesInBatchesAndStopsAtADeletedRowInsteadOfHidingIt() {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        audit.prependOldRows(tenant, 2_500, Duration.ofDays(10));
        assertTrue(audit.verify(tenant).path("valid").asBoolean(), "the re-sealed chain verifies");
        // a hole in the old rows: the purge must stop before it, not carry the checkpoint over it
        assertEquals(1, audit.sql("DELETE FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = 2222", tenant.realmId()));

        Http.Reply purge = Http.post(
                tenant.audit() + "/purge?before=" + Instant.now().minus(Duration.ofDays(1)),
                audit.platform(),
                Map.of());
        assertEquals(409, purge.status(), purge.raw().body());
        assertTrue(purge.header("Content-Type").startsWith("application/problem+json"));
        // two whole batches went (1..2000); the batch with the hole rolled back
        JsonNode verified = audit.verify(tenant);
        assertEquals(2000, verified.path("checkpoint_sequence").asLong(), verified.toString());
        assertFalse(verified.path("valid").asBoolean());
        assertEquals(2222, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
        assertEquals(1, audit.rows(tenant, "type=AUDIT_PURGED").size(), "the partial purge is recorded");
        assertEquals(2001, audit.rows(tenant, "").get(0).path("sequence").asLong());
    }

    @Test
    void purgeIsForPlatformAdminsAndChecksItsInput() {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        String now = Instant.now().toString();
        assertEquals(
                403,
                Http.post(tenant.audit() + "/purge?before=" + now, tenant.bossToken(), Map.of())
                        .status(),
                "a tenant admin may read the log, not purge it");
        assertEquals(
                401,
                Http.post(tenant.audit() + "/purge?before=" + now, null, Map.of())
                        .status());
        for (String bad : List.of(
                "", "?before=", "?before=yesterday", "?before=" + Instant.now().plusSeconds(3600))) {
            Http.Reply reply = Http.post(tenant.audit() + "/purge" + bad, audit.platform(), Map.of());
            assertEquals(400, reply.status(), bad + ": " + reply.raw().body());
            assertEquals(
                    "before",
                    reply.json().path("errors").path(0).path("field").asText(),
                    reply.raw().body());
        }
    }

    // ---------------------------------------------------------------- the scheduled purge

    @Test
    void scheduledPurgeRemovesRowsOlderThanTheRetention() {
        AuditSupport.Tenant tenant = audit.tenant("retain");
        audit.user(tenant, "alice");
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD).status());
        long young = audit.rows(tenant, "").size();
        audit.prependOldRows(tenant, 1_200, Duration.ofDays(3));
        assertTrue(audit.verify(tenant).path("valid").asBoolean(), "the re-sealed chain verifies");

        assertEquals(
                200,
                Http.put(AuditSupport.settings(tenant), tenant.bossToken(), Map.of("audit_retention_days", 2))
                        .status());
        Wait.until(
                "the scheduled purge (every " + KeycloakServer.AUDIT_PURGE_INTERVAL_SECONDS + " s)",
                Duration.ofSeconds(60),
                () -> !audit.rows(tenant, "type=AUDIT_PURGED").isEmpty());

        List<JsonNode> rows = audit.rows(tenant, "");
        assertEquals(1_201, rows.get(0).path("sequence").asLong(), "rows older than 2 days gone, the rest kept");
        assertEquals(young + 2, rows.size(), "the young rows, the settings change and the purge's own row");
        JsonNode record = audit.rows(tenant, "type=AUDIT_PURGED").get(0);
        assertEquals(1_200, record.path("details").path("purged").asLong());
        assertEquals("schedule", record.path("details").path("trigger").asText());
        assertTrue(record.path("user_id").isNull()
                || record.path("user_id").asText().isEmpty());
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(1_200, verified.path("checkpoint_sequence").asLong());
    }
}
