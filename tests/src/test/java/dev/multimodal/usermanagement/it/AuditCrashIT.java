package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL during load: Keycloak dies while logins (our API) and user updates (Keycloak's admin API) are in flight,
 * then starts again on the same database and Redis. Every action a client saw acknowledged has exactly one row, the
 * log has no duplicates and no gaps, every row is sealed after the restart (also those committed but not chained
 * yet when the server died), and the chain verifies. Its own class, since it restarts the run's server
 * (same ports, so classes after it carry on).
 */
class AuditCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killDuringLoadLeavesEveryAcknowledgedActionWithOneRowAndAVerifyingChain() throws Exception {
        KeycloakServer server = KeycloakServer.get();
        AuditSupport audit = new AuditSupport(server);
        AuditSupport.Tenant crashed = audit.tenant("crash");
        List<String> usernames = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            String username = "crash" + i;
            usernames.add(username);
            ids.put(username, audit.user(crashed, username));
        }
        String platform = audit.platform();
        long rowsBefore = audit.rows(crashed, "").size();

        Set<String> ackedSessions = ConcurrentHashMap.newKeySet();
        Set<String> ackedUpdates = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    String username = usernames.get((thread * 2 + n) % usernames.size());
                    try {
                        if (n % 3 == 2) {
                            // an admin action: the first name carries a marker that its row must show
                            String marker = "T" + thread + "N" + n;
                            Http.Reply reply = Http.put(
                                    server.baseUrl() + "/admin/realms/" + crashed.id() + "/users/" + ids.get(username),
                                    platform,
                                    Map.of(
                                            "username",
                                            username,
                                            "email",
                                            username + "@" + crashed.id() + ".example",
                                            "firstName",
                                            marker,
                                            "lastName",
                                            "User",
                                            "enabled",
                                            true));
                            if (reply.status() == 204) {
                                ackedUpdates.add(marker);
                            }
                        } else {
                            Http.Reply reply = AuditSupport.login(crashed.api(), username, AuditSupport.PASSWORD);
                            if (reply.status() == 200) {
                                String token = reply.json().path("access_token").asText();
                                ackedSessions.add(
                                        SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("sid"));
                            }
                        }
                    } catch (RuntimeException | java.text.ParseException e) {
                        failed.incrementAndGet(); // the kill: no acknowledgement, so no promise
                    }
                }
            });
        }
        Wait.until(
                "load to be running", Duration.ofSeconds(60), () -> ackedSessions.size() + ackedUpdates.size() >= 150);
        server.kill();
        int ackedAtKill = ackedSessions.size() + ackedUpdates.size();
        Thread.sleep(500);
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        System.out.printf(
                "[it] killed after %d acknowledged actions (%d logins, %d updates); %d requests failed%n",
                ackedAtKill, ackedSessions.size(), ackedUpdates.size(), failed.get());
        assertTrue(failed.get() > 0, "the kill hit requests in flight");

        server.restart();
        audit.forgetTokens();
        AuditSupport.Tenant tenant = audit.withFreshToken(crashed);

        // the rows committed before the kill but not sealed yet: the restarted sealer chains them
        JsonNode sealed = audit.verify(tenant);
        assertTrue(sealed.path("valid").asBoolean(), sealed.toString());
        List<JsonNode> rows = new ArrayList<>();
        Http.Reply export = Http.get(tenant.audit() + "/export?format=ndjson", tenant.bossToken());
        assertEquals(200, export.status(), export.raw().body());
        for (String line : export.raw().body().split("\n")) {
            rows.add(JSON.readTree(line));
        }
        Map<String, Integer> loginsBySession = new HashMap<>();
        Map<String, Integer> updatesByMarker = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertTrue(row.path("sealed").asBoolean(), row.toString());
            if (row.path("type").asText().equals("LOGIN")) {
                loginsBySession.merge(row.path("session_id").asText(), 1, Integer::sum);
            } else if (row.path("type").asText().equals("ADMIN_USER_UPDATE")) {
                updatesByMarker.merge(
                        row.path("details")
                                .path("representation")
                                .path("firstName")
                                .asText(),
                        1,
                        Integer::sum);
            }
        }
        for (String session : ackedSessions) {
            assertEquals(
                    1,
                    loginsBySession.getOrDefault(session, 0),
                    "acknowledged login " + session + " has exactly one row");
        }
        for (String marker : ackedUpdates) {
            assertEquals(
                    1,
                    updatesByMarker.getOrDefault(marker, 0),
                    "acknowledged update " + marker + " has exactly one row");
        }
        AuditSupport.assertContiguous(rows, 1);
        assertTrue(loginsBySession.values().stream().allMatch(count -> count == 1), "no login recorded twice");
        assertTrue(updatesByMarker.values().stream().allMatch(count -> count == 1), "no update recorded twice");

        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(rows.size(), verified.path("rows_checked").asLong());
        long loadRows = rows.size() - rowsBefore;
        assertTrue(loadRows >= ackedSessions.size() + ackedUpdates.size());
        System.out.printf(
                "[it] after restart: %d rows of the load, %d more than acknowledged (committed, answer lost in the kill)%n",
                loadRows, loadRows - ackedSessions.size() - ackedUpdates.size());

        // and the chain carries on
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "crash0", AuditSupport.PASSWORD)
                        .status());
        assertTrue(audit.verify(tenant).path("valid").asBoolean());
        assertEquals(rows.size() + 1, audit.rows(tenant, "").size());
    }
}
