package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a lock sets off, on the real server with Redis, in tenants made from the template: the lock's own event
 * (once in the audit log), rate-limit events, the lockout e-mail and its one-time unlock link (a real SMTP
 * conversation with {@link SmtpSink}), password resets that end a lock, and the lockout metrics on /metrics.
 */
class LockoutEventsIT {

    private static final String PASSWORD = "Start-Pass123";
    private static final String LOCK_EVENT = "USER_DISABLED_BY_TEMPORARY_LOCKOUT";

    @RegisterExtension
    static final SmtpSink smtp = SmtpSink.start();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void aLockIsOneEventInTheAuditLogForKnownAndUnknownUsernames() {
        String tenant = tenant();
        String carol = Fixtures.createUser(server, platform(), tenant, "carol", PASSWORD, true, "user");
        lock(tenant, "carol");
        lock(tenant, "ghost");

        List<JsonNode> locks = audit(tenant, "type=" + LOCK_EVENT);
        assertEquals(2, locks.size(), "one row per lock: " + locks);
        JsonNode known = locks.stream()
                .filter(r -> carol.equals(r.path("user_id").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals("success", known.path("outcome").asText());
        assertEquals("carol", known.path("details").path("username").asText());
        assertEquals("900", known.path("details").path("lockout_seconds").asText(), "15 minutes, the first lock");
        assertEquals("1", known.path("details").path("lockout_consecutive").asText());
        JsonNode unknown = locks.stream()
                .filter(r -> "ghost".equals(r.path("details").path("username").asText()))
                .findFirst()
                .orElseThrow();
        assertTrue(
                unknown.path("user_id").isNull()
                        || unknown.path("user_id").asText().isEmpty(),
                "no user id: " + unknown);

        // every listener sees it, Keycloak's own event store too
        JsonNode stored = Http.get(
                        server.baseUrl() + "/admin/realms/" + tenant + "/events?type=" + LOCK_EVENT, platform())
                .json();
        assertEquals(2, stored.size(), stored.toString());
    }

    @Test
    void aRateLimitedAttemptIsOneLoginErrorInTheAuditLog() {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 2));
        Fixtures.createUser(server, platform(), tenant, "dave", PASSWORD, true, "user");
        assertEquals(200, login(tenant, "dave", PASSWORD).status());
        assertEquals(200, login(tenant, "dave", PASSWORD).status());
        Http.Reply limited = login(tenant, "dave", PASSWORD);
        assertEquals(429, limited.status(), limited.raw().body());

        List<JsonNode> rows = audit(tenant, "type=LOGIN_ERROR");
        assertEquals(
                1,
                rows.stream()
                        .filter(r -> "rate_limited".equals(r.path("error").asText()))
                        .count(),
                rows.toString());
        assertEquals(1, rows.size(), "nothing else failed: " + rows);
    }

    @Test
    void passwordResetsByAnAdminEndTheLock() {
        String tenant = tenant();
        String erin = Fixtures.createUser(server, platform(), tenant, "erin", PASSWORD, true, "user");
        String frank = Fixtures.createUser(server, platform(), tenant, "frank", PASSWORD, true, "user");
        lock(tenant, "erin");
        lock(tenant, "frank");
        assertEquals(401, login(tenant, "erin", PASSWORD).status(), "locked");

        // the admin console's "Reset password" (Keycloak's admin REST API)
        Http.Reply reset = Http.put(
                server.baseUrl() + "/admin/realms/" + tenant + "/users/" + erin + "/reset-password",
                platform(),
                Map.of("type", "password", "value", "Fresh-Pass456", "temporary", false));
        assertEquals(204, reset.status(), reset.raw().body());
        Wait.until(
                "erin unlocked",
                Duration.ofSeconds(5),
                () -> login(tenant, "erin", "Fresh-Pass456").status() == 200);

        // our API's reset: a temporary password, so the login says "Password expired" (403) instead of the lock's 401
        Http.Reply apiReset = Http.post(
                server.apiUrl(tenant) + "/users/" + frank + "/reset-password",
                bossToken(tenant),
                Map.of("temporary_password", "Temp-Pass789"));
        assertEquals(204, apiReset.status(), apiReset.raw().body());
        Http.Reply afterReset = login(tenant, "frank", "Temp-Pass789");
        assertEquals(
                403,
                afterReset.status(),
                "unlocked, the temporary password must be changed: "
                        + afterReset.raw().body());
    }

