package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /users}: self-service and user administration for every role (guest, user, moderator, tenant admin,
 * platform admin), allowed and denied, object-level and property-level checks, tenant isolation. Black-box over
 * HTTP against the real server; each test makes its own tenant, so counters and users never leak between tests.
 */
class UsersIT {

    private static final String ADMIN_PASSWORD = "Admin-Pass123";
    private static final String PASSWORD = "Start-Pass123";
    private static final List<String> PROFILE_FIELDS = List.of(
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
            "preferences");
    private static final HttpClient RAW =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    // ---------------------------------------------------------------- fixtures

    /** A fresh tenant with its first admin {@code boss}. */
    private record Tenant(String id, String api, String bossId) {
        String users() {
            return api + "/users";
        }

        String user(String userId) {
            return api + "/users/" + userId;
        }
    }

    private record Account(String id, String username, String password) {}

    /** The bootstrap admin of master (a platform admin); master's access tokens live 60 s, so renewed every 30 s. */
    private static String platform() {
        return Tokens.recentPlatformAdmin(server);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Tenant tenant() {
        String id = unique("users");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "Users " + id);
        body.put("admin_email", "boss@" + id + ".example");
        body.put("admin_username", "boss");
        body.put("admin_password", ADMIN_PASSWORD);
        body.put("admin_first_name", "Bo");
        body.put("admin_last_name", "Ss");
        Http.Reply reply = Http.post(server.apiUrl("master") + "/tenants", platform(), body);
        assertEquals(201, reply.status(), reply.raw().body());
        String api = server.apiUrl(id);
        String bossToken = access(api, "boss", ADMIN_PASSWORD);
        return new Tenant(
                id,
                api,
                Http.get(api + "/users/me", bossToken).json().path("id").asText());
    }

    /** A user made through Keycloak's admin REST API with a permanent password and one realm role (or none). */
    private static Account account(Tenant tenant, String username, String role) {
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant.id() + "/users",
                platform(),
                Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        username + "@" + tenant.id() + ".example",
                        "emailVerified",
                        true,
                        "firstName",
                        "U",
                        "lastName",
                        "Ser",
                        "credentials",
                        List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        assertEquals(201, created.status(), created.raw().body());
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        Fixtures.holdOnly(server, platform(), tenant.id(), id, role);
        return new Account(id, username, PASSWORD);
    }

