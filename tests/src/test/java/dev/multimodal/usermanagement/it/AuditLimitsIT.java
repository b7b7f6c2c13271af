package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expensive audit calls are bounded (issue 15, defect 15): verification is incremental with a rotating re-check of
 * verified rows, heavy calls beyond the per-tenant limit get 429 with Retry-After; the CSV export neutralises
 * formula cells (defect 10).
 */
class AuditLimitsIT {

    /** The default of {@code --spi-realm-restapi-extension--api--heavy-calls-per-tenant}. */
    private static final int HEAVY_CALLS = 2;
    /** Rows of already-verified chain that one incremental verification re-checks. */
    private static final int SWEEP = 10_000;

    private static KeycloakServer server;
    private static AuditSupport audit;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        audit = new AuditSupport(server);
    }

    private static JsonNode verify(AuditSupport.Tenant tenant, String token, String query) {
        Http.Reply reply = Http.get(tenant.audit() + "/verify" + query, token);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    // ---------------------------------------------------------------- incremental verification

    @Test
    void secondVerifyIsIncrementalAndEditsOfVerifiedRowsAreStillFound() {
        AuditSupport.Tenant tenant = audit.tenant("verify");
        audit.prependOldRows(tenant, 25_000, Duration.ofDays(1));
        JsonNode first = verify(tenant, tenant.bossToken(), "");
        assertTrue(first.path("valid").asBoolean(), first.toString());
        long all = first.path("rows_checked").asLong();
        assertTrue(all >= 25_000, first.toString());

        JsonNode second = verify(tenant, tenant.bossToken(), "");
        assertTrue(second.path("valid").asBoolean(), second.toString());
        assertTrue(second.path("rows_checked").asLong() < all, "incremental: " + second + " after " + first);
        assertTrue(second.path("rows_checked").asLong() <= SWEEP + 10, second.toString());

        // an edit of a row verified before: found at once by a platform admin's full walk ...
        assertEquals(
                1,
                audit.sql(
                        "UPDATE UM_AUDIT SET IP_ADDRESS = '10.6.6.6' WHERE REALM_ID = ? AND SEQ = 22000",
                        tenant.realmId()));
        assertEquals(
                403,
                Http.get(tenant.audit() + "/verify?full=true", tenant.bossToken())
                        .status(),
                "full walks are for platform admins");
        JsonNode full = verify(tenant, audit.platform(), "?full=true");
        assertFalse(full.path("valid").asBoolean(), full.toString());
        assertEquals(22000, full.path("first_invalid").path("sequence").asLong(), full.toString());

        // ... and by the rotating re-check within ceil(rows / window) incremental calls
        boolean found = false;
        for (int call = 0; call < (all + SWEEP - 1) / SWEEP && !found; call++) {
            JsonNode next = verify(tenant, tenant.bossToken(), "");
            assertTrue(next.path("rows_checked").asLong() <= SWEEP + 10, next.toString());
            if (!next.path("valid").asBoolean()) {
                assertEquals(22000, next.path("first_invalid").path("sequence").asLong(), next.toString());
                found = true;
            }
        }
        assertTrue(found, "the edit of row 22000 was found by the rotating re-check");
    }

    @Test
    void rowsWrittenAfterTheVerifiedPointAreCheckedAtOnce() {
        AuditSupport.Tenant tenant = audit.tenant("verify");
        audit.user(tenant, "alice");
        assertTrue(verify(tenant, tenant.bossToken(), "").path("valid").asBoolean());
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD).status());
        audit.awaitSealed(tenant);
        long last = audit.number("SELECT MAX(SEQ) FROM UM_AUDIT WHERE REALM_ID = ?", tenant.realmId());
        assertEquals(
                1,
                audit.sql(
                        "UPDATE UM_AUDIT SET TYPE = 'LOGOUT' WHERE REALM_ID = ? AND SEQ = ?", tenant.realmId(), last));
        JsonNode verified = verify(tenant, tenant.bossToken(), "");
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(last, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
    }

    // ---------------------------------------------------------------- concurrency of heavy calls

    @Test
    void parallelVerifiesBeyondTheLimitGet429WithRetryAfter() throws Exception {
        AuditSupport.Tenant tenant = audit.tenant("heavy");
        audit.prependOldRows(tenant, 40_000, Duration.ofDays(1));
        String platform = audit.platform();
        int callers = HEAVY_CALLS + 2;
        CyclicBarrier together = new CyclicBarrier(callers);
        List<Callable<Http.Reply>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(() -> {
                together.await();
                return Http.get(tenant.audit() + "/verify?full=true", platform);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Http.Reply> replies = new ArrayList<>();
        try {
            for (Future<Http.Reply> reply : pool.invokeAll(calls)) {
                replies.add(reply.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long ok = replies.stream().filter(r -> r.status() == 200).count();
        List<Http.Reply> refused =
                replies.stream().filter(r -> r.status() == 429).toList();
        assertEquals(callers, ok + refused.size(), "only 200 and 429");
        assertTrue(ok >= 1 && ok <= HEAVY_CALLS, "at most " + HEAVY_CALLS + " at once: " + ok);
        assertFalse(refused.isEmpty(), "some were refused");
        for (Http.Reply reply : refused) {
            assertTrue(
                    reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
            assertTrue(Integer.parseInt(reply.header("Retry-After")) >= 1, reply.header("Retry-After"));
        }
    }

    @Test
    void exportsInFlightCountTowardTheLimitUntilTheyEnd() throws Exception {
        AuditSupport.Tenant tenant = audit.tenant("heavy");
        // ~30 MB of CSV, far more than socket buffers hold: an unread export stays in flight (the chain does not matter
        // here)
        audit.sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, DETAILS, PREV_HASH, HASH)"
                        + " SELECT md5(random()::text || n::text), ?, 1000 + n, 0, 'BULK', 'success', '{\"pad\":\"' || repeat('x', 400) || '\"}',"
                        + " md5(n::text), md5(n::text) FROM generate_series(1, 60000) AS n",
                tenant.realmId());
        HttpClient client = HttpClient.newHttpClient();
        List<InputStream> held = new ArrayList<>();
        try {
            for (int i = 0; i < HEAVY_CALLS; i++) {
                HttpResponse<InputStream> export = client.send(
                        HttpRequest.newBuilder(URI.create(tenant.audit() + "/export?format=csv"))
                                .header("Authorization", "Bearer " + tenant.bossToken())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, export.statusCode());
                held.add(export.body()); // not read: the server's writer blocks, the export stays in flight
            }
            // counted in Redis, so every node sees them
            assertEquals("2", server.redis().command("ZCARD um:heavy:{" + tenant.realmId() + "}"));
            Http.Reply refused = Http.get(tenant.audit() + "/verify", tenant.bossToken());
            assertEquals(429, refused.status(), refused.raw().body());
            assertNotNull(refused.header("Retry-After"));
            assertEquals(
                    429,
                    Http.get(tenant.audit() + "/export", tenant.bossToken()).status());
            // another tenant is not affected
            AuditSupport.Tenant other = audit.tenant("heavy");
            assertEquals(
                    200, Http.get(other.audit() + "/verify", other.bossToken()).status());
        } finally {
            for (InputStream stream : held) {
                stream.close();
            }
        }
        Wait.until(
                "the exports' permits to be returned",
                Duration.ofSeconds(30),
                () -> "0".equals(server.redis().command("ZCARD um:heavy:{" + tenant.realmId() + "}")));
        assertEquals(
                200, Http.get(tenant.audit() + "/verify", tenant.bossToken()).status());
    }

    @Test
    void exportStopsAtItsCapAndTellsWhereToGoOn() {
        AuditSupport.Tenant tenant = audit.tenant("cap");
        int cap = 100_000;
        // small rows straight into the table (the export does not care about the chain)
        audit.sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, PREV_HASH, HASH)"
                        + " SELECT md5(random()::text || n::text), ?, 1000 + n, 0, 'BULK', 'success', 'x', 'y'"
                        + " FROM generate_series(1, ?) AS n",
                tenant.realmId(),
                cap + 5);
        Http.Reply first = Http.get(tenant.audit() + "/export?format=ndjson&type=BULK", tenant.bossToken());
        assertEquals(200, first.status());
        assertEquals(cap, first.raw().body().lines().count());
        String next = first.header("X-Next-After");
        assertEquals(
                audit.number(
                        "SELECT POS FROM UM_AUDIT WHERE REALM_ID = ? AND TYPE = 'BULK' ORDER BY POS OFFSET ? LIMIT 1",
                        tenant.realmId(),
                        cap - 1),
                Long.parseLong(next),
                "the last row's position");
        Http.Reply rest =
                Http.get(tenant.audit() + "/export?format=ndjson&type=BULK&after=" + next, tenant.bossToken());
        assertEquals(200, rest.status());
        assertEquals(5, rest.raw().body().lines().count());
        assertEquals(null, rest.header("X-Next-After"), "the end");
    }

    // ---------------------------------------------------------------- CSV injection

    @Test
    void csvExportNeutralisesFormulaCells() {
        AuditSupport.Tenant tenant = audit.tenant("csv");
        long next = audit.number("SELECT MAX(SEQ) FROM UM_AUDIT WHERE REALM_ID = ?", tenant.realmId()) + 1000;
        List<String> hostile = List.of("=1+1", "+1", "-1", "@SUM(A1)", "\t=cmd", "\r=cmd");
        for (int i = 0; i < hostile.size(); i++) {
            audit.sql(
                    "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, USER_ID, OUTCOME, PREV_HASH, HASH)"
                            + " VALUES (gen_random_uuid()::text, ?, ?, 0, 'CSV', ?, 'success', 'x', 'y')",
                    tenant.realmId(),
                    next + i,
                    hostile.get(i));
        }
        Http.Reply csv = Http.get(tenant.audit() + "/export?format=csv&type=CSV", tenant.bossToken());
        assertEquals(200, csv.status(), csv.raw().body());
        String body = csv.raw().body();
        for (String value : hostile) {
            assertTrue(
                    body.contains(",'" + value + ",") || body.contains(",\"'" + value + "\","),
                    "neutralised " + value.replace("\t", "\\t").replace("\r", "\\r") + " in " + body);
        }
    }
}
