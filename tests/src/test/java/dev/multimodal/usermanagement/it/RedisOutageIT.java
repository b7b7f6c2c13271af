package dev.multimodal.usermanagement.it;

import static dev.multimodal.usermanagement.it.Fixtures.apiLogin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static final OutageChecks CHECKS = new OutageChecks();
    private static KeycloakServer server;
    private static String platformToken;

    @BeforeAll
    static void startServer() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
    }

    @AfterAll
    static void printCounts() {
        CHECKS.print("Redis stopped, failure modes open and closed");
    }

    /**
     * With Redis stopped, every API call answers as documented: in failure mode {@code open} as with Redis up; in
     * {@code closed} every password check is refused with 503 problem+json and {@code Retry-After}; calls that need
     * no password go on, and an unlock (ours or the admin console's), which cannot reach the store, says so with 503.
     * Never a 500.
     */
    @Test
    void everyApiAnswerDuringARedisOutageIsTheDocumentedOne() {
        Map<String, Map<String, Http.Reply>> answers = new LinkedHashMap<>();
        List<String> tenants = List.of(tenantWithAlice("open"), tenantWithAlice("closed"));
        Map<String, Map<String, String>> tokens = new LinkedHashMap<>();
        for (String tenant : tenants) {
            assertEquals(
                    200,
                    Http.put(
                                    server.apiUrl("master") + "/tenants/" + tenant + "/settings",
                                    platformToken,
                                    Map.of("registration_allowed", true))
                            .status());
            Http.Reply alice = apiLogin(server, tenant, "alice", PASSWORD);
            assertEquals(200, alice.status(), alice.raw().body());
            tokens.put(
                    tenant,
                    Map.of(
                            "access",
                            alice.json().path("access_token").asText(),
                            "refresh",
                            alice.json().path("refresh_token").asText(),
                            "boss",
                            apiLogin(server, tenant, "boss", Fixtures.ADMIN_PASSWORD)
                                    .json()
                                    .path("access_token")
                                    .asText(),
                            "aliceId",
                            userId(tenant, "alice")));
        }
        assertHealthy();
        server.redis().stop();
        try {
            for (String tenant : tenants) {
                answers.put(tenant, callsDuringOutage(tenant, tokens.get(tenant)));
            }
        } finally {
            server.redis().start();
        }
        assertHealthy();

        for (int i = 0; i < tenants.size(); i++) {
            boolean closed = i == 1;
            String mode = closed ? "closed: " : "open: ";
            Map<String, Http.Reply> got = answers.get(tenants.get(i));
            // password checks: open goes on as with Redis up, closed refuses them all
            expect(mode + "login", got.get("login"), closed ? 503 : 200);
            expect(mode + "login with a wrong password", got.get("login with a wrong password"), closed ? 503 : 401);
            expect(mode + "change expired password", got.get("change expired password"), closed ? 503 : 401);
            expect(
                    mode + "POST /users/me/change-password",
                    got.get("POST /users/me/change-password"),
                    closed ? 503 : 400);
            expect(mode + "register", got.get("register"), closed ? 503 : 201, 201);
            // no password: served as usual (or, where they need the store, refused with 503)
            expect(mode + "refresh", got.get("refresh"), 200);
            expect(mode + "GET /users/me", got.get("GET /users/me"), 200);
            expect(mode + "GET /users", got.get("GET /users"), 200);
            expect(mode + "GET /users/{id}", got.get("GET /users/{id}"), 200);
            expect(mode + "unlock", got.get("unlock"), 503);
            for (String call : List.of("console unlock", "console unlock all")) {
                // in the admin REST API's error shape, which the console shows
                Http.Reply reply = got.get(call);
                CHECKS.check(
                        reply.status() == 503
                                && reply.header("Retry-After") != null
                                && reply.json().path("errorMessage").asText().contains("lockout store"),
                        mode + call + ": " + reply.status() + " " + reply.raw().body());
            }
            expect(mode + "health", got.get("health"), 200);
            CHECKS.check(
                    "degraded".equals(got.get("health").json().path("status").asText()), mode + "health degraded");
        }
        CHECKS.assertNone();
    }

    private Map<String, Http.Reply> callsDuringOutage(String tenant, Map<String, String> tokens) {
        String api = server.apiUrl(tenant);
        Map<String, Http.Reply> replies = new LinkedHashMap<>();
        replies.put("login", apiLogin(server, tenant, "alice", PASSWORD));
        replies.put("login with a wrong password", apiLogin(server, tenant, "alice", "Wrong-Pass1"));
        replies.put(
                "change expired password",
                Http.post(
                        api + "/auth/change-password",
                        null,
                        Map.of(
                                "username",
                                "alice",
                                "current_password",
                                "Wrong-Pass1",
                                "new_password",
                                "Other-Horse-43")));
        replies.put(
                "POST /users/me/change-password",
                Http.post(
                        api + "/users/me/change-password",
                        tokens.get("access"),
                        Map.of("current_password", "Wrong-Pass1", "new_password", "Other-Horse-43")));
        replies.put(
                "register",
                Http.post(
                        api + "/auth/register",
                        null,
                        Map.of("username", "dave", "email", "dave@" + tenant + ".example", "password", PASSWORD)));
        replies.put("refresh", Http.post(api + "/auth/refresh", null, Map.of("refresh_token", tokens.get("refresh"))));
        replies.put("GET /users/me", Http.get(api + "/users/me", tokens.get("access")));
        replies.put("GET /users", Http.get(api + "/users", tokens.get("boss")));
        replies.put("GET /users/{id}", Http.get(api + "/users/" + tokens.get("aliceId"), tokens.get("boss")));
        replies.put(
                "unlock", Http.post(api + "/users/" + tokens.get("aliceId") + "/unlock", tokens.get("boss"), Map.of()));
        replies.put("health", Http.get(api + "/health"));
        // the admin console's unlock of one user and of all (Keycloak's attack-detection endpoints)
        String console = server.baseUrl() + "/admin/realms/" + tenant + "/attack-detection/brute-force/users";
        replies.put("console unlock", Http.delete(console + "/" + tokens.get("aliceId"), platformToken));
        replies.put("console unlock all", Http.delete(console, platformToken));
        return replies;
    }

    /** One of the expected statuses; a 503 must be problem+json with Retry-After; never a 500. */
    private static void expect(String call, Http.Reply reply, int... statuses) {
        boolean expected = java.util.Arrays.stream(statuses).anyMatch(status -> status == reply.status());
        CHECKS.check(
                expected,
                call + ": " + reply.status() + " (expected " + java.util.Arrays.toString(statuses) + ") "
                        + reply.raw().body());
        if (reply.status() == 503) {
            CHECKS.unavailable(call, reply);
        }
    }

    private static String userId(String tenant, String username) {
        Http.Reply users = Http.get(
                server.baseUrl() + "/admin/realms/" + tenant + "/users?exact=true&username=" + username, platformToken);
        assertEquals(200, users.status(), users.raw().body());
        return users.json().path(0).path("id").asText();
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
            assertEquals(
                    "disconnected", health.path("dependencies").path("cache").asText());
        } finally {
            redis.start();
        }
        long restarted = System.nanoTime();
        Wait.until(
                "closed-mode logins back",
                Duration.ofSeconds(10),
                () -> apiLogin(server, closed, "alice", PASSWORD).status() == 200);
        long recoveryMillis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
        System.out.printf("[it] lockout back %d ms after Redis restarted%n", recoveryMillis);

        for (int i = 0; i < 5; i++) {
            assertEquals(401, apiLogin(server, open, "alice", "Wrong-Pass" + i).status());
        }
        assertEquals(401, apiLogin(server, open, "alice", PASSWORD).status(), "failures count again: locked");
        assertEquals(
                "healthy",
                Http.get(server.apiUrl(open) + "/health").json().path("status").asText());

        String outage = server.log().substring(logLength);
        assertEquals(1, RedisClusterIT.count(outage, "is unavailable ("), "one error line per outage:\n" + outage);
        assertEquals(1, RedisClusterIT.count(outage, "is available again"), "one recovery line:\n" + outage);
    }

    @Test
    void aSlowRedisCostsALoginAtMostTheCommandTimeout() throws Exception {
        String open = tenantWithAlice("open");
        assertEquals(200, apiLogin(server, open, "alice", PASSWORD).status());
        long normal = java.util.stream.LongStream.of(
                        token(open, PASSWORD).millis(),
                        token(open, PASSWORD).millis(),
                        token(open, PASSWORD).millis())
                .sorted()
                .skip(1)
                .findFirst()
                .orElseThrow(); // the median of three

        CompletableFuture<String> sleep =
                CompletableFuture.supplyAsync(() -> server.redis().command("DEBUG SLEEP 2"));
        Thread.sleep(100);
        Http.Reply slow = token(open, PASSWORD);
        assertEquals("OK", sleep.get());

        System.out.printf("[it] login with Redis healthy %d ms, while Redis sleeps %d ms%n", normal, slow.millis());
        assertEquals(200, slow.status(), "open failure mode: " + slow.raw().body());
        assertTrue(
                slow.millis() < Math.max(SLOW_REDIS_LOGIN_LIMIT_MILLIS, normal + SLOW_REDIS_ADDED_LIMIT_MILLIS),
                "a login during DEBUG SLEEP 2 took " + slow.millis() + " ms (" + normal + " ms with Redis healthy)");
        assertHealthy();
    }

    private static void assertHealthy() {
        Wait.until(
                "health healthy",
                Duration.ofSeconds(15),
                () -> "healthy"
                        .equals(Http.get(server.apiUrl("master") + "/health")
                                .json()
                                .path("status")
                                .asText()));
    }

    private static String tenantWithAlice(String failureMode) {
        String tenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("outage"), false);
        Fixtures.createUser(server, platformToken, tenant, "alice", PASSWORD, true, "user");
        Http.Reply settings = Http.put(
                server.apiUrl("master") + "/tenants/" + tenant + "/settings",
                platformToken,
                Map.of("lockout", Map.of("failure_mode", failureMode)));
        assertEquals(200, settings.status(), settings.raw().body());
        return tenant;
    }

    private static Http.Reply token(String tenant, String password) {
        return Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "alice", password);
    }
}
