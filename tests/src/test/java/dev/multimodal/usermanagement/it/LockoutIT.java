package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code lockout-rate-limit} authenticator in a realm's direct-grant flow, on the real server with Redis.
 * Each test gets its own realm (own settings, own counters), set up through the admin REST API.
 */
class LockoutIT {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Correct-Horse-42";
    private static final String CLIENT_ID = "app";

    private static KeycloakServer server;

    @BeforeAll
    static void startServer() {
        server = KeycloakServer.get();
    }

    @Test
    void lockedAccountRefusesCorrectPasswordWithTheSameAnswer() {
        String realm = realmWithLockout(Map.of());
        assertEquals(200, login(realm, "alice", PASSWORD).status(), "the flow works with the right password");

        Reply wrong = null;
        for (int i = 0; i < 5; i++) {
            wrong = login(realm, "alice", "wrong-" + i);
            assertEquals(401, wrong.status(), wrong.body());
        }
        assertEquals("invalid_grant", wrong.json().path("error").asText());
        assertEquals(
                "Invalid user credentials",
                wrong.json().path("error_description").asText());

        Reply locked = login(realm, "alice", PASSWORD);
        assertEquals(401, locked.status(), "locked: the right password is refused");
        assertEquals(wrong.body(), locked.body(), "a locked account answers exactly like a wrong password");
        assertEquals(401, login(realm, "ALICE", PASSWORD).status(), "the username is normalized");
        assertEquals(
                401, login(realm, "alice@example.com", PASSWORD).status(), "the e-mail shares the account's count");
    }

    @Test
    void unknownAndKnownUsernamesAreIndistinguishable() {
        String realm = realmWithLockout(Map.of());
        Reply known = login(realm, "alice", "wrong");
        Reply unknown = login(realm, "nobody-" + UUID.randomUUID(), "wrong");
        assertEquals(known.status(), unknown.status());
        assertEquals(known.body(), unknown.body());
        assertEquals(known.header("Content-Type"), unknown.header("Content-Type"));

        // unknown usernames lock like real ones, with the same answer
        for (int i = 0; i < 5; i++) {
            login(realm, "ghost", "wrong-" + i);
        }
        Reply ghostLocked = login(realm, "ghost", "wrong");
        assertEquals(known.status(), ghostLocked.status());
        assertEquals(known.body(), ghostLocked.body());
    }

    @Test
    void successResetsTheFailureCount() {
        String realm = realmWithLockout(Map.of());
        for (int i = 0; i < 4; i++) {
            assertEquals(401, login(realm, "alice", "wrong-" + i).status());
        }
        assertEquals(200, login(realm, "alice", PASSWORD).status());
        for (int i = 0; i < 4; i++) {
            assertEquals(401, login(realm, "alice", "wrong-" + i).status());
        }
        assertEquals(200, login(realm, "alice", PASSWORD).status(), "4 + 4 failures with a success between: no lock");
    }

    @Test
    void failedAttemptsPerIpAnswer429WithRetryAfter() {
        String realm = realmWithLockout(Map.of("failuresPerIpPerMinute", "3"));
        for (int i = 0; i < 3; i++) {
            assertEquals(401, login(realm, "user" + i, "wrong").status());
        }
        Reply limited = login(realm, "alice", PASSWORD);
        assertEquals(429, limited.status(), limited.body());
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals("too_many_requests", limited.json().path("error").asText());
    }

