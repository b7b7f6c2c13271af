package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthIT {

    private static KeycloakServer server;
    private static String platformToken;
    private static String platformApi;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
        platformApi = server.apiUrl("master");
    }

    /** A tenant whose domain is {id}.example, with admin boss@{id}.example. */
    private static String tenantWithDomain() {
        return Fixtures.createTenant(server, platformToken, Fixtures.unique("auth"), true);
    }

    private static Http.Reply login(String api, Map<String, Object> body) {
        return Http.post(api + "/auth/login", null, body);
    }

    /** Keycloak counts a refresh token's life from the session's start, which may lie a second before the answer. */
    private static void assertAbout(int expectedSeconds, int actualSeconds) {
        assertTrue(
                actualSeconds <= expectedSeconds && actualSeconds >= expectedSeconds - 2,
                "expected about " + expectedSeconds + " s, was " + actualSeconds);
    }

    private static JsonNode claims(String jwt) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void loginReturnsKeycloakTokensForTheTenantNamedByTenantId() throws Exception {
        Http.Reply reply =
                login(platformApi, Map.of("username", "demo-user", "password", "DemoUser123!", "tenant_id", "demo"));

        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode tokens = reply.json();
        assertEquals("Bearer", tokens.path("token_type").asText());
        assertEquals(1800, tokens.path("expires_in").asInt());
        assertAbout(604800, tokens.path("refresh_expires_in").asInt());
        assertTrue(reply.header("Cache-Control").contains("no-store"));
        JsonNode claims = claims(tokens.path("access_token").asText());
        assertEquals("demo", claims.path("tenant_id").asText());
        assertEquals(server.baseUrl() + "/realms/demo", claims.path("iss").asText());
        assertEquals(
                List.of("access_token", "refresh_token", "token_type", "expires_in", "refresh_expires_in"),
                fieldNames(tokens));
    }

    @Test
    void rememberMeGivesTheRealmsRememberMeLifetimes() {
        String api = server.apiUrl(tenantWithDomain());
        Http.Reply plain = login(api, Map.of("username", "boss", "password", "Admin-Pass123", "remember_me", false));
        Http.Reply remembered =
                login(api, Map.of("username", "boss", "password", "Admin-Pass123", "remember_me", true));
        assertEquals(200, remembered.status(), remembered.raw().body());
        assertAbout(604800, plain.json().path("refresh_expires_in").asInt());
        assertAbout(
                2592000,
                remembered.json().path("refresh_expires_in").asInt()); // 30 days: the template's remember-me lifetime
    }

    @Test
    void loginFindsTheTenantFromTheEmailDomainThenFromThePath() throws Exception {
        String id = tenantWithDomain();
        Http.Reply byDomain = login(
                platformApi, Map.of("email", "BOSS@" + id.toUpperCase() + ".EXAMPLE", "password", "Admin-Pass123"));
        assertEquals(200, byDomain.status(), byDomain.raw().body());
        assertEquals(
                id,
                claims(byDomain.json().path("access_token").asText())
                        .path("tenant_id")
                        .asText());

        Http.Reply byPath =
                login(server.apiUrl("demo"), Map.of("email", "user@demo.example", "password", "DemoUser123!"));
        assertEquals(200, byPath.status(), byPath.raw().body());
        assertEquals(
                "demo",
                claims(byPath.json().path("access_token").asText())
                        .path("tenant_id")
                        .asText());
    }

    @Test
    void wrongPasswordUnknownUserAndDisabledAccountGetTheSameAnswer() {
        String id = tenantWithDomain();
        String api = server.apiUrl(id);
        Fixtures.createUser(server, platformToken, id, "sleepy", "Sleepy-Pass123", false, null);

        Http.Reply wrongPassword = login(api, Map.of("username", "boss", "password", "Wrong-Pass123"));
        Http.Reply unknownUser = login(api, Map.of("username", "nobody-" + id, "password", "Wrong-Pass123"));
        Http.Reply disabled = login(api, Map.of("username", "sleepy", "password", "Sleepy-Pass123"));
        Http.Reply unknownTenant = login(
                platformApi, Map.of("username", "boss", "password", "Admin-Pass123", "tenant_id", "no-such-" + id));

        for (Http.Reply reply : List.of(wrongPassword, unknownUser, disabled, unknownTenant)) {
            assertEquals(401, reply.status(), reply.raw().body());
            assertTrue(reply.header("Content-Type").startsWith("application/problem+json"));
            assertEquals(wrongPassword.raw().body(), reply.raw().body());
        }
    }

    @Test
    void unknownUsersTakeAboutAsLongAsWrongPasswords() {
        String api = server.apiUrl(tenantWithDomain());
        // five samples: the fifth wrong password locks the account, which then answers without checking
        long wrong = medianMillis(() -> login(api, Map.of("username", "boss", "password", "Wrong-Pass123")));
        long unknown = medianMillis(
                () -> login(api, Map.of("username", "ghost-" + UUID.randomUUID(), "password", "Wrong-Pass123")));
        assertTrue(
                unknown * 3 >= wrong && wrong * 3 >= unknown,
                "median wrong password " + wrong + " ms vs unknown user " + unknown + " ms");
    }

    @Test
    void apiLoginsRunTheTenantsLockoutStep() {
        String id = tenantWithDomain();
        String api = server.apiUrl(id);
        Http.Reply wrong = null;
        for (int i = 0; i < 5; i++) {
            wrong = login(api, Map.of("username", "boss", "password", "Wrong-Pass123"));
            assertEquals(401, wrong.status());
        }
        Http.Reply locked = login(api, Map.of("username", "boss", "password", "Admin-Pass123"));
        assertEquals(401, locked.status(), "a locked account refuses even the right password");
        assertEquals(wrong.raw().body(), locked.raw().body());

        String userId = Http.get(api + "/users?search=boss", platformToken)
                .json()
                .path("items")
                .get(0)
                .path("id")
                .asText();
        JsonNode seen = Http.get(api + "/users/" + userId, platformToken).json();
        assertTrue(seen.path("lock").path("locked").asBoolean(), seen.toString());
        assertTrue(seen.path("lock").path("remaining_seconds").asLong() > 0, seen.toString());
        assertEquals("boss", seen.path("username").asText(), "the admin view is the profile plus the lock");

        assertEquals(
                204,
                Http.post(api + "/users/" + userId + "/unlock", platformToken, Map.of())
                        .status());
        assertFalse(Http.get(api + "/users/" + userId, platformToken)
                .json()
                .path("lock")
                .path("locked")
                .asBoolean());
        assertEquals(
                200,
                login(api, Map.of("username", "boss", "password", "Admin-Pass123"))
                        .status());
    }

    @Test
    void wrongCurrentPasswordsOnChangePasswordCountLikeFailedLogins() {
        String id = tenantWithDomain();
        String api = server.apiUrl(id);
        String token = login(api, Map.of("username", "boss", "password", "Admin-Pass123"))
                .json()
                .path("access_token")
                .asText();
        for (int i = 0; i < 5; i++) {
            Http.Reply wrong = Http.post(
                    api + "/users/me/change-password",
                    token,
                    Map.of("current_password", "Guess-Pass12" + i, "new_password", "Brand-New-Pass123"));
            assertEquals(400, wrong.status(), wrong.raw().body());
        }
        Http.Reply refused = Http.post(
                api + "/users/me/change-password",
                token,
                Map.of("current_password", "Admin-Pass123", "new_password", "Brand-New-Pass123"));
        assertEquals(
                429,
                refused.status(),
                "the account is locked after five wrong guesses: "
                        + refused.raw().body());
        assertTrue(Integer.parseInt(refused.header("Retry-After")) > 0);
        assertEquals(
                401,
                login(api, Map.of("username", "boss", "password", "Admin-Pass123"))
                        .status(),
                "and login is locked too");
    }

    @Test
    void eachTenantsLockoutSettingsChangeThroughTheSettingsApi() {
        String strict = tenantWithDomain();
        String lenient = tenantWithDomain();
        Http.Reply changed = Http.put(
                platformApi + "/tenants/" + strict + "/settings",
                platformToken,
                Map.of("lockout", Map.of("max_failures", 2, "lockout_minutes", 30)));
        assertEquals(200, changed.status(), changed.raw().body());
        assertEquals(2, changed.json().path("lockout").path("max_failures").asInt());
        assertEquals(30, changed.json().path("lockout").path("lockout_minutes").asInt());
        assertEquals(
                5,
                Http.get(platformApi + "/tenants/" + lenient + "/settings", platformToken)
                        .json()
                        .path("lockout")
                        .path("max_failures")
                        .asInt(),
                "the other tenant keeps the defaults");

        for (String id : List.of(strict, lenient)) {
            for (int i = 0; i < 2; i++) {
                login(server.apiUrl(id), Map.of("username", "boss", "password", "Wrong-Pass123"));
            }
        }
        assertEquals(
                401,
                login(server.apiUrl(strict), Map.of("username", "boss", "password", "Admin-Pass123"))
                        .status(),
                "two failures lock the strict tenant's account");
        assertEquals(
                200,
                login(server.apiUrl(lenient), Map.of("username", "boss", "password", "Admin-Pass123"))
                        .status());

        Http.Reply bad = Http.put(
                platformApi + "/tenants/" + strict + "/settings",
                platformToken,
                Map.of("lockout", Map.of("max_failures", 0, "failure_mode", "sometimes")));
        assertEquals(400, bad.status());
        assertEquals(2, bad.json().path("errors").size(), bad.raw().body());
    }

    @Test
    void tooManyRequestsForOneUsernameAre429WithRetryAfter() {
        String api = server.apiUrl(tenantWithDomain());
        Http.Reply last = null;
        for (int i = 0; i < 12 && (last == null || last.status() != 429); i++) {
            // right passwords: nothing locks, only the per-username request limit (10 a minute) applies
            last = login(api, Map.of("username", "boss", "password", "Admin-Pass123"));
        }
        assertEquals(429, last.status(), last.raw().body());
        assertTrue(last.header("Content-Type").startsWith("application/problem+json"));
        assertTrue(Integer.parseInt(last.header("Retry-After")) > 0);
    }

    private static long medianMillis(Supplier<Http.Reply> call) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Http.Reply reply = call.get();
            assertEquals(401, reply.status());
            times.add(reply.millis());
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }

    @Test
    void refreshGivesANewPairAndOnlyForTheApiClient() {
        JsonNode tokens = login(server.apiUrl("demo"), Map.of("username", "demo-user", "password", "DemoUser123!"))
                .json();

        Http.Reply refreshed = Http.post(
                platformApi + "/auth/refresh",
                null,
                Map.of("refresh_token", tokens.path("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.raw().body());
        assertFalse(refreshed.json().path("access_token").asText().isEmpty());
        assertEquals("Bearer", refreshed.json().path("token_type").asText());

        assertEquals(
                401,
                Http.post(platformApi + "/auth/refresh", null, Map.of("refresh_token", "garbage"))
                        .status());
        assertEquals(
                401,
                Http.post(
                                platformApi + "/auth/refresh",
                                null,
                                Map.of(
                                        "refresh_token",
                                        tokens.path("access_token").asText()))
                        .status());
        String adminCliRefresh = Tokens.passwordGrant(server, "master", "admin-cli", "admin", "admin")
                .json()
                .path("refresh_token")
                .asText();
        assertEquals(
                401,
                Http.post(platformApi + "/auth/refresh", null, Map.of("refresh_token", adminCliRefresh))
                        .status(),
                "another client's refresh token must not be refreshed through the API");
        assertEquals(
                400, Http.post(platformApi + "/auth/refresh", null, Map.of()).status());
    }

    @Test
    void logoutEndsTheSessionSoBothTokensStopWorking() {
        String id = tenantWithDomain();
        JsonNode tokens = login(server.apiUrl(id), Map.of("username", "boss", "password", "Admin-Pass123"))
                .json();
        String access = tokens.path("access_token").asText();
        String api = server.apiUrl(id);
        assertEquals(200, Http.get(api + "/tenants/" + id + "/settings", access).status());
        assertEquals(
                403, Http.post(platformApi + "/auth/logout", access, Map.of()).status(), "only on the token's own URL");

        assertEquals(204, Http.post(api + "/auth/logout", access, Map.of()).status());

        assertEquals(
                401,
                Http.post(
                                platformApi + "/auth/refresh",
                                null,
                                Map.of(
                                        "refresh_token",
                                        tokens.path("refresh_token").asText()))
                        .status());
        assertEquals(401, Http.get(api + "/tenants/" + id + "/settings", access).status());
        assertEquals(401, Http.post(api + "/auth/logout", access, Map.of()).status());
        assertEquals(401, Http.post(api + "/auth/logout", null, Map.of()).status());
    }

    @Test
    void registerCreatesAUserWhoCanLogIn() {
        String id = tenantWithDomain();
        Map<String, Object> body = Map.of(
                "email",
                "new@" + id + ".example",
                "username",
                "Newbie",
                "password",
                "Newbie-Pass123",
                "first_name",
                "New",
                "last_name",
                "Bie");

        Http.Reply created = Http.post(platformApi + "/auth/register", null, body);

        assertEquals(201, created.status(), created.raw().body());
        JsonNode user = created.json();
        assertEquals("newbie", user.path("username").asText());
        assertEquals(id, user.path("tenant_id").asText());
        assertEquals(
                List.of("guest", "user"),
                List.of(
                        user.path("roles").get(0).asText(),
                        user.path("roles").get(1).asText()));
        assertEquals(2, user.path("roles").size());
        assertTrue(user.path("is_active").asBoolean());
        assertEquals(
                List.of(
                        "id",
                        "email",
                        "username",
                        "first_name",
                        "last_name",
                        "tenant_id",
                        "roles",
                        "is_active",
                        "email_verified",
                        "created_at",
                        "preferences"),
                fieldNames(user));
        assertEquals(
                200,
                login(platformApi, Map.of("email", "new@" + id + ".example", "password", "Newbie-Pass123"))
                        .status());

        assertEquals(409, Http.post(platformApi + "/auth/register", null, body).status());
    }

    @Test
    void registerNamesEveryBrokenPasswordRuleAndCreatesNothing() {
        String id = tenantWithDomain();
        Map<String, Object> body = new LinkedHashMap<>(
                Map.of("email", "weak@" + id + ".example", "username", "weakling", "password", "weak"));
        Http.Reply refused = Http.post(platformApi + "/auth/register", null, body);
        assertEquals(400, refused.status(), refused.raw().body());
        assertTrue(refused.json().path("errors").size() >= 3, refused.raw().body());

        body.put("password", "Strong-Pass123");
        assertEquals(
                201,
                Http.post(platformApi + "/auth/register", null, body).status(),
                "nothing of the refused attempt may remain");
    }

    @Test
    void registerIsRefusedWhenTheTenantTurnedSignUpOff() {
        String id = tenantWithDomain();
        assertEquals(
                200,
                Http.put(
                                platformApi + "/tenants/" + id + "/settings",
                                platformToken,
                                Map.of("registration_allowed", false))
                        .status());
        Http.Reply refused = Http.post(
                platformApi + "/auth/register",
                null,
                Map.of("email", "x@" + id + ".example", "username", "xavier", "password", "Xavier-Pass123"));
        assertEquals(403, refused.status(), refused.raw().body());
        assertEquals(
                400,
                Http.post(
                                platformApi + "/auth/register",
                                null,
                                Map.of(
                                        "email",
                                        "x@nowhere.example",
                                        "username",
                                        "xavier",
                                        "password",
                                        "Xavier-Pass123"))
                        .status(),
                "no tenant for that domain and none named");
    }

    @Test
    void twentyParallelRegistrationsWithOneEmailGiveExactlyOneUser() throws Exception {
        String id = tenantWithDomain();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> replies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String username = "twin" + i;
                replies.add(pool.submit(() -> Http.post(
                                platformApi + "/auth/register",
                                null,
                                Map.of(
                                        "email",
                                        "twin@" + id + ".example",
                                        "username",
                                        username,
                                        "password",
                                        "Twin-Pass1234"))
                        .status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> reply : replies) {
                statuses.add(reply.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(19, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badLoginInputIsAProblemNotAnError() {
        assertEquals(
                400,
                Http.postRaw(platformApi + "/auth/login", null, "application/json", "{\"username\":")
                        .status());
        assertEquals(
                415,
                Http.postRaw(platformApi + "/auth/login", null, "text/plain", "username=x")
                        .status());
        Http.Reply missing = login(platformApi, Map.of("username", "x"));
        assertEquals(400, missing.status());
        assertEquals(
                "password", missing.json().path("errors").get(0).path("field").asText());
        assertEquals(400, login(platformApi, Map.of("password", "x")).status());
        assertEquals(
                400,
                login(platformApi, Map.of("username", "x", "password", "y", "role", "admin"))
                        .status());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
