package dev.multimodal.usermanagement.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.multimodal.usermanagement.it.Fixtures.apiLogin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's Redis stopped, restarted and slowed down while tenants log in (failure modes {@code open} and
 * {@code closed}, through the API and the token endpoint).
 */
class RedisOutageIT {

    private static final String PASSWORD = "Correct-Horse-42";
    /** The command timeout is 500 ms: a login may wait for it once, plus its own work. */
    private static final long SLOW_REDIS_LOGIN_LIMIT_MILLIS = 1500;
    /** On a loaded machine a login alone may near the limit: then the wait may add at most this much to it. */
    private static final long SLOW_REDIS_ADDED_LIMIT_MILLIS = 1000;

    private static KeycloakServer server;
    private static String platformToken;

    @BeforeAll
    static void startServer() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
    }

    @Test
    void redisStoppedAndRestartedFollowsTheFailureModeThenProtectsAgainWithinSeconds() {
        String open = tenantWithAlice("open");
        String closed = tenantWithAlice("closed");
        assertHealthy(); // an earlier outage (another test's) has ended, so this one starts its own
        int logLength = server.log().length();
        ManagedRedis redis = server.redis();

        redis.stop();
        try {
            assertEquals(200, apiLogin(server, open, "alice", PASSWORD).status(), "open: logins go on");
            assertEquals(200, token(open, PASSWORD).status());
            assertEquals(401, apiLogin(server, open, "alice", "Wrong-Pass1").status(), "wrong passwords still fail");

            Http.Reply api = apiLogin(server, closed, "alice", PASSWORD);
            assertEquals(503, api.status(), "closed: refused; " + api.raw().body());
            assertTrue(api.header("Content-Type").startsWith("application/problem+json"), api.header("Content-Type"));
            assertEquals(503, api.json().path("status").asInt());
            assertNotNull(api.header("Retry-After"));
            Http.Reply token = token(closed, PASSWORD);
            assertEquals(503, token.status(), token.raw().body());
            assertEquals("temporarily_unavailable", token.json().path("error").asText());
            assertNotNull(token.header("Retry-After"));

            JsonNode health = Http.get(server.apiUrl(open) + "/health").json();
            assertEquals("degraded", health.path("status").asText());
            assertEquals("disconnected", health.path("dependencies").path("cache").asText());
        } finally {
            redis.start();
        }
        long restarted = System.nanoTime();
        Wait.until("closed-mode logins back", Duration.ofSeconds(10),
                () -> apiLogin(server, closed, "alice", PASSWORD).status() == 200);
        long recoveryMillis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
        System.out.printf("[it] lockout back %d ms after Redis restarted%n", recoveryMillis);

        for (int i = 0; i < 5; i++) {
            assertEquals(401, apiLogin(server, open, "alice", "Wrong-Pass" + i).status());
        }
        assertEquals(401, apiLogin(server, open, "alice", PASSWORD).status(), "failures count again: locked");
        assertEquals("healthy", Http.get(server.apiUrl(open) + "/health").json().path("status").asText());

        String outage = server.log().substring(logLength);
        assertEquals(1, RedisClusterIT.count(outage, "is unavailable ("), "one error line per outage:\n" + outage);
        assertEquals(1, RedisClusterIT.count(outage, "is available again"), "one recovery line:\n" + outage);
    }

    @Test
    void aSlowRedisCostsALoginAtMostTheCommandTimeout() throws Exception {
        String open = tenantWithAlice("open");
        assertEquals(200, apiLogin(server, open, "alice", PASSWORD).status());
        long normal = java.util.stream.LongStream.of(token(open, PASSWORD).millis(), token(open, PASSWORD).millis(),
                token(open, PASSWORD).millis()).sorted().skip(1).findFirst().orElseThrow(); // the median of three

        CompletableFuture<String> sleep = CompletableFuture.supplyAsync(() -> server.redis().command("DEBUG SLEEP 2"));
        Thread.sleep(100);
        Http.Reply slow = token(open, PASSWORD);
        assertEquals("OK", sleep.get());

        System.out.printf("[it] login with Redis healthy %d ms, while Redis sleeps %d ms%n", normal, slow.millis());
        assertEquals(200, slow.status(), "open failure mode: " + slow.raw().body());
        assertTrue(slow.millis() < Math.max(SLOW_REDIS_LOGIN_LIMIT_MILLIS, normal + SLOW_REDIS_ADDED_LIMIT_MILLIS),
                "a login during DEBUG SLEEP 2 took " + slow.millis() + " ms (" + normal + " ms with Redis healthy)");
        assertHealthy();
    }

    private static void assertHealthy() {
        Wait.until("health healthy", Duration.ofSeconds(15),
                () -> "healthy".equals(Http.get(server.apiUrl("master") + "/health").json().path("status").asText()));
    }

    private static String tenantWithAlice(String failureMode) {
        String tenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("outage"), false);
        Fixtures.createUser(server, platformToken, tenant, "alice", PASSWORD, true, "user");
        Http.Reply settings = Http.put(server.apiUrl("master") + "/tenants/" + tenant + "/settings", platformToken,
                Map.of("lockout", Map.of("failure_mode", failureMode)));
        assertEquals(200, settings.status(), settings.raw().body());
        return tenant;
    }

    private static Http.Reply token(String tenant, String password) {
        return Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "alice", password);
    }
}