    @Test
    void lockoutEmailLinkUnlocksOnceAndForgedLinksAreRefused() throws Exception {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true, "requests_per_username_per_minute", 50));
        smtp.serve(server, tenant);
        String grace = Fixtures.createUser(server, platform(), tenant, "grace", PASSWORD, true, "user");
        lock(tenant, "grace");
        lock(tenant, "nobody-here");

        SmtpSink.Mail mail = smtp.awaitMailTo("grace@" + tenant + ".example", Duration.ofSeconds(20));
        assertTrue(mail.data().contains("Subject: Your account was locked"), mail.data());
        assertTrue(mail.data().contains("text/plain") && mail.data().contains("text/html"), "text and HTML parts");
        String link = SmtpSink.link(mail, "action-token");
        assertTrue(link.startsWith(server.baseUrl() + "/realms/" + tenant + "/login-actions/action-token?key="), link);
        assertEquals(401, login(tenant, "grace", PASSWORD).status(), "still locked before the link is used");

        String forged = forge(link);
        HttpResponse<String> refused = browserGet(forged);
        assertNotEquals(200, refused.statusCode(), "a forged token");
        assertFalse(refused.body().contains("Your account is unlocked"));
        assertEquals(401, login(tenant, "grace", PASSWORD).status(), "the forged link unlocked nothing");

        HttpResponse<String> page = browserGet(link);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Your account is unlocked"), page.body());
        assertEquals(200, login(tenant, "grace", PASSWORD).status(), "the link ended the lock");

        lock(tenant, "grace");
        HttpResponse<String> again = browserGet(link);
        assertNotEquals(200, again.statusCode(), "single use");
        assertFalse(again.body().contains("Your account is unlocked"));
        assertEquals(401, login(tenant, "grace", PASSWORD).status(), "the second use unlocked nothing");

        List<JsonNode> unlocks = audit(tenant, "type=EXECUTE_ACTION_TOKEN&user=" + grace);
        assertEquals(1, unlocks.size(), unlocks.toString());
        assertEquals(
                "um-unlock-account",
                unlocks.get(0).path("details").path("action").asText());
        assertEquals(
                "unlock",
                unlocks.get(0).path("details").path("lockout_decision").asText());

        Wait.until(
                "the second lock's mail",
                Duration.ofSeconds(20),
                () -> smtp.mailsTo("grace@" + tenant + ".example").size() == 2);
        assertEquals(
                0,
                smtp.mails().stream()
                        .filter(m -> m.recipients().stream().anyMatch(r -> r.contains("nobody-here")))
                        .count(),
                "no mail for an unknown username");
    }

    @Test
    void anExpiredUnlockLinkIsRefused() throws Exception {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true, "lockout_minutes", 1, "lockout_cap_minutes", 1));
        smtp.serve(server, tenant);
        Fixtures.createUser(server, platform(), tenant, "judy", PASSWORD, true, "user");
        lock(tenant, "judy");
        String link =
                SmtpSink.link(smtp.awaitMailTo("judy@" + tenant + ".example", Duration.ofSeconds(20)), "action-token");
        Thread.sleep(62_000); // the link expires with the one-minute lock
        HttpResponse<String> expired = browserGet(link);
        assertNotEquals(200, expired.statusCode(), "an expired token");
        assertFalse(expired.body().contains("Your account is unlocked"));
        assertTrue(expired.body().contains("expired"), expired.body());
    }

    @Test
    void aFailingSmtpServerDoesNotChangeTheLoginAnswer() throws Exception {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("lockout_email", true));
        try (SmtpSink gone = SmtpSink.start()) {
            gone.close();
            gone.serve(server, tenant); // a port where nothing listens any more
        }
        String heidi = Fixtures.createUser(server, platform(), tenant, "heidi", PASSWORD, true, "user");
        List<Http.Reply> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(login(tenant, "heidi", "wrong-" + i));
        }
        Http.Reply locking = replies.get(4);
        assertEquals(401, locking.status());
        assertEquals(
                replies.get(3).raw().body(),
                locking.raw().body(),
                "the locking attempt answers like any wrong password");
        assertTrue(locking.millis() < 5_000, "no wait for SMTP: " + locking.millis() + " ms");
        assertEquals(1, audit(tenant, "type=" + LOCK_EVENT).size(), "the lock is recorded all the same");
        Wait.until(
                "the mail failure in the log",
                Duration.ofSeconds(30),
                () -> server.log().contains("Lockout e-mail to user " + heidi + " of realm " + tenant + " not sent"));
    }

    @Test
    void metricsCountLocksUnlocksRateLimitsStoreErrorsAndTimeDecisions() throws Exception {
        String tenant = tenant();
        Fixtures.lockout(server, tenant, Map.of("requests_per_username_per_minute", 6));
        String ivan = Fixtures.createUser(server, platform(), tenant, "ivan", PASSWORD, true, "user");
        lock(tenant, "ivan");
        assertEquals(
                204,
                Http.post(server.apiUrl(tenant) + "/users/" + ivan + "/unlock", bossToken(tenant), Map.of())
                        .status());
        assertEquals(200, login(tenant, "ivan", PASSWORD).status());
        assertEquals(429, login(tenant, "ivan", PASSWORD).status(), "the 7th request for ivan within the minute");

        server.redis().stop();
        try {
            login(tenant, "ivan", PASSWORD);
        } finally {
            server.redis().start();
        }
        String metrics = metrics();
        String realm = "realm=\"" + tenant + "\"";
        assertEquals(1.0, value(metrics, "um_lockout_locks_total", realm), 0.0);
        assertEquals(1.0, value(metrics, "um_lockout_unlocks_total", realm), 0.0);
        assertEquals(1.0, value(metrics, "um_lockout_rate_limited_total", realm), 0.0);
        assertTrue(value(metrics, "um_lockout_store_errors_total", realm) >= 1.0, "store errors");
        assertTrue(value(metrics, "um_lockout_decision_seconds_count", realm) >= 7.0, "decisions timed");
        String boss = bossToken(tenant);
        Wait.until(
                "lockout back on Redis",
                Duration.ofSeconds(30),
                () -> Http.get(server.apiUrl(tenant) + "/users/" + ivan, boss)
                        .json()
                        .path("lock")
                        .path("known")
                        .asBoolean());
    }

    // ---------------------------------------------------------------- helpers

    private static String platform() {
        return Tokens.recentPlatformAdmin(server);
    }

    private static String tenant() {
        return Fixtures.createTenant(server, platform(), Fixtures.unique("lockev"), false);
    }

    private static String bossToken(String tenant) {
        Http.Reply reply = Http.post(
                server.apiUrl(tenant) + "/auth/login",
                null,
                Map.of("username", "boss", "password", Fixtures.ADMIN_PASSWORD));
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json().path("access_token").asText();
    }

    private static Http.Reply login(String tenant, String username, String password) {
        return Http.post(
                server.apiUrl(tenant) + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /** Five wrong passwords (the default threshold): the fifth locks. */
    private static void lock(String tenant, String username) {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(tenant, username, "wrong-" + i).status());
        }
    }

    /** Every audit row of the tenant matching the query (the platform admin reads any tenant's log). */
    private static List<JsonNode> audit(String tenant, String query) {
        List<JsonNode> all = new ArrayList<>();
        String after = "0";
        while (after != null) {
            Http.Reply page =
                    Http.get(server.apiUrl(tenant) + "/audit?limit=100&after=" + after + "&" + query, platform());
            assertEquals(200, page.status(), page.raw().body());
            page.json().path("items").forEach(all::add);
            JsonNode next = page.json().path("next_after");
            after = next.isNull() || next.isMissingNode() ? null : next.asText();
        }
        return all;
    }

    /** The same link with one character of the token's signature changed. */
    private static String forge(String link) {
        int end = link.indexOf('&', link.indexOf("key=")) < 0 ? link.length() : link.indexOf('&', link.indexOf("key="));
        int at = end - 5;
        char replacement = link.charAt(at) == 'A' ? 'B' : 'A';
        return link.substring(0, at) + replacement + link.substring(at + 1);
    }

    private static HttpResponse<String> browserGet(String url) throws Exception {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String metrics() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of a Prometheus sample with the given name and label; 0 when absent. */
    private static double value(String metrics, String name, String label) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