    private static Http.Reply login(String api, String username, String password) {
        return Http.post(api + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /** Access and refresh token from our own login. */
    private static JsonNode tokens(Tenant tenant, Account account) {
        Http.Reply reply = login(tenant.api(), account.username(), account.password());
        assertEquals(
                200,
                reply.status(),
                "login of " + account.username() + ": " + reply.raw().body());
        return reply.json();
    }

    private static String access(String api, String username, String password) {
        Http.Reply reply = login(api, username, password);
        assertEquals(
                200, reply.status(), "login of " + username + ": " + reply.raw().body());
        return reply.json().path("access_token").asText();
    }

    private static String token(Tenant tenant, Account account) {
        return tokens(tenant, account).path("access_token").asText();
    }

    private static String bossToken(Tenant tenant) {
        return access(tenant.api(), "boss", ADMIN_PASSWORD);
    }

    private static Http.Reply refresh(Tenant tenant, JsonNode tokens) {
        return Http.post(
                tenant.api() + "/auth/refresh",
                null,
                Map.of("refresh_token", tokens.path("refresh_token").asText()));
    }

    private static Map<String, Object> newUser(Tenant tenant, String username, String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", username + "@" + tenant.id() + ".example");
        body.put("username", username);
        body.put("password", PASSWORD);
        body.put("first_name", "New");
        body.put("last_name", "Comer");
        if (role != null) {
            body.put("role", role);
        }
        return body;
    }

    /** A raw body with any method and content type, for bad-input tests. */
    private static Http.Reply raw(String method, String url, String token, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Http.Reply(response.statusCode(), response, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- assertions

    /** An RFC 9457 problem with this status, and no internals in it. */
    private static JsonNode assertProblem(Http.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.raw().body());
        String type = reply.header("Content-Type");
        assertNotNull(type, "no Content-Type on " + status);
        assertTrue(
                type.startsWith("application/problem+json"),
                type + ": " + reply.raw().body());
        JsonNode body = reply.json();
        assertEquals(status, body.path("status").asInt());
        assertFalse(body.path("title").asText().isEmpty());
        String text = reply.raw().body();
        assertFalse(
                text.contains("Exception")
                        || text.contains("\tat ")
                        || text.contains("org.keycloak")
                        || text.contains("dev.multimodal"),
                "leaks internals: " + text);
        return body;
    }

    /** A 400 naming at least these fields. */
    private static JsonNode assertInvalid(Http.Reply reply, String... fields) {
        JsonNode body = assertProblem(reply, 400);
        Set<String> named = fieldsOf(body);
        for (String field : fields) {
            assertTrue(named.contains(field), field + " not named in " + body);
        }
        return body;
    }

    private static Set<String> fieldsOf(JsonNode problem) {
        Set<String> named = new HashSet<>();
        problem.path("errors").forEach(error -> named.add(error.path("field").asText()));
        return named;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<String> usernames(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(user -> names.add(user.path("username").asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode me(Tenant tenant, String token) {
        Http.Reply reply = Http.get(tenant.users() + "/me", token);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    /** The user as an admin of the tenant sees it (through the platform admin, so no test's own token is needed). */
    private static JsonNode adminView(Tenant tenant, String userId) {
        Http.Reply reply = Http.get(tenant.user(userId), platform());
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    // ---------------------------------------------------------------- /users/me

    @Test
    void everyRoleReadsItsOwnProfileAndOnlyGuestsCannotChangeIt() {
        Tenant t = tenant();
        Map<String, Account> accounts = new LinkedHashMap<>();
        accounts.put("guest", account(t, "gina", "guest"));
        accounts.put("user", account(t, "ulla", "user"));
        accounts.put("moderator", account(t, "moritz", "moderator"));
        accounts.put("admin", new Account(t.bossId(), "boss", ADMIN_PASSWORD));
        Map<String, List<String>> expectedRoles = Map.of(
                "guest",
                List.of("guest"),
                "user",
                List.of("guest", "user"),
                "moderator",
                List.of("guest", "user", "moderator"),
                "admin",
                List.of("guest", "user", "moderator", "admin"));

        for (Map.Entry<String, Account> entry : accounts.entrySet()) {
            String role = entry.getKey();
            Account account = entry.getValue();
            String token = token(t, account);
            JsonNode profile = me(t, token);
            assertEquals(PROFILE_FIELDS, fieldNames(profile), role);
            assertEquals(account.id(), profile.path("id").asText(), role);
            assertEquals(account.username(), profile.path("username").asText(), role);
            assertEquals(t.id(), profile.path("tenant_id").asText(), role);
            assertEquals(expectedRoles.get(role), texts(profile.path("roles")), role);
            assertTrue(profile.path("is_active").asBoolean(), role);
            assertTrue(profile.path("preferences").isObject(), role);

            Http.Reply update = Http.put(
                    t.users() + "/me",
                    token,
                    Map.of(
                            "first_name",
                            "Changed-" + role,
                            "last_name",
                            "Name",
                            "preferences",
                            Map.of("theme", "dark", "role", role)));
            if (role.equals("guest")) {
                assertProblem(update, 403);
                assertEquals(
                        "U", me(t, token).path("first_name").asText(), "the guest's refused update changed nothing");
                assertTrue(me(t, token).path("preferences").isEmpty());
            } else {
                assertEquals(200, update.status(), role + ": " + update.raw().body());
                assertEquals("Changed-" + role, update.json().path("first_name").asText());
                JsonNode reread = me(t, token);
                assertEquals("Changed-" + role, reread.path("first_name").asText());
                assertEquals("Name", reread.path("last_name").asText());
                assertEquals("dark", reread.path("preferences").path("theme").asText());
                assertEquals(role, reread.path("preferences").path("role").asText());
                assertEquals(expectedRoles.get(role), texts(reread.path("roles")), "roles untouched");
            }
        }

        // the platform realm is no tenant: no profile of its users is read or changed here
        String master = server.apiUrl("master");
        assertProblem(Http.get(master + "/users/me", platform()), 404);
        assertProblem(
                Http.put(master + "/users/me", platform(), Map.of("preferences", Map.of("written_by", "UsersIT"))),
                404);

        Http.Reply anonymous = Http.get(t.users() + "/me");
        assertProblem(anonymous, 401);
        assertEquals("Bearer", anonymous.header("WWW-Authenticate"));
        assertProblem(Http.put(t.users() + "/me", null, Map.of("first_name", "x")), 401);
        assertProblem(Http.get(t.users() + "/me", "not-a-jwt"), 401);
    }

    @Test
    void profileUpdateRefusesRolesTenantActiveAndVerifiedByName() {
        Tenant t = tenant();
        Account user = account(t, "ulla", "user");
        String token = token(t, user);

        Map<String, Object> protectedFields = new LinkedHashMap<>();
        protectedFields.put("roles", List.of("admin"));
        protectedFields.put("tenant_id", "master");
        protectedFields.put("is_active", false);
        protectedFields.put("email_verified", false);
        for (Map.Entry<String, Object> field : protectedFields.entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("first_name", "Sneaky"));
            body.put(field.getKey(), field.getValue());
            assertInvalid(Http.put(t.users() + "/me", token, body), field.getKey());
        }
        Map<String, Object> all = new LinkedHashMap<>(protectedFields);
        all.put("first_name", "Sneaky");
        JsonNode problem = assertInvalid(
                Http.put(t.users() + "/me", token, all), "roles", "tenant_id", "is_active", "email_verified");
        assertEquals(4, problem.path("errors").size(), problem.toString());

        // mass assignment: fields that are not the profile's
        for (Map.Entry<String, Object> unknown : Map.<String, Object>of(
                        "is_admin",
                        true,
                        "id",
                        UUID.randomUUID().toString(),
                        "username",
                        "root",
                        "email",
                        "root@" + t.id() + ".example",
                        "password",
                        "Other-Pass123",
                        "created_at",
                        "2000-01-01T00:00:00Z",
                        "permissions",
                        List.of("users:write"))
                .entrySet()) {
            assertInvalid(
                    Http.put(t.users() + "/me", token, Map.of(unknown.getKey(), unknown.getValue())), unknown.getKey());
        }

        JsonNode profile = me(t, token);
        assertEquals("U", profile.path("first_name").asText(), "nothing of the refused updates remains");
        assertEquals(List.of("guest", "user"), texts(profile.path("roles")));
        assertEquals(t.id(), profile.path("tenant_id").asText());
        assertEquals("ulla", profile.path("username").asText());
        assertTrue(profile.path("is_active").asBoolean());
        assertTrue(profile.path("email_verified").asBoolean());
    }

    @Test
    void preferencesAreAJsonObjectOfAtMost16KB() {
        Tenant t = tenant();
        String token = token(t, account(t, "ulla", "user"));

        for (Object notAnObject : List.of(List.of("dark"), "dark", 42, true)) {
            assertInvalid(Http.put(t.users() + "/me", token, Map.of("preferences", notAnObject)), "preferences");
        }

        Map<String, Object> nested = Map.of(
                "theme",
                "dark",
                "notifications",
                Map.of("email", true, "sms", false),
                "languages",
                List.of("en", "de"),
                "page_size",
                50);
        Http.Reply stored = Http.put(t.users() + "/me", token, Map.of("preferences", nested));
        assertEquals(200, stored.status(), stored.raw().body());
        assertEquals(Http.tree(nested), me(t, token).path("preferences"));

        // {"blob":"..."} is 11 bytes plus the blob
        String fits = "x".repeat(16 * 1024 - 11);
        Http.Reply largest = Http.put(t.users() + "/me", token, Map.of("preferences", Map.of("blob", fits)));
        assertEquals(
                200,
                largest.status(),
                "exactly 16 KB is allowed: " + largest.raw().body());
        assertEquals(fits, me(t, token).path("preferences").path("blob").asText());

        assertInvalid(
                Http.put(t.users() + "/me", token, Map.of("preferences", Map.of("blob", fits + "x"))), "preferences");
        assertEquals(
                fits, me(t, token).path("preferences").path("blob").asText(), "the refused update left the old value");
    }

    // ---------------------------------------------------------------- /users/me/change-password

    @Test
    void changePasswordChecksTheCurrentOneAndNamesEveryBrokenRule() {
        Tenant t = tenant();
        Account user = account(t, "ulla", "user");
        String token = token(t, user);
        String url = t.users() + "/me/change-password";

        assertInvalid(
                Http.post(url, token, Map.of("current_password", "Wrong-Pass123", "new_password", "Next-Pass456")),
                "current_password");
        assertEquals(200, login(t.api(), "ulla", PASSWORD).status(), "a wrong current password changes nothing");

        JsonNode weak = assertInvalid(
                Http.post(url, token, Map.of("current_password", PASSWORD, "new_password", "abc")), "new_password");
        assertTrue(weak.path("errors").size() >= 3, "length, upper case and digits are all named: " + weak);
        assertEquals(Set.of("new_password"), fieldsOf(weak));

        JsonNode reused = assertInvalid(
                Http.post(url, token, Map.of("current_password", PASSWORD, "new_password", PASSWORD)), "new_password");
        assertTrue(
                reused.path("errors")
                        .get(0)
                        .path("message")
                        .asText()
                        .toLowerCase()
                        .contains("last 5 passwords"),
                "the history rule is named: " + reused);

        // "ulla" breaks length, upper case, digits and not-the-username at once: all four are named
        JsonNode four = assertInvalid(
                Http.post(url, token, Map.of("current_password", PASSWORD, "new_password", "ulla")), "new_password");
        assertEquals(4, four.path("errors").size(), four.toString());
        assertTrue(four.toString().contains("username"), four.toString());
        assertInvalid(Http.post(url, token, Map.of()), "current_password", "new_password");
        assertInvalid(
                Http.post(
                        url,
                        token,
                        Map.of("current_password", PASSWORD, "new_password", "Next-Pass456", "user_id", t.bossId())),
                "user_id");
        assertEquals(200, login(t.api(), "ulla", PASSWORD).status(), "none of the refused changes took effect");

        String guest = token(t, account(t, "gina", "guest"));
        assertProblem(Http.post(url, guest, Map.of("current_password", PASSWORD, "new_password", "Next-Pass456")), 403);
        assertProblem(Http.post(url, null, Map.of("current_password", PASSWORD, "new_password", "Next-Pass456")), 401);
    }

    @Test
    void changePasswordEndsOtherSessionsButKeepsTheCallersAndRemembersHistory() {
        Tenant t = tenant();
        Account user = account(t, "ulla", "user");
        JsonNode mine = tokens(t, user);
        JsonNode other = tokens(t, user);
        String url = t.users() + "/me/change-password";

        Http.Reply changed = Http.post(
                url,
                mine.path("access_token").asText(),
                Map.of("current_password", PASSWORD, "new_password", "Next-Pass456"));
        assertEquals(204, changed.status(), changed.raw().body());

        assertProblem(refresh(t, other), 401);
        assertProblem(Http.get(t.users() + "/me", other.path("access_token").asText()), 401);
        assertEquals(
                200,
                Http.get(t.users() + "/me", mine.path("access_token").asText()).status(),
                "the caller's own token keeps working");
        assertEquals(200, refresh(t, mine).status(), "the caller's own session keeps working");

        assertProblem(login(t.api(), "ulla", PASSWORD), 401);
        assertEquals(200, login(t.api(), "ulla", "Next-Pass456").status());

        // passwordHistory(5): the previous password may not come back
        JsonNode back = assertInvalid(
                Http.post(
                        url,
                        mine.path("access_token").asText(),
                        Map.of("current_password", "Next-Pass456", "new_password", PASSWORD)),
                "new_password");
        assertFalse(back.path("errors").isEmpty());
        assertEquals(200, login(t.api(), "ulla", "Next-Pass456").status());
    }

    // ---------------------------------------------------------------- /users/me/sessions

    @Test
    void ownSessionsAreListedAndOnlyOwnSessionsCanBeEnded() {
        Tenant t = tenant();
        Account user = account(t, "ulla", "user");
        Account other = account(t, "otto", "user");
        JsonNode mine = tokens(t, user);
        JsonNode second = tokens(t, user);
        JsonNode others = tokens(t, other);
        String token = mine.path("access_token").asText();

        Http.Reply listed = Http.get(t.users() + "/me/sessions", token);
        assertEquals(200, listed.status(), listed.raw().body());
        JsonNode sessions = listed.json();
        assertEquals(2, sessions.size(), sessions.toString());
        String secondId = null;
        int current = 0;
        for (JsonNode s : sessions) {
            assertFalse(s.path("id").asText().isEmpty());
            assertFalse(s.path("started_at").asText().isEmpty());
            assertTrue(texts(s.path("clients")).contains(Tokens.API_CLIENT), s.toString());
            if (s.path("current").asBoolean()) {
                current++;
            } else {
                secondId = s.path("id").asText();
            }
        }
        assertEquals(1, current, sessions.toString());

        JsonNode othersSessions = Http.get(
                        t.users() + "/me/sessions", others.path("access_token").asText())
                .json();
        assertEquals(1, othersSessions.size());
        String othersId = othersSessions.get(0).path("id").asText();
        assertFalse(sessions.toString().contains(othersId), "another user's session is not listed");

        assertProblem(Http.delete(t.users() + "/me/sessions/" + othersId, token), 404);
        assertEquals(200, refresh(t, others).status(), "another user's session survives");
        assertProblem(Http.delete(t.users() + "/me/sessions/" + UUID.randomUUID(), token), 404);

        assertEquals(
                204, Http.delete(t.users() + "/me/sessions/" + secondId, token).status());
        assertProblem(refresh(t, second), 401);
        assertProblem(Http.get(t.users() + "/me", second.path("access_token").asText()), 401);
        assertEquals(1, Http.get(t.users() + "/me/sessions", token).json().size());
        assertEquals(200, Http.get(t.users() + "/me", token).status());

        String guest = token(t, account(t, "gina", "guest"));
        Http.Reply guestSessions = Http.get(t.users() + "/me/sessions", guest);
        assertEquals(200, guestSessions.status(), guestSessions.raw().body());
        assertEquals(1, guestSessions.json().size());
        assertProblem(Http.get(t.users() + "/me/sessions", null), 401);
        assertProblem(Http.delete(t.users() + "/me/sessions/" + othersId, null), 401);
    }

    // ---------------------------------------------------------------- GET /users

    @Test
    void listSearchesFiltersAndPagesWithATotal() {
        Tenant t = tenant();
        account(t, "alice.smith", "user");
        account(t, "bob.jones", "user");
        Account carol = account(t, "carol", "moderator");
        account(t, "dave", "guest");
        account(t, "erin", "admin");
        String moderator = token(t, carol);

        Http.Reply all = Http.get(t.users(), moderator);
        assertEquals(200, all.status(), all.raw().body());
        assertEquals(6, all.json().path("total").asInt(), all.raw().body());
        assertEquals(1, all.json().path("page").asInt());
        assertEquals(20, all.json().path("page_size").asInt());
        assertEquals(List.of("alice.smith", "bob.jones", "boss", "carol", "dave", "erin"), usernames(all.json()));
        assertEquals(PROFILE_FIELDS, fieldNames(all.json().path("items").get(0)));

        assertEquals(
                List.of("alice.smith"),
                usernames(Http.get(t.users() + "?search=smith", moderator).json()));
        assertEquals(
                List.of("bob.jones"),
                usernames(Http.get(t.users() + "?search=JONES", moderator).json()));
        assertEquals(
                1,
                Http.get(t.users() + "?search=bob.jones", moderator)
                        .json()
                        .path("total")
                        .asInt());
        assertEquals(
                0,
                Http.get(t.users() + "?search=%25", moderator)
                        .json()
                        .path("total")
                        .asInt(),
                "% is a literal, not a wildcard");
        assertEquals(
                0,
                Http.get(t.users() + "?search=_", moderator)
                        .json()
                        .path("total")
                        .asInt(),
                "_ is a literal, not a wildcard");

        JsonNode byEmail = Http.get(t.users() + "?email=ALICE.SMITH@" + t.id() + ".example", moderator)
                .json();
        assertEquals(List.of("alice.smith"), usernames(byEmail));
        assertEquals(1, byEmail.path("total").asInt());
        assertEquals(
                0,
                Http.get(t.users() + "?email=alice", moderator)
                        .json()
                        .path("total")
                        .asInt(),
                "e-mail is an exact match");

        List<String> moderators =
                usernames(Http.get(t.users() + "?role=moderator", moderator).json());
        assertTrue(moderators.contains("carol"), moderators.toString());
        assertFalse(moderators.contains("alice.smith") || moderators.contains("dave"), moderators.toString());
        List<String> admins =
                usernames(Http.get(t.users() + "?role=admin", moderator).json());
        assertEquals(List.of("boss", "erin"), admins);
        assertTrue(
                usernames(Http.get(t.users() + "?role=guest", moderator).json()).contains("dave"));
        assertEquals(
                List.of("erin"),
                usernames(Http.get(t.users() + "?role=admin&search=erin", moderator)
                        .json()),
                "filters combine");
        assertEquals(
                0,
                Http.get(t.users() + "?role=moderator&search=alice", moderator)
                        .json()
                        .path("total")
                        .asInt(),
                "filters combine");

        List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            JsonNode p =
                    Http.get(t.users() + "?page_size=2&page=" + page, moderator).json();
            assertEquals(6, p.path("total").asInt());
            assertEquals(2, p.path("items").size(), "pages are never short");
            assertEquals(page, p.path("page").asInt());
            assertEquals(2, p.path("page_size").asInt());
            paged.addAll(usernames(p));
        }
        assertEquals(usernames(all.json()), paged, "pages cover every user once, in order");
        JsonNode beyond = Http.get(t.users() + "?page_size=2&page=4", moderator).json();
        assertEquals(0, beyond.path("items").size());
        assertEquals(6, beyond.path("total").asInt());

        for (String bad : List.of("page_size=0", "page_size=101", "page_size=abc", "page_size=-1")) {
            assertInvalid(Http.get(t.users() + "?" + bad, moderator), "page_size");
        }
        for (String bad : List.of("page=0", "page=abc", "page=99999999999")) {
            assertInvalid(Http.get(t.users() + "?" + bad, moderator), "page");
        }
        assertInvalid(Http.get(t.users() + "?role=root", moderator), "role");
        assertInvalid(Http.get(t.users() + "?search=" + "s".repeat(256), moderator), "search");

        // who may list
        assertEquals(6, Http.get(t.users(), bossToken(t)).json().path("total").asInt());
        Http.Reply platformList = Http.get(t.users(), platform());
        assertEquals(200, platformList.status(), platformList.raw().body());
        assertEquals(6, platformList.json().path("total").asInt());
        assertProblem(Http.get(t.users(), access(t.api(), "alice.smith", PASSWORD)), 403);
        assertProblem(Http.get(t.users(), access(t.api(), "dave", PASSWORD)), 403);
        assertProblem(Http.get(t.users()), 401);
    }

    // ---------------------------------------------------------------- POST /users

    @Test
    void createKeepsEveryoneWithinTheirRoleBounds() {
        Tenant t = tenant();
        String moderator = token(t, account(t, "moritz", "moderator"));
        String admin = bossToken(t);
        String user = token(t, account(t, "ulla", "user"));
        String guest = token(t, account(t, "gina", "guest"));

        Http.Reply created = Http.post(t.users(), moderator, newUser(t, "by-mod-user", "user"));
        assertEquals(201, created.status(), created.raw().body());
        JsonNode body = created.json();
        assertEquals(PROFILE_FIELDS, fieldNames(body));
        assertTrue(
                created.header("Location").endsWith("/users/" + body.path("id").asText()), created.header("Location"));
        assertEquals(t.id(), body.path("tenant_id").asText());
        assertEquals(List.of("guest", "user"), texts(body.path("roles")));
        assertEquals("by-mod-user@" + t.id() + ".example", body.path("email").asText());
        assertEquals(200, Http.get(t.user(body.path("id").asText()), moderator).status());

        JsonNode createdGuest = Http.post(t.users(), moderator, newUser(t, "by-mod-guest", "guest"))
                .json();
        assertEquals(List.of("guest"), texts(createdGuest.path("roles")));
        JsonNode defaulted = Http.post(t.users(), moderator, newUser(t, "by-mod-default", null))
                .json();
        assertEquals(List.of("guest", "user"), texts(defaulted.path("roles")), "no role given: user");

        assertProblem(Http.post(t.users(), moderator, newUser(t, "by-mod-moderator", "moderator")), 403);
        assertProblem(Http.post(t.users(), moderator, newUser(t, "by-mod-admin", "admin")), 403);
        assertProblem(Http.post(t.users(), user, newUser(t, "by-user", "guest")), 403);
        assertProblem(Http.post(t.users(), guest, newUser(t, "by-guest", "guest")), 403);
        assertProblem(Http.post(t.users(), null, newUser(t, "by-nobody", "guest")), 401);
        for (String refused : List.of("by-mod-moderator", "by-mod-admin", "by-user", "by-guest", "by-nobody")) {
            assertEquals(
                    0,
                    Http.get(t.users() + "?email=" + refused + "@" + t.id() + ".example", admin)
                            .json()
                            .path("total")
                            .asInt(),
                    refused + " must not exist");
        }

        JsonNode createdModerator = Http.post(t.users(), admin, newUser(t, "by-admin-moderator", "moderator"))
                .json();
        assertEquals(List.of("guest", "user", "moderator"), texts(createdModerator.path("roles")));
        JsonNode createdAdmin = Http.post(t.users(), admin, newUser(t, "by-admin-admin", "admin"))
                .json();
        assertEquals(List.of("guest", "user", "moderator", "admin"), texts(createdAdmin.path("roles")));

        // conflicts and validation
        assertProblem(Http.post(t.users(), admin, newUser(t, "by-mod-user", "user")), 409);
        Map<String, Object> sameEmail = newUser(t, "someone-else", "user");
        sameEmail.put("email", "BY-MOD-USER@" + t.id() + ".example");
        assertProblem(Http.post(t.users(), admin, sameEmail), 409);
        assertInvalid(Http.post(t.users(), admin, newUser(t, "rooted", "root")), "role");
        Map<String, Object> bad = newUser(t, "x", "user");
        bad.put("email", "not-an-email");
        bad.put("first_name", "f".repeat(256));
        assertInvalid(Http.post(t.users(), admin, bad), "username", "email", "first_name");
        Map<String, Object> weak = newUser(t, "weakling", "user");
        weak.put("password", "weak");
        JsonNode weakProblem = assertInvalid(Http.post(t.users(), admin, weak), "password");
        assertTrue(weakProblem.path("errors").size() >= 3, "every broken rule named: " + weakProblem);
        assertInvalid(Http.post(t.users(), admin, Map.of("username", "nobody")), "email", "password");

        // mass assignment on create
        Map<String, Object> extras = Map.of(
                "is_admin",
                true,
                "id",
                UUID.randomUUID().toString(),
                "roles",
                List.of("admin"),
                "is_active",
                false,
                "email_verified",
                true,
                "tenant_id",
                "master",
                "temporary",
                false);
        for (Map.Entry<String, Object> extra : extras.entrySet()) {
            Map<String, Object> body2 = newUser(t, "mass-" + extra.getKey().replace("_", "-"), "guest");
            body2.put(extra.getKey(), extra.getValue());
            assertInvalid(Http.post(t.users(), moderator, body2), extra.getKey());
        }
        assertEquals(
                0,
                Http.get(t.users() + "?search=mass-", admin)
                        .json()
                        .path("total")
                        .asInt(),
                "no refused user exists");
        assertEquals(
                0,
                Http.get(t.users() + "?search=weakling", admin)
                        .json()
                        .path("total")
                        .asInt());
    }

    @Test
    void createdUsersMustReplaceTheirTemporaryPasswordBeforeLoggingIn() {
        Tenant t = tenant();
        Http.Reply created = Http.post(t.users(), bossToken(t), newUser(t, "newbie", "user"));
        assertEquals(201, created.status(), created.raw().body());

        JsonNode expired = assertProblem(login(t.api(), "newbie", PASSWORD), 403);
        assertEquals("Password expired", expired.path("title").asText(), expired.toString());
        assertProblem(login(t.api(), "newbie", "Wrong-Pass123"), 401);

        String url = t.api() + "/auth/change-password";
        Map<String, Object> body = new LinkedHashMap<>(Map.of(
                "username",
                "newbie",
                "tenant_id",
                t.id(),
                "current_password",
                "Wrong-Pass123",
                "new_password",
                "Own-Pass4567"));
        assertProblem(Http.post(url, null, body), 401);
        body.put("current_password", PASSWORD);
        body.put("new_password", "short");
        assertInvalid(Http.post(url, null, body), "new_password");
        body.put("new_password", PASSWORD);
        assertInvalid(Http.post(url, null, body), "new_password");
        assertProblem(login(t.api(), "newbie", PASSWORD), 403);

        body.put("new_password", "Own-Pass4567");
        Http.Reply changed = Http.post(url, null, body);
        assertEquals(204, changed.status(), changed.raw().body());

        Http.Reply in = login(t.api(), "newbie", "Own-Pass4567");
        assertEquals(200, in.status(), in.raw().body());
        assertEquals(
                "newbie",
                me(t, in.json().path("access_token").asText()).path("username").asText());
        assertProblem(login(t.api(), "newbie", PASSWORD), 401);
        body.put("current_password", "Own-Pass4567");
        body.put("new_password", "Another-Pass789");
        assertProblem(Http.post(url, null, body), 400);
    }

    // ---------------------------------------------------------------- /users/{id}: object level

    @Test
    void moderatorsManageOnlyUsersAndGuests() {
        Tenant t = tenant();
        Account moritz = account(t, "moritz", "moderator");
        Account mona = account(t, "mona", "moderator");
        Account ulla = account(t, "ulla", "user");
        Account gina = account(t, "gina", "guest");
        String moderator = token(t, moritz);

        // reading is allowed
        assertEquals(200, Http.get(t.user(t.bossId()), moderator).status());
        assertEquals(200, Http.get(t.user(mona.id()), moderator).status());

        for (String target : List.of(t.bossId(), mona.id())) {
            assertProblem(Http.put(t.user(target), moderator, Map.of("first_name", "Hacked")), 403);
            assertProblem(Http.put(t.user(target), moderator, Map.of("is_active", false)), 403);
            assertProblem(Http.put(t.user(target), moderator, Map.of("email", "hijack@" + t.id() + ".example")), 403);
            assertProblem(Http.put(t.user(target) + "/roles", moderator, Map.of("roles", List.of("guest"))), 403);
            assertProblem(
                    Http.post(
                            t.user(target) + "/reset-password",
                            moderator,
                            Map.of("temporary_password", "Temp-Pass789")),
                    403);
            assertProblem(Http.delete(t.user(target) + "/sessions", moderator), 403);
            assertProblem(Http.delete(t.user(target), moderator), 403);
        }
        JsonNode boss = adminView(t, t.bossId());
        assertEquals("Bo", boss.path("first_name").asText());
        assertEquals("boss@" + t.id() + ".example", boss.path("email").asText());
        assertTrue(boss.path("is_active").asBoolean());
        assertEquals(4, boss.path("roles").size());
        assertEquals(200, login(t.api(), "boss", ADMIN_PASSWORD).status(), "the admin's password is untouched");
        JsonNode monaNow = adminView(t, mona.id());
        assertEquals("U", monaNow.path("first_name").asText());
        assertEquals(List.of("guest", "user", "moderator"), texts(monaNow.path("roles")));
        assertEquals(200, login(t.api(), "mona", PASSWORD).status());

        // users and guests are within bounds
        Http.Reply renamed =
                Http.put(t.user(ulla.id()), moderator, Map.of("first_name", "Ulla", "last_name", "Renamed"));
        assertEquals(200, renamed.status(), renamed.raw().body());
        assertEquals("Renamed", adminView(t, ulla.id()).path("last_name").asText());
        assertEquals(
                200,
                Http.put(t.user(ulla.id()) + "/roles", moderator, Map.of("roles", List.of("guest")))
                        .status());
        assertEquals(List.of("guest"), texts(adminView(t, ulla.id()).path("roles")));
        assertEquals(
                204,
                Http.post(
                                t.user(ulla.id()) + "/reset-password",
                                moderator,
                                Map.of("temporary_password", "Temp-Pass789"))
                        .status());
        assertEquals(204, Http.delete(t.user(gina.id()), moderator).status());
        assertProblem(Http.get(t.user(gina.id()), moderator), 404);

        // users and guests manage nobody, not even to read
        String user = token(t, account(t, "uwe", "user"));
        String guest = token(t, account(t, "greta", "guest"));
        for (String caller : List.of(user, guest)) {
            assertProblem(Http.get(t.user(ulla.id()), caller), 403);
            assertProblem(Http.put(t.user(ulla.id()), caller, Map.of("first_name", "Nope")), 403);
            assertProblem(Http.delete(t.user(ulla.id()), caller), 403);
            assertProblem(Http.put(t.user(ulla.id()) + "/roles", caller, Map.of("roles", List.of("user"))), 403);
            assertProblem(Http.get(t.user(ulla.id()) + "/sessions", caller), 403);
            assertProblem(Http.delete(t.user(ulla.id()) + "/sessions", caller), 403);
            assertProblem(
                    Http.post(
                            t.user(ulla.id()) + "/reset-password",
                            caller,
                            Map.of("temporary_password", "Temp-Pass789")),
                    403);
        }
        assertEquals("Ulla", adminView(t, ulla.id()).path("first_name").asText());
    }

    @Test
    void moderatorsSeeSessionsOnlyOfAccountsTheyManage() {
        Tenant t = tenant();
        Account mona = account(t, "mona", "moderator");
        Account ulla = account(t, "ulla", "user");
        tokens(t, mona);
        tokens(t, ulla);
        String moderator = token(t, account(t, "moritz", "moderator"));

        Http.Reply ullas = Http.get(t.user(ulla.id()) + "/sessions", moderator);
        assertEquals(200, ullas.status(), ullas.raw().body());
        assertEquals(1, ullas.json().size());
        // DESIGN.md: GET /users/{id}/sessions is "admin; moderator within bounds": an admin's or another moderator's
        // sessions (IP addresses, clients, times) are not a moderator's to see
        assertProblem(Http.get(t.user(t.bossId()) + "/sessions", moderator), 403);
        assertProblem(Http.get(t.user(mona.id()) + "/sessions", moderator), 403);
    }

    @Test
    void nobodyChangesTheirOwnRolesOrDeletesOrDisablesThemselves() {
        Tenant t = tenant();
        String admin = bossToken(t);
        Account moritz = account(t, "moritz", "moderator");
        String moderator = token(t, moritz);

        assertProblem(Http.put(t.user(t.bossId()) + "/roles", admin, Map.of("roles", List.of("user"))), 403);
        assertProblem(Http.delete(t.user(t.bossId()), admin), 403);
        Http.Reply disable = Http.put(t.user(t.bossId()), admin, Map.of("is_active", false));
        assertTrue(
                disable.status() == 400 || disable.status() == 403,
                disable.raw().body());
        assertProblem(disable, disable.status());
        assertEquals(200, Http.get(t.users() + "/me", admin).status(), "the admin's token still works");

        assertProblem(Http.put(t.user(moritz.id()) + "/roles", moderator, Map.of("roles", List.of("admin"))), 403);
        assertProblem(Http.put(t.user(moritz.id()) + "/roles", moderator, Map.of("roles", List.of("user"))), 403);
        assertProblem(Http.delete(t.user(moritz.id()), moderator), 403);
        Http.Reply modDisable = Http.put(t.user(moritz.id()), moderator, Map.of("is_active", false));
        assertTrue(
                modDisable.status() == 400 || modDisable.status() == 403,
                modDisable.raw().body());

        JsonNode boss = adminView(t, t.bossId());
        assertTrue(boss.path("is_active").asBoolean());
        assertEquals(List.of("guest", "user", "moderator", "admin"), texts(boss.path("roles")));
        JsonNode mod = adminView(t, moritz.id());
        assertTrue(mod.path("is_active").asBoolean());
        assertEquals(List.of("guest", "user", "moderator"), texts(mod.path("roles")));
    }

    // ---------------------------------------------------------------- /users/{id}: property level

    @Test
    void updateRefusesFieldsThatAreNotAnAdminsToSet() {
        Tenant t = tenant();
        String admin = bossToken(t);
        Account ulla = account(t, "ulla", "user");

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("roles", List.of("admin"));
        extras.put("is_admin", true);
        extras.put("id", UUID.randomUUID().toString());
        extras.put("username", "root");
        extras.put("tenant_id", "master");
        extras.put("password", "Other-Pass123");
        extras.put("created_at", "2000-01-01T00:00:00Z");
        extras.put("preferences", Map.of("theme", "evil"));
        extras.put("permissions", List.of("users:write"));
        for (Map.Entry<String, Object> extra : extras.entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("first_name", "Mass"));
            body.put(extra.getKey(), extra.getValue());
            assertInvalid(Http.put(t.user(ulla.id()), admin, body), extra.getKey());
        }
        assertInvalid(Http.put(t.user(ulla.id()), admin, Map.of("is_active", "nope")), "is_active");
        assertInvalid(Http.put(t.user(ulla.id()), admin, Map.of("email", "not-an-email")), "email");
        assertInvalid(Http.put(t.user(ulla.id()), admin, Map.of("last_name", "l".repeat(256))), "last_name");
        assertProblem(Http.put(t.user(ulla.id()), admin, Map.of("email", "boss@" + t.id() + ".example")), 409);

        JsonNode unchanged = adminView(t, ulla.id());
        assertEquals("ulla", unchanged.path("username").asText());
        assertEquals("U", unchanged.path("first_name").asText());
        assertEquals("ulla@" + t.id() + ".example", unchanged.path("email").asText());
        assertEquals(List.of("guest", "user"), texts(unchanged.path("roles")));
        assertEquals(ulla.id(), unchanged.path("id").asText());
        assertTrue(unchanged.path("preferences").isEmpty());
        assertEquals(200, login(t.api(), "ulla", PASSWORD).status());

        Http.Reply updated = Http.put(
                t.user(ulla.id()),
                admin,
                Map.of(
                        "email",
                        "Ulla.New@" + t.id() + ".example",
                        "first_name",
                        "Ulla",
                        "last_name",
                        "New",
                        "email_verified",
                        false));
        assertEquals(200, updated.status(), updated.raw().body());
        assertEquals(
                "ulla.new@" + t.id() + ".example", updated.json().path("email").asText());
        assertFalse(updated.json().path("email_verified").asBoolean());
        assertEquals("New", adminView(t, ulla.id()).path("last_name").asText());
    }

    @Test
    void rolesAreSetExactlyAndNeverAboveTheCallersOwn() {
        Tenant t = tenant();
        String admin = bossToken(t);
        Account ulla = account(t, "ulla", "user");
        Account uwe = account(t, "uwe", "user");
        String moderator = token(t, account(t, "moritz", "moderator"));

        Http.Reply promoted = Http.put(t.user(ulla.id()) + "/roles", admin, Map.of("roles", List.of("moderator")));
        assertEquals(200, promoted.status(), promoted.raw().body());
        assertEquals(
                List.of("guest", "user", "moderator"), texts(promoted.json().path("roles")));
        String promotedToken = token(t, ulla);
        assertEquals(200, Http.get(t.users(), promotedToken).status(), "a fresh token carries the new role");
        JsonNode toAdmin = Http.put(t.user(ulla.id()) + "/roles", admin, Map.of("roles", List.of("admin")))
                .json();
        assertEquals(List.of("guest", "user", "moderator", "admin"), texts(toAdmin.path("roles")));
        JsonNode toGuest = Http.put(t.user(ulla.id()) + "/roles", admin, Map.of("roles", List.of("guest")))
                .json();
        assertEquals(List.of("guest"), texts(toGuest.path("roles")), "the roles are set exactly, the old ones removed");
        assertProblem(Http.get(t.users(), promotedToken), 403);
        assertProblem(Http.get(t.users(), token(t, ulla)), 403);

        assertInvalid(Http.put(t.user(uwe.id()) + "/roles", admin, Map.of("roles", List.of())), "roles");
        assertInvalid(Http.put(t.user(uwe.id()) + "/roles", admin, Map.of("roles", List.of("root"))), "roles");
        assertInvalid(Http.put(t.user(uwe.id()) + "/roles", admin, Map.of()), "roles");
        assertInvalid(Http.put(t.user(uwe.id()) + "/roles", admin, Map.of("roles", "admin")), "roles");
        assertInvalid(
                Http.put(t.user(uwe.id()) + "/roles", admin, Map.of("roles", List.of("user"), "is_admin", true)),
                "is_admin");

        assertProblem(Http.put(t.user(uwe.id()) + "/roles", moderator, Map.of("roles", List.of("moderator"))), 403);
        assertProblem(Http.put(t.user(uwe.id()) + "/roles", moderator, Map.of("roles", List.of("admin"))), 403);
        assertProblem(Http.put(t.user(uwe.id()) + "/roles", moderator, Map.of("roles", List.of("user", "admin"))), 403);
        assertEquals(List.of("guest", "user"), texts(adminView(t, uwe.id()).path("roles")), "refused: nothing changed");
        assertEquals(
                200,
                Http.put(t.user(uwe.id()) + "/roles", moderator, Map.of("roles", List.of("guest")))
                        .status());
        assertEquals(
                200,
                Http.put(t.user(uwe.id()) + "/roles", moderator, Map.of("roles", List.of("user")))
                        .status());
        assertEquals(List.of("guest", "user"), texts(adminView(t, uwe.id()).path("roles")));

        assertProblem(
                Http.put(
                        t.user(uwe.id()) + "/roles",
                        access(t.api(), "uwe", PASSWORD),
                        Map.of("roles", List.of("admin"))),
                403);
        assertProblem(
                Http.put(t.user(UUID.randomUUID().toString()) + "/roles", admin, Map.of("roles", List.of("user"))),
                404);
    }

    // ---------------------------------------------------------------- disable, sessions, reset, delete

    @Test
    void disablingAUserEndsTheirSessionsAtOnce() {
        Tenant t = tenant();
        Account ulla = account(t, "ulla", "user");
        JsonNode tokens = tokens(t, ulla);
        String moderator = token(t, account(t, "moritz", "moderator"));
        assertEquals(
                200,
                Http.get(t.users() + "/me", tokens.path("access_token").asText())
                        .status());

        Http.Reply disabled = Http.put(t.user(ulla.id()), moderator, Map.of("is_active", false));
        assertEquals(200, disabled.status(), disabled.raw().body());
        assertFalse(disabled.json().path("is_active").asBoolean());

        assertProblem(Http.get(t.users() + "/me", tokens.path("access_token").asText()), 401);
        assertProblem(refresh(t, tokens), 401);
        assertProblem(login(t.api(), "ulla", PASSWORD), 401);
        assertEquals(
                0, Http.get(t.user(ulla.id()) + "/sessions", moderator).json().size());

        assertEquals(
                200,
                Http.put(t.user(ulla.id()), moderator, Map.of("is_active", true))
                        .status());
        assertEquals(200, login(t.api(), "ulla", PASSWORD).status());
        assertProblem(Http.get(t.users() + "/me", tokens.path("access_token").asText()), 401);
    }

    @Test
    void adminsListAndEndAUsersSessions() {
        Tenant t = tenant();
        Account ulla = account(t, "ulla", "user");
        JsonNode first = tokens(t, ulla);
        JsonNode second = tokens(t, ulla);
        String admin = bossToken(t);

        Http.Reply listed = Http.get(t.user(ulla.id()) + "/sessions", admin);
        assertEquals(200, listed.status(), listed.raw().body());
        assertEquals(2, listed.json().size());
        for (JsonNode s : listed.json()) {
            assertFalse(s.path("current").asBoolean(), "none is the admin's own session");
        }
        assertEquals(
                2,
                Http.get(t.user(ulla.id()) + "/sessions", token(t, account(t, "moritz", "moderator")))
                        .json()
                        .size());

        assertEquals(204, Http.delete(t.user(ulla.id()) + "/sessions", admin).status());
        for (JsonNode tokens : List.of(first, second)) {
            assertProblem(
                    Http.get(t.users() + "/me", tokens.path("access_token").asText()), 401);
            assertProblem(refresh(t, tokens), 401);
        }
        assertEquals(0, Http.get(t.user(ulla.id()) + "/sessions", admin).json().size());
        assertEquals(200, Http.get(t.users() + "/me", admin).status(), "the admin's own session is untouched");
        assertEquals(200, login(t.api(), "ulla", PASSWORD).status(), "ending sessions does not disable");

        assertProblem(Http.get(t.user(UUID.randomUUID().toString()) + "/sessions", admin), 404);
        assertProblem(Http.delete(t.user(UUID.randomUUID().toString()) + "/sessions", admin), 404);
    }

    @Test
    void resetPasswordSetsATemporaryPasswordAndEndsSessions() {
        Tenant t = tenant();
        Account ulla = account(t, "ulla", "user");
        JsonNode tokens = tokens(t, ulla);
        String admin = bossToken(t);
        String url = t.user(ulla.id()) + "/reset-password";

        assertInvalid(Http.post(url, admin, Map.of("temporary_password", "weak")), "temporary_password");
        assertInvalid(Http.post(url, admin, Map.of()), "temporary_password");
        assertInvalid(Http.post(url, admin, Map.of("password", "Perm-Pass1234")), "password");
        assertInvalid(
                Http.post(url, admin, Map.of("temporary_password", "Temp-Pass789", "temporary", false)), "temporary");
        assertEquals(
                200,
                Http.get(t.users() + "/me", tokens.path("access_token").asText())
                        .status(),
                "refused resets change nothing");

        assertEquals(
                204,
                Http.post(url, admin, Map.of("temporary_password", "Temp-Pass789"))
                        .status());
        assertProblem(Http.get(t.users() + "/me", tokens.path("access_token").asText()), 401);
        assertProblem(refresh(t, tokens), 401);
        assertProblem(login(t.api(), "ulla", PASSWORD), 401);
        JsonNode expired = assertProblem(login(t.api(), "ulla", "Temp-Pass789"), 403);
        assertEquals("Password expired", expired.path("title").asText());

        Http.Reply changed = Http.post(
                t.api() + "/auth/change-password",
                null,
                Map.of("username", "ulla", "current_password", "Temp-Pass789", "new_password", "Mine-Again456"));
        assertEquals(204, changed.status(), changed.raw().body());
        assertEquals(200, login(t.api(), "ulla", "Mine-Again456").status());

        assertProblem(
                Http.post(
                        t.user(UUID.randomUUID().toString()) + "/reset-password",
                        admin,
                        Map.of("temporary_password", "Temp-Pass789")),
                404);
    }

    @Test
    void deletingAUserEndsTheirAccess() {
        Tenant t = tenant();
        Account ulla = account(t, "ulla", "user");
        JsonNode tokens = tokens(t, ulla);
        String moderator = token(t, account(t, "moritz", "moderator"));

        assertEquals(204, Http.delete(t.user(ulla.id()), moderator).status());
        assertProblem(Http.get(t.user(ulla.id()), moderator), 404);
        assertProblem(Http.delete(t.user(ulla.id()), moderator), 404);
        assertProblem(Http.get(t.users() + "/me", tokens.path("access_token").asText()), 401);
        assertProblem(refresh(t, tokens), 401);
        assertProblem(login(t.api(), "ulla", PASSWORD), 401);
        assertEquals(
                0,
                Http.get(t.users() + "?search=ulla", moderator)
                        .json()
                        .path("total")
                        .asInt());
    }

    // ---------------------------------------------------------------- tenants

    @Test
    void aTenantsTokenNeverReachesAnotherTenantsUsers() {
        Tenant a = tenant();
        Tenant b = tenant();
        Account victim = account(b, "victim", "user");
        String adminOfA = bossToken(a);
        String moderatorOfA = token(a, account(a, "moritz", "moderator"));

        for (String token : List.of(adminOfA, moderatorOfA)) {
            // B's URL: refused outright
            List<Http.Reply> onB = List.of(
                    Http.get(b.users(), token),
                    Http.get(b.users() + "?search=victim", token),
                    Http.post(b.users(), token, newUser(b, "planted", "admin")),
                    Http.get(b.user(victim.id()), token),
                    Http.put(b.user(victim.id()), token, Map.of("first_name", "Owned", "is_active", false)),
                    Http.put(b.user(victim.id()) + "/roles", token, Map.of("roles", List.of("guest"))),
                    Http.get(b.user(victim.id()) + "/sessions", token),
                    Http.delete(b.user(victim.id()) + "/sessions", token),
                    Http.post(
                            b.user(victim.id()) + "/reset-password",
                            token,
                            Map.of("temporary_password", "Temp-Pass789")),
                    Http.delete(b.user(victim.id()), token));
            for (Http.Reply reply : onB) {
                assertProblem(reply, 403);
                assertFalse(
                        reply.raw().body().contains("victim"),
                        "no B data: " + reply.raw().body());
            }
            // a B user's id through A's URL: no such user; through the platform URL: refused
            String url = a.api() + "/users/" + victim.id();
            List<Http.Reply> viaA = List.of(
                    Http.get(url, token),
                    Http.put(url, token, Map.of("first_name", "Owned")),
                    Http.put(url + "/roles", token, Map.of("roles", List.of("guest"))),
                    Http.get(url + "/sessions", token),
                    Http.delete(url + "/sessions", token),
                    Http.post(url + "/reset-password", token, Map.of("temporary_password", "Temp-Pass789")),
                    Http.delete(url, token));
            for (Http.Reply reply : viaA) {
                assertProblem(reply, 404);
                assertFalse(
                        reply.raw().body().contains("victim"),
                        "no B data: " + reply.raw().body());
            }
            assertProblem(Http.get(server.apiUrl("master") + "/users/" + victim.id(), token), 404);
            assertProblem(Http.get(server.apiUrl("master") + "/users?page_size=100", token), 404);
        }

        // a B session id is no session of an A user's, whatever URL
        JsonNode victimTokens = tokens(b, victim);
        String victimSession = Http.get(
                        b.users() + "/me/sessions",
                        victimTokens.path("access_token").asText())
                .json()
                .get(0)
                .path("id")
                .asText();
        assertProblem(Http.delete(a.users() + "/me/sessions/" + victimSession, adminOfA), 404);
        assertProblem(Http.delete(b.users() + "/me/sessions/" + victimSession, adminOfA), 403);
        assertEquals(200, refresh(b, victimTokens).status(), "the B session survives");

        assertProblem(Http.get(b.users() + "/me", adminOfA), 403);

        JsonNode untouched = adminView(b, victim.id());
        assertEquals("U", untouched.path("first_name").asText());
        assertTrue(untouched.path("is_active").asBoolean());
        assertEquals(List.of("guest", "user"), texts(untouched.path("roles")));
        assertEquals(200, login(b.api(), "victim", PASSWORD).status());
        assertEquals(
                0,
                Http.get(b.users() + "?search=planted", platform())
                        .json()
                        .path("total")
                        .asInt());
    }

    @Test
    void platformAdminsManageTheUsersOfAnyTenantThroughItsUrl() {
        Tenant t = tenant();
        String platform = platform();

        Http.Reply list = Http.get(t.users(), platform);
        assertEquals(200, list.status(), list.raw().body());
        assertEquals(List.of("boss"), usernames(list.json()));

        Http.Reply created = Http.post(t.users(), platform, newUser(t, "second-admin", "admin"));
        assertEquals(201, created.status(), created.raw().body());
        String id = created.json().path("id").asText();
        assertEquals(t.id(), created.json().path("tenant_id").asText());
        assertEquals(
                List.of("guest", "user", "moderator", "admin"),
                texts(created.json().path("roles")));
        assertEquals(
                200,
                Http.get(server.baseUrl() + "/admin/realms/" + t.id() + "/users/" + id, platform)
                        .status(),
                "the user lives in the tenant's realm");
        assertProblem(Http.get(server.apiUrl("master") + "/users/" + id, platform), 404);

        assertEquals(200, Http.get(t.user(id), platform).status());
        Http.Reply updated = Http.put(t.user(id), platform, Map.of("first_name", "Second", "email_verified", true));
        assertEquals(200, updated.status(), updated.raw().body());
        assertEquals("Second", updated.json().path("first_name").asText());
        assertEquals(
                List.of("guest", "user", "moderator"),
                texts(Http.put(t.user(id) + "/roles", platform, Map.of("roles", List.of("moderator")))
                        .json()
                        .path("roles")));
        assertEquals(200, Http.get(t.user(id) + "/sessions", platform).status());
        assertEquals(204, Http.delete(t.user(id) + "/sessions", platform).status());
        assertEquals(
                204,
                Http.post(t.user(id) + "/reset-password", platform, Map.of("temporary_password", "Temp-Pass789"))
                        .status());

        // the tenant's own admin too is the platform admin's to manage
        Http.Reply bossRenamed = Http.put(t.user(t.bossId()), platform, Map.of("last_name", "Platform-Renamed"));
        assertEquals(200, bossRenamed.status(), bossRenamed.raw().body());
        assertEquals(204, Http.delete(t.user(id), platform).status());
        assertProblem(Http.get(t.user(id), platform), 404);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badInputIsAProblemNeverAServerError() {
        Tenant t = tenant();
        String admin = bossToken(t);
        Account ulla = account(t, "ulla", "user");
        String user = token(t, ulla);
        String big = "{\"first_name\":\"x\"" + " ".repeat(70_000) + "}";

        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"first_name\":", "400");
        bodies.put("", "400");
        bodies.put("[]", "400");
        bodies.put("null", "400");
        bodies.put("\"text\"", "400");
        bodies.put("{\"first_name\":\"a\"} trailing", "400");
        bodies.put(big, "413");
        List<String[]> targets = List.of(
                new String[] {"POST", t.users(), admin},
                new String[] {"PUT", t.users() + "/me", user},
                new String[] {"POST", t.users() + "/me/change-password", user},
                new String[] {"PUT", t.user(ulla.id()), admin},
                new String[] {"PUT", t.user(ulla.id()) + "/roles", admin},
                new String[] {"POST", t.user(ulla.id()) + "/reset-password", admin},
                new String[] {"POST", t.api() + "/auth/change-password", null});
        for (String[] target : targets) {
            for (Map.Entry<String, String> body : bodies.entrySet()) {
                Http.Reply reply = raw(target[0], target[1], target[2], "application/json", body.getKey());
                assertProblem(reply, Integer.parseInt(body.getValue()));
            }
            assertProblem(raw(target[0], target[1], target[2], "text/plain", "first_name=x"), 415);
            assertProblem(raw(target[0], target[1], target[2], null, "{}"), 415);
        }
        assertInvalid(Http.put(t.users() + "/me", user, Map.of("first_name", List.of("x"))), "first_name");
        assertInvalid(Http.put(t.users() + "/me", user, Map.of("first_name", "bad\u0000name")), "first_name");
        assertInvalid(
                Http.put(
                        t.users() + "/me",
                        user,
                        Map.of(
                                "preferences",
                                Map.of("deep", Map.of("er", List.of(1, 2))),
                                "last_name",
                                Map.of("x", 1))),
                "last_name");

        for (String id : List.of("not-a-uuid", "x".repeat(300), "'%20or%201=1--")) {
            assertProblem(Http.get(t.users() + "/" + id, admin), 404);
            assertProblem(Http.put(t.users() + "/" + id, admin, Map.of("first_name", "x")), 404);
            assertProblem(Http.delete(t.users() + "/" + id, admin), 404);
        }
        assertProblem(Http.delete(t.users() + "/me/sessions/" + "x".repeat(300), user), 404);

        for (String url : List.of(t.users(), t.users() + "/me", t.user(ulla.id()), t.user(ulla.id()) + "/sessions")) {
            Http.Reply anonymous = Http.get(url);
            assertProblem(anonymous, 401);
            assertEquals("Bearer", anonymous.header("WWW-Authenticate"));
            assertProblem(Http.get(url, "garbage"), 401);
            assertProblem(Http.get(url, user.substring(0, user.length() - 4) + "AAAA"), 401);
        }
    }
}