    @Test
    void requestsPerUsernameAnswer429() {
        String realm = realmWithLockout(Map.of("requestsPerUsernamePerMinute", "3"));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, login(realm, "alice", PASSWORD).status());
        }
        Reply limited = login(realm, "alice", PASSWORD);
        assertEquals(429, limited.status(), limited.body());
        assertNotNull(limited.header("Retry-After"));
        assertEquals(200, login(realm, "bob", PASSWORD).status(), "another username is not limited");
    }

    @Test
    void stateLivesInRedisWithTtls() {
        String realm = realmWithLockout(Map.of());
        login(realm, "alice", "wrong");
        String keys = server.redis()
                .command("EVAL \"local n=0 for _,k in ipairs(redis.call('KEYS','um:*')) do "
                        + "if redis.call('PTTL',k) < 0 then n=n+1 end end return n\" 0");
        assertEquals("0", keys, "every lockout key has a TTL");
        assertTrue(Long.parseLong(server.redis().command("DBSIZE")) > 0);
    }

    @Test
    void redisDownFollowsTheFailureModeAndNeverAnswers500() {
        String open = realmWithLockout(Map.of());
        String closed = realmWithLockout(Map.of("failureMode", "closed"));
        ManagedRedis redis = server.redis();
        redis.stop();
        try {
            Reply openReply = login(open, "alice", PASSWORD);
            assertEquals(200, openReply.status(), "open: logins go on without Redis; " + openReply.body());
            assertEquals(401, login(open, "alice", "wrong").status());
            Reply closedReply = login(closed, "alice", PASSWORD);
            assertEquals(503, closedReply.status(), "closed: refused; " + closedReply.body());
            assertEquals(
                    "temporarily_unavailable", closedReply.json().path("error").asText());
            assertNotNull(closedReply.header("Retry-After"));
        } finally {
            redis.start();
        }
        Wait.until(
                "lockout back on Redis",
                Duration.ofSeconds(20),
                () -> login(closed, "alice", PASSWORD).status() == 200);
        assertTrue(
                server.log().contains("lockout and rate limits follow their failure mode"),
                "one outage line in the log");
    }

    @Test
    void adminConsoleDescribesEverySetting() {
        JsonNode description = admin(
                        "GET", "/admin/realms/master/authentication/config-description/lockout-rate-limit", null)
                .json();
        List<String> names = new java.util.ArrayList<>();
        description
                .path("properties")
                .forEach(property -> names.add(property.path("name").asText()));
        assertEquals(
                List.of(
                        "maxFailures",
                        "failureWindowMinutes",
                        "lockoutMinutes",
                        "lockoutGrowthFactor",
                        "lockoutCapMinutes",
                        "failuresPerIpPerMinute",
                        "requestsPerIpPerMinute",
                        "requestsPerUsernamePerMinute",
                        "failureMode",
                        "lockoutEmail"),
                names);
        for (JsonNode property : description.path("properties")) {
            assertTrue(property.path("helpText").asText().length() > 10, property.toString());
        }
    }

    @Test
    void fiftyParallelWrongPasswordsCheckExactlyThresholdPasswords() throws Exception {
        String realm = realmWithLockout(Map.of());
        admin("PUT", "/admin/realms/" + realm, Map.of("realm", realm, "eventsEnabled", true))
                .expect(204);
        ExecutorService pool = Executors.newFixedThreadPool(25);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                replies.add(pool.submit(() -> login(realm, "alice", "wrong-" + n)));
            }
            Set<String> bodies = new HashSet<>();
            for (Future<Reply> reply : replies) {
                Reply r = reply.get(60, TimeUnit.SECONDS);
                assertEquals(401, r.status(), r.body());
                bodies.add(r.body());
            }
            assertEquals(1, bodies.size(), "one answer for checked, refused and locked attempts: " + bodies);
        } finally {
            pool.shutdownNow();
        }
        JsonNode events = admin("GET", "/admin/realms/" + realm + "/events?type=LOGIN_ERROR&max=200", null)
                .expect(200)
                .json();
        int passwordsChecked = 0;
        for (JsonNode event : events) {
            if ("invalid_user_credentials".equals(event.path("error").asText())) {
                passwordsChecked++;
            }
        }
        assertEquals(5, passwordsChecked, "only as many passwords are tried as the threshold allows");
        assertEquals(401, login(realm, "alice", PASSWORD).status(), "and the account is locked");
    }

    @Test
    void browserLoginLocksWithTheWrongPasswordPageAndRateLimitsWith429() {
        String realm = realmWithLockout(Map.of("failuresPerIpPerMinute", "6"));
        admin(
                        "POST",
                        "/admin/realms/" + realm + "/clients",
                        Map.of(
                                "clientId",
                                "web",
                                "publicClient",
                                true,
                                "standardFlowEnabled",
                                true,
                                "redirectUris",
                                List.of(REDIRECT_URI)))
                .expect(201);
        String base = "/admin/realms/" + realm + "/authentication";
        admin(
                        "POST",
                        base + "/flows",
                        Map.of(
                                "alias",
                                "lockout-browser",
                                "providerId",
                                "basic-flow",
                                "topLevel",
                                true,
                                "builtIn",
                                false,
                                "description",
                                "browser with lockout"))
                .expect(201);
        admin("POST", base + "/flows/lockout-browser/executions/execution", Map.of("provider", "lockout-rate-limit"))
                .expect(201);
        JsonNode execution = admin("GET", base + "/flows/lockout-browser/executions", null)
                .json()
                .get(0);
        Map<String, Object> required = JSON.convertValue(execution, Map.class);
        required.put("requirement", "REQUIRED");
        admin("PUT", base + "/flows/lockout-browser/executions", required).expect(202, 204);
        admin(
                        "POST",
                        base + "/executions/" + execution.path("id").asText() + "/config",
                        Map.of("alias", "lockout-browser-" + realm, "config", Map.of("failuresPerIpPerMinute", "6")))
                .expect(201);
        admin(
                        "PUT",
                        "/admin/realms/" + realm,
                        Map.of("realm", realm, "browserFlow", "lockout-browser", "loginTheme", "user-management"))
                .expect(204);

        assertEquals(302, browserLogin(realm, "bob", PASSWORD).status(), "the right password logs in");
        Reply wrong = null;
        for (int i = 0; i < 5; i++) {
            wrong = browserLogin(realm, "alice", "wrong-" + i);
        }
        assertTrue(wrong.body().contains("Invalid username or password."), wrong.body());
        Reply locked = browserLogin(realm, "alice", PASSWORD);
        assertEquals(wrong.status(), locked.status());
        assertTrue(locked.body().contains("Invalid username or password."), "locked: the wrong-password page");

        assertEquals(wrong.status(), browserLogin(realm, "bob", "wrong").status(), "the 6th failure from this IP");
        Reply limited = browserLogin(realm, "bob", PASSWORD);
        assertEquals(429, limited.status(), "6 failures from this IP within the minute");
        assertNotNull(limited.header("Retry-After"));
        assertTrue(limited.body().contains("Too many requests. Please wait"), limited.body());
    }

    private static final String REDIRECT_URI = "http://localhost/callback";
    private static final Pattern FORM_ACTION = Pattern.compile(
            "<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"");

    /**
     * Opens the login page and posts the form once, as a new browser. Cookies are carried by hand: Keycloak marks
     * them Secure, which Java's CookieManager then withholds over plain http.
     */
    private static Reply browserLogin(String realm, String username, String password) {
        HttpClient browser = CLIENT;
        String authUrl = server.baseUrl() + "/realms/" + realm
                + "/protocol/openid-connect/auth?client_id=web&response_type=code&scope=openid" + "&redirect_uri="
                + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8);
        Reply page = send(browser, HttpRequest.newBuilder(URI.create(authUrl)).GET());
        page.expect(200);
        Matcher action = FORM_ACTION.matcher(page.body());
        assertTrue(action.find(), "no login form in: " + page.body());
        String url = (action.group(1) != null ? action.group(1) : action.group(2)).replace("&amp;", "&");
        String cookies = page.raw().headers().allValues("Set-Cookie").stream()
                .map(cookie -> cookie.split(";", 2)[0])
                .collect(Collectors.joining("; "));
        return send(
                browser,
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookies)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                                        + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=")));
    }

    // ---- setup through the admin REST API

    /** A new realm with a public client, users alice and bob, and a direct-grant flow made of our step only. */
    private static String realmWithLockout(Map<String, String> config) {
        String realm = "lockout-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", "/admin/realms", Map.of("realm", realm, "enabled", true)).expect(201);
        admin(
                        "POST",
                        "/admin/realms/" + realm + "/clients",
                        Map.of(
                                "clientId",
                                CLIENT_ID,
                                "publicClient",
                                true,
                                "directAccessGrantsEnabled",
                                true,
                                "standardFlowEnabled",
                                false))
                .expect(201);
        for (String user : List.of("alice", "bob")) {
            admin(
                            "POST",
                            "/admin/realms/" + realm + "/users",
                            Map.of(
                                    "username",
                                    user,
                                    "enabled",
                                    true,
                                    "email",
                                    user + "@example.com",
                                    "emailVerified",
                                    true,
                                    "firstName",
                                    user,
                                    "lastName",
                                    "Example",
                                    "credentials",
                                    List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))))
                    .expect(201);
        }
        String base = "/admin/realms/" + realm + "/authentication";
        admin(
                        "POST",
                        base + "/flows",
                        Map.of(
                                "alias",
                                "lockout-direct-grant",
                                "providerId",
                                "basic-flow",
                                "topLevel",
                                true,
                                "builtIn",
                                false,
                                "description",
                                "direct grant with lockout"))
                .expect(201);
        admin(
                        "POST",
                        base + "/flows/lockout-direct-grant/executions/execution",
                        Map.of("provider", "lockout-rate-limit"))
                .expect(201);
        JsonNode execution = admin("GET", base + "/flows/lockout-direct-grant/executions", null)
                .json()
                .get(0);
        Map<String, Object> required = JSON.convertValue(execution, Map.class);
        required.put("requirement", "REQUIRED");
        admin("PUT", base + "/flows/lockout-direct-grant/executions", required).expect(202, 204);
        Map<String, String> settings = new LinkedHashMap<>(Map.of("requestsPerUsernamePerMinute", "50"));
        settings.putAll(config);
        admin(
                        "POST",
                        base + "/executions/" + execution.path("id").asText() + "/config",
                        Map.of("alias", "lockout-" + realm, "config", settings))
                .expect(201);
        admin("PUT", "/admin/realms/" + realm, Map.of("realm", realm, "directGrantFlow", "lockout-direct-grant"))
                .expect(204);
        return realm;
    }

    private static Reply login(String realm, String username, String password) {
        Map<String, String> form =
                Map.of("grant_type", "password", "client_id", CLIENT_ID, "username", username, "password", password);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String adminToken;
    private static long adminTokenFetchedAt;

    /** admin-cli tokens live 60 s: fetch a new one every 30 s. */
    private static synchronized String adminToken() {
        if (adminToken == null
                || System.nanoTime() - adminTokenFetchedAt
                        > Duration.ofSeconds(30).toNanos()) {
            adminTokenFetchedAt = System.nanoTime();
            Reply reply = send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "grant_type=password&client_id=admin-cli&username=admin&password=admin")));
            reply.expect(200);
            adminToken = reply.json().path("access_token").asText();
        }
        return adminToken;
    }

    private static Reply admin(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("Authorization", "Bearer " + adminToken())
                    .header("Content-Type", "application/json")
                    .method(method, publisher));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply send(HttpRequest.Builder request) {
        return send(CLIENT, request);
    }

    private static Reply send(HttpClient client, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Reply(int status, String body, HttpResponse<String> raw) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (status " + status + "): " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        Reply expect(int... statuses) {
            for (int expected : statuses) {
                if (status == expected) {
                    return this;
                }
            }
            throw new AssertionError("HTTP " + status + " from " + raw.request().method() + " "
                    + raw.request().uri() + ": " + body);
        }
    }
}
