package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log under load on the real server: thousands of concurrent logins give exactly one row each and a
 * verifying chain; an action whose commit fails leaves no row; an export far larger than the server's heap streams.
 */
class AuditLoadIT {

    private static KeycloakServer server;
    private static AuditSupport audit;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        audit = new AuditSupport(server);
    }

    @Test
    void twoThousandLoginsFromSixteenThreadsGiveExactlyOneRowEach() throws Exception {
        AuditSupport.Tenant tenant = audit.tenant("scale");
        // a cheap password hash: this test is about the audit log under concurrency, not about hashing on 2 cores
        Http.Reply cheap = Http.put(
                tenant.api() + "/tenants/" + tenant.id() + "/settings",
                tenant.bossToken(),
                Map.of("password_policy", "length(8) and hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)"));
        assertEquals(200, cheap.status(), cheap.raw().body());
        int users = 40;
        int loginsPerUser = 50;
        List<String> userIds = new ArrayList<>();
        List<Callable<Integer>> logins = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String username = "load" + u;
            userIds.add(audit.user(tenant, username));
            for (int i = 0; i < loginsPerUser; i++) {
                logins.add(() -> AuditSupport.login(tenant.api(), username, AuditSupport.PASSWORD)
                        .status());
            }
        }
        long rowsBefore = audit.rows(tenant, "").size();
        Collections.shuffle(logins);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long started = System.nanoTime();
        int ok = 0;
        try {
            for (Future<Integer> status : pool.invokeAll(logins)) {
                assertEquals(200, status.get(), "every login succeeds");
                ok++;
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("[it] %d logins from 16 threads in %d ms (%.0f/s)%n", ok, millis, ok * 1000.0 / millis);

        List<JsonNode> all = audit.rows(tenant, "");
        assertEquals(rowsBefore + ok, all.size(), "one row per login, no more, no less");
        long loginRows = all.stream()
                .filter(r -> r.path("type").asText().equals("LOGIN")
                        && userIds.contains(r.path("user_id").asText()))
                .count();
        assertEquals(ok, loginRows);
        assertEquals(
                ok,
                all.stream()
                        .filter(r -> r.path("type").asText().equals("LOGIN")
                                && userIds.contains(r.path("user_id").asText()))
                        .map(r -> r.path("session_id").asText())
                        .distinct()
                        .count(),
                "each login its own session, recorded once");
        AuditSupport.assertContiguous(all, 1);
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(all.size(), verified.path("rows_checked").asLong());
    }

    /**
     * A real failed commit: a deferred constraint trigger in the database refuses one user's new first name at
     * COMMIT, i.e. after Keycloak ran the update, sent the admin event, and we sealed its row in the prepare phase.
     */
    @Test
    void actionWhoseCommitFailsLeavesNoRowAndACommittedOneExactlyOne() {
        AuditSupport.Tenant tenant = audit.tenant("rollback");
        String userId = audit.user(tenant, "carol");
        String user = server.baseUrl() + "/admin/realms/" + tenant.id() + "/users/" + userId;
        audit.sql("CREATE OR REPLACE FUNCTION um_test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
        audit.sql(
                "CREATE CONSTRAINT TRIGGER um_test_refuse_at_commit AFTER UPDATE ON USER_ENTITY DEFERRABLE INITIALLY DEFERRED"
                        + " FOR EACH ROW WHEN (NEW.FIRST_NAME = 'Rolled-Back') EXECUTE FUNCTION um_test_refuse()");
        try {
            long rowsBefore = audit.rows(tenant, "").size();
            long headBefore = audit.number("SELECT LAST_SEQ FROM UM_AUDIT_HEAD WHERE REALM_ID = ?", tenant.realmId());

            Http.Reply refused = Http.put(user, audit.platform(), profile(tenant, "Rolled-Back"));
            assertNotEquals(
                    204,
                    refused.status(),
                    "the commit must fail: " + refused.raw().body());
            assertEquals(
                    "Test",
                    Http.get(user, audit.platform()).json().path("firstName").asText(),
                    "the update rolled back");
            assertEquals(rowsBefore, audit.rows(tenant, "").size(), "no row for the rolled-back update");
            assertEquals(
                    headBefore,
                    audit.number("SELECT LAST_SEQ FROM UM_AUDIT_HEAD WHERE REALM_ID = ?", tenant.realmId()),
                    "the head did not move");

            assertEquals(
                    204,
                    Http.put(user, audit.platform(), profile(tenant, "Kept")).status());
            List<JsonNode> updates = audit.rows(tenant, "type=ADMIN_USER_UPDATE");
            assertEquals(1, updates.size(), updates.toString());
            assertEquals(
                    "Kept",
                    updates.get(0)
                            .path("details")
                            .path("representation")
                            .path("firstName")
                            .asText());
            assertEquals(rowsBefore + 1, audit.rows(tenant, "").size());
            JsonNode verified = audit.verify(tenant);
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
        } finally {
            audit.sql("DROP TRIGGER IF EXISTS um_test_refuse_at_commit ON USER_ENTITY");
        }
    }

    /**
     * Sixteen writers in one realm at once, half of whose actions fail at COMMIT (a deferred constraint trigger refuses
     * first names starting with "Rolled-Back"): every acknowledged update has exactly one row, no refused one has any,
     * and the chain over all of them has no gap and verifies. Nothing serializes these writers any more; the sealer
     * chains what committed, in whatever order it committed.
     */
    @Test
    void concurrentCommittedAndRolledBackActionsLeaveExactlyTheCommittedRows() throws Exception {
        AuditSupport.Tenant tenant = audit.tenant("mixed");
        int writers = 16;
        int updatesPerWriter = 12;
        List<String> users = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            users.add(audit.user(tenant, "mixed" + w));
        }
        String platform = audit.platform();
        long rowsBefore = audit.rows(tenant, "").size();
        audit.sql("CREATE OR REPLACE FUNCTION um_test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
        audit.sql(
                "CREATE CONSTRAINT TRIGGER um_test_refuse_at_commit AFTER UPDATE ON USER_ENTITY DEFERRABLE INITIALLY DEFERRED"
                        + " FOR EACH ROW WHEN (NEW.FIRST_NAME LIKE 'Rolled-Back%') EXECUTE FUNCTION um_test_refuse()");
        java.util.Set<String> kept = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Callable<Void>> work = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                work.add(() -> {
                    String url = server.baseUrl() + "/admin/realms/" + tenant.id() + "/users/" + users.get(writer);
                    for (int n = 0; n < updatesPerWriter; n++) {
                        String marker = (n % 2 == 0 ? "Kept-" : "Rolled-Back-") + writer + "-" + n;
                        Http.Reply reply = Http.put(
                                url,
                                platform,
                                Map.of(
                                        "username",
                                        "mixed" + writer,
                                        "email",
                                        "mixed" + writer + "@" + tenant.id() + ".example",
                                        "firstName",
                                        marker,
                                        "lastName",
                                        "User",
                                        "enabled",
                                        true));
                        if (reply.status() == 204) {
                            kept.add(marker);
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                for (Future<Void> done : pool.invokeAll(work)) {
                    done.get();
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            audit.sql("DROP TRIGGER IF EXISTS um_test_refuse_at_commit ON USER_ENTITY");
        }
        assertEquals(writers * updatesPerWriter / 2, kept.size(), "every Kept update committed");
        assertTrue(kept.stream().allMatch(marker -> marker.startsWith("Kept-")), kept.toString());
        assertEquals(writers * updatesPerWriter / 2, refused.get(), "every Rolled-Back update failed");

        List<JsonNode> all = audit.rows(tenant, "");
        List<String> recorded = all.stream()
                .filter(row -> row.path("type").asText().equals("ADMIN_USER_UPDATE"))
                .map(row -> row.path("details")
                        .path("representation")
                        .path("firstName")
                        .asText())
                .toList();
        assertEquals(
                kept.size(), recorded.size(), "one row per committed update, none for a rolled-back one: " + recorded);
        assertEquals(kept, new java.util.HashSet<>(recorded));
        assertEquals(rowsBefore + kept.size(), all.size());
        AuditSupport.assertContiguous(all, 1);
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(all.size(), verified.path("sealed_rows").asLong(), verified.toString());
    }

    private static Map<String, Object> profile(AuditSupport.Tenant tenant, String firstName) {
        return Map.of(
                "username",
                "carol",
                "email",
                "carol@" + tenant.id() + ".example",
                "firstName",
                firstName,
                "lastName",
                "User",
                "enabled",
                true);
    }

    /**
     * 100,000 rows of ~6 KB (SQL inserts; the chain is not the point here) are about 600 MB per export, more than the
     * server's whole heap (512 MB, Keycloak's default outside containers, which also exits on OutOfMemoryError): an
     * export that held its result would die. Both formats arrive complete, the first bytes long before the last.
     */
    @Test
    void exportOfAHundredThousandRowsStreamsInFlatMemory() throws Exception {
        AuditSupport.Tenant tenant = audit.tenant("export");
        int count = 100_000;
        long started = System.nanoTime();
        audit.sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, DETAILS, PREV_HASH, HASH)"
                        + " SELECT gen_random_uuid()::text, ?, 1000000 + n, 1700000000000 + n, 'BULK', 'success',"
                        + " '{\"n\":' || n || ',\"pad\":\"' || repeat('x', 6000) || '\"}', repeat('0', 64), repeat('0', 64)"
                        + " FROM generate_series(1, ?) AS n",
                tenant.realmId(),
                count);
        System.out.printf(
                "[it] %d rows inserted in %d ms%n",
                count, Duration.ofNanos(System.nanoTime() - started).toMillis());
        double maxHeap = AuditSupport.metric(audit.metrics(), "jvm_memory_max_bytes", "area=\"heap\"");
        assertTrue(maxHeap > 0, "the heap's size on /metrics");

        for (String format : List.of("ndjson", "csv")) {
            Export export = export(tenant, format);
            System.out.printf(
                    "[it] export %s: %d lines, %d MB, first byte after %d ms, all after %d ms; heap max %d MB,"
                            + " heap used before %d MB, at most %d MB during the export%n",
                    format,
                    export.lines,
                    export.bytes >> 20,
                    export.firstByteMillis,
                    export.totalMillis,
                    (long) maxHeap >> 20,
                    export.heapBefore >> 20,
                    export.heapPeak >> 20);
            assertEquals(count + (format.equals("csv") ? 1 : 0), export.lines, format + ": every row, once");
            assertTrue(
                    export.bytes > maxHeap,
                    format + ": the export (" + export.bytes + " bytes) is larger than the heap (" + maxHeap + ")");
            assertTrue(
                    export.firstByteMillis * 5 < export.totalMillis,
                    format + ": first byte after " + export.firstByteMillis + " ms of " + export.totalMillis);
            assertTrue(export.heapPeak < maxHeap);
        }
        Http.Reply health = Http.get(server.apiUrl(tenant.id()) + "/health");
        assertEquals(200, health.status(), "the server survived");
    }

    private record Export(
            long lines, long bytes, long firstByteMillis, long totalMillis, long heapBefore, long heapPeak) {}

    private static Export export(AuditSupport.Tenant tenant, String format) throws Exception {
        long heapBefore = (long) AuditSupport.metric(audit.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
        AtomicLong heapPeak = new AtomicLong(heapBefore);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                heapPeak.accumulateAndGet(
                        (long) AuditSupport.metric(audit.metrics(), "jvm_memory_used_bytes", "area=\"heap\""),
                        Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            long started = System.nanoTime();
            HttpResponse<InputStream> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(tenant.audit() + "/export?format=" + format + "&type=BULK"))
                                    .header("Authorization", "Bearer " + tenant.bossToken())
                                    .timeout(Duration.ofMinutes(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            long firstByte = -1;
            long bytes = 0;
            long lines = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream body = response.body()) {
                for (int read; (read = body.read(buffer)) > 0; ) {
                    if (firstByte < 0) {
                        firstByte =
                                Duration.ofNanos(System.nanoTime() - started).toMillis();
                    }
                    bytes += read;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            return new Export(
                    lines,
                    bytes,
                    firstByte,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    heapBefore,
                    heapPeak.get());
        } finally {
            running.set(false);
            sampler.join();
        }
    }
}
