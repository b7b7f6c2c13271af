package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Honest concurrency is not a guess: more simultaneous logins of one account than {@code max_failures}, all with the
 * right password, all get in; simultaneous wrong passwords still get at most {@code max_failures} checks.
 */
class ConcurrentLoginIT {

    private static final String PASSWORD = "Right-Pass123";

    private static KeycloakServer server;
    private static String platformToken;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
    }

    /**
     * A tenant whose request limits are out of the way (max_failures stays 5) and a user {@code alice}. Its password
     * hash is cheap: this is about the lockout's slots, not about hashing 70 passwords on a shared 2-core machine.
     *
     * @param failureMode what a check does when Redis does not answer in time (on a loaded machine it happens)
     */
    private static String[] tenantWithAlice(String failureMode) {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("conc"), false);
        Http.Reply raised = Http.put(
                server.apiUrl("master") + "/tenants/" + id + "/settings",
                platformToken,
                Map.of(
                        "password_policy",
                        "length(8) and hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)",
                        "lockout",
                        Map.of(
                                "max_failures",
                                5,
                                "failure_mode",
                                failureMode,
                                "requests_per_ip_per_minute",
                                10_000,
                                "requests_per_username_per_minute",
                                10_000,
                                "failures_per_ip_per_minute",
                                10_000)));
        assertEquals(200, raised.status(), raised.raw().body());
        String userId = Fixtures.createUser(server, platformToken, id, "alice", PASSWORD, true, "user");
        return new String[] {id, userId};
    }

    private static List<Http.Reply> concurrently(int count, Callable<Http.Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Http.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Http.Reply> replies = new ArrayList<>();
            for (Future<Http.Reply> future : futures) {
                replies.add(future.get(90, TimeUnit.SECONDS));
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twentyConcurrentRightPasswordsAllLogIn() throws Exception {
        // open: a check Redis did not answer in time lets the login through, as it should for honest users
        String[] tenant = tenantWithAlice("open");
        List<Http.Reply> replies = concurrently(20, () -> Fixtures.apiLogin(server, tenant[0], "alice", PASSWORD));
        List<String> statuses = new ArrayList<>();
        replies.forEach(reply -> statuses.add(
                reply.status() + (reply.status() == 200 ? "" : " " + reply.raw().body())));
        assertEquals(20, statuses.stream().filter("200"::equals).count(), "every honest login gets in: " + statuses);
        JsonNode lock = Http.get(server.apiUrl(tenant[0]) + "/users/" + tenant[1], platformToken)
                .json()
                .path("lock");
        assertEquals(false, lock.path("locked").asBoolean(), lock.toString());
    }

    @Test
    void fiftyConcurrentWrongPasswordsCheckAtMostFive() throws Exception {
        // closed: the guarantee is for a store that answers; in the open mode a Redis timeout (seen here under load)
        // lets an attempt through unreserved, which is that mode's documented trade
        String[] tenant = tenantWithAlice("closed");
        List<Http.Reply> replies =
                concurrently(50, () -> Fixtures.apiLogin(server, tenant[0], "alice", "Wrong-Pass123"));
        boolean unavailable = false;
        for (Http.Reply reply : replies) {
            assertTrue(
                    reply.status() == 401 || reply.status() == 429 || reply.status() == 503,
                    reply.status() + " " + reply.raw().body());
            unavailable |= reply.status() == 503;
        }
        // every attempt is one LOGIN_ERROR row; only a checked password says invalid_user_credentials
        List<String> errors = new ArrayList<>();
        String page = server.apiUrl(tenant[0]) + "/audit?type=LOGIN_ERROR&user=" + tenant[1] + "&limit=100";
        Wait.until("50 LOGIN_ERROR rows", java.time.Duration.ofSeconds(30), () -> {
            errors.clear();
            Http.get(page, platformToken)
                    .json()
                    .path("items")
                    .forEach(row -> errors.add(row.path("error").asText()));
            return errors.size() >= 50;
        });
        assertEquals(50, errors.size(), errors.toString());
        long checked =
                errors.stream().filter("invalid_user_credentials"::equals).count();
        assertTrue(checked <= 5, "passwords checked: " + errors);
        if (!unavailable) {
            assertEquals(5, checked, "passwords checked: " + errors);
            JsonNode lock = Http.get(server.apiUrl(tenant[0]) + "/users/" + tenant[1], platformToken)
                    .json()
                    .path("lock");
            assertTrue(lock.path("locked").asBoolean(), lock.toString());
            assertEquals(
                    401, Fixtures.apiLogin(server, tenant[0], "alice", PASSWORD).status(), "and the account is locked");
        }
    }
}
