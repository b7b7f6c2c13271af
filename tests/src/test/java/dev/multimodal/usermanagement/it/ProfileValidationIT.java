package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every API write of user attributes goes through the tenant's user profile (issue 15, defect 8), text fields refuse
 * line and paragraph separators and other control characters (defect 16), and {@code ?role=} lists users holding the
 * role through a composite (defect 9). Black-box over HTTP; each test makes its own tenant.
 */
class ProfileValidationIT {

    private static final String PASSWORD = "Start-Pass123";
    /** bcrypt of "password" at cost 10: a well-formed hash for import rows. */
    private static final String BCRYPT = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    private static String platform() {
        return Tokens.recentPlatformAdmin(server);
    }

    private record Tenant(String id, String api, String bossToken) {}

    private static Tenant tenant() {
        String id = Fixtures.createTenant(server, platform(), Fixtures.unique("profile"), false);
        Http.Reply login = Fixtures.apiLogin(server, id, "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        return new Tenant(
                id, server.apiUrl(id), login.json().path("access_token").asText());
    }

    private static String token(Tenant tenant, String username) {
        Http.Reply login = Fixtures.apiLogin(server, tenant.id(), username, PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        return login.json().path("access_token").asText();
    }

    /** A 400 problem+json whose errors name {@code field}. */
    private static void assertRefused(Http.Reply reply, String field) {
        assertEquals(400, reply.status(), reply.raw().body());
        assertTrue(reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
        List<String> fields = new ArrayList<>();
        reply.json()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asText()));
        assertTrue(
                fields.contains(field),
                "errors name " + field + ": " + reply.raw().body());
    }

    // ---------------------------------------------------------------- defect 8: the user profile decides

    @Test
    void ownProfileUpdateGoesThroughTheUserProfile() {
        Tenant tenant = tenant();
        Fixtures.createUser(server, platform(), tenant.id(), "alice", PASSWORD, true, "user");
        String alice = token(tenant, "alice");

        assertRefused(Http.put(tenant.api() + "/users/me", alice, Map.of("last_name", "Smith <x>")), "last_name");
        assertRefused(Http.put(tenant.api() + "/users/me", alice, Map.of("first_name", "a&b")), "first_name");
        JsonNode me = Http.get(tenant.api() + "/users/me", alice).json();
        assertEquals("User", me.path("last_name").asText(), "nothing stored");
        assertEquals("Test", me.path("first_name").asText(), "nothing stored");

        Http.Reply fine = Http.put(
                tenant.api() + "/users/me", alice, Map.of("last_name", "Smith-Jones", "preferences", Map.of("a", 1)));
        assertEquals(200, fine.status(), fine.raw().body());
        assertEquals("Smith-Jones", fine.json().path("last_name").asText());
    }

    @Test
    void adminWritesGoThroughTheUserProfile() {
        Tenant tenant = tenant();
        String aliceId = Fixtures.createUser(server, platform(), tenant.id(), "alice", PASSWORD, true, "user");

        assertRefused(
                Http.put(tenant.api() + "/users/" + aliceId, tenant.bossToken(), Map.of("last_name", "Smith <x>")),
                "last_name");
        assertEquals(
                "User",
                Http.get(tenant.api() + "/users/" + aliceId, tenant.bossToken())
                        .json()
                        .path("last_name")
                        .asText());

        Map<String, Object> create = new LinkedHashMap<>(Map.of(
                "email",
                "bob@" + tenant.id() + ".example",
                "username",
                "bob",
                "password",
                PASSWORD,
                "first_name",
                "<script>"));
        assertRefused(Http.post(tenant.api() + "/users", tenant.bossToken(), create), "first_name");
        assertEquals(
                0,
                Http.get(tenant.api() + "/users?search=bob", tenant.bossToken())
                        .json()
                        .path("total")
                        .asInt(),
                "no user made");

        Map<String, Object> row = new LinkedHashMap<>(Map.of(
                "email",
                "carol@" + tenant.id() + ".example",
                "username",
                "carol",
                "last_name",
                "Smith <x>",
                "password_hash",
                BCRYPT));
        Http.Reply imported =
                Http.post(tenant.api() + "/users/import", tenant.bossToken(), Map.of("users", List.of(row)));
        assertEquals(200, imported.status(), imported.raw().body());
        assertEquals(0, imported.json().path("imported").asInt(), imported.raw().body());
        assertEquals(
                "last_name",
                imported.json().path("errors").path(0).path("field").asText(),
                imported.raw().body());
        assertEquals(
                0,
                Http.get(tenant.api() + "/users?search=carol", tenant.bossToken())
                        .json()
                        .path("total")
                        .asInt());
    }

    @Test
    void registrationGoesThroughTheUserProfile() {
        Tenant tenant = tenant();
        Http.Reply open = Http.put(
                tenant.api() + "/tenants/" + tenant.id() + "/settings",
                platform(),
                Map.of("registration_allowed", true));
        assertEquals(200, open.status(), open.raw().body());
        Map<String, Object> body = new LinkedHashMap<>(Map.of(
                "email",
                "dave@" + tenant.id() + ".example",
                "username",
                "dave",
                "password",
                PASSWORD,
                "last_name",
                "Smith <x>",
                "tenant_id",
                tenant.id()));
        assertRefused(Http.post(tenant.api() + "/auth/register", null, body), "last_name");
        assertEquals(
                0,
                Http.get(tenant.api() + "/users?search=dave", tenant.bossToken())
                        .json()
                        .path("total")
                        .asInt());
    }

    @Test
    void tenantAdminNamesGoThroughTheUserProfile() {
        for (String username : List.of("a b <x>", "Ω")) {
            String id = Fixtures.unique("badadmin");
            Map<String, Object> body = new LinkedHashMap<>(Map.of(
                    "id",
                    id,
                    "name",
                    "Tenant " + id,
                    "admin_email",
                    "boss@" + id + ".example",
                    "admin_username",
                    username,
                    "admin_password",
                    Fixtures.ADMIN_PASSWORD));
            assertRefused(Http.post(server.apiUrl("master") + "/tenants", platform(), body), "admin_username");
            assertEquals(
                    404,
                    Http.get(server.apiUrl("master") + "/tenants/" + id, platform())
                            .status(),
                    "no tenant left behind");
            assertEquals(
                    404,
                    Http.get(server.baseUrl() + "/admin/realms/" + id, platform())
                            .status(),
                    "no realm left behind");
        }
        String id = Fixtures.unique("badadmin");
        Map<String, Object> body = new LinkedHashMap<>(Map.of(
                "id",
                id,
                "name",
                "Tenant " + id,
                "admin_email",
                "boss@" + id + ".example",
                "admin_username",
                "boss",
                "admin_password",
                Fixtures.ADMIN_PASSWORD,
                "admin_last_name",
                "Boss <img>"));
        assertRefused(Http.post(server.apiUrl("master") + "/tenants", platform(), body), "admin_last_name");
        assertEquals(
                404,
                Http.get(server.apiUrl("master") + "/tenants/" + id, platform()).status(),
                "no tenant left behind");
    }

    // ---------------------------------------------------------------- defect 16: separators split lines

    @Test
    void lineSeparatorsAndControlCharactersAreRefused() {
        Tenant tenant = tenant();
        Fixtures.createUser(server, platform(), tenant.id(), "alice", PASSWORD, true, "user");
        String alice = token(tenant, "alice");
        for (String separator : List.of("\u2028", "\u2029", "\u0085", "\u200e", "\u202e", "\ufeff")) {
            assertRefused(
                    Http.put(tenant.api() + "/users/me", alice, Map.of("first_name", "A" + separator + "B")),
                    "first_name");
        }
        assertEquals(
                "Test",
                Http.get(tenant.api() + "/users/me", alice)
                        .json()
                        .path("first_name")
                        .asText(),
                "nothing stored");

        String id = Fixtures.unique("sep");
        Map<String, Object> body = new LinkedHashMap<>(Map.of(
                "id",
                id,
                "name",
                "Tenant\u2028" + id,
                "admin_email",
                "boss@" + id + ".example",
                "admin_username",
                "boss",
                "admin_password",
                Fixtures.ADMIN_PASSWORD));
        assertRefused(Http.post(server.apiUrl("master") + "/tenants", platform(), body), "name");
        assertRefused(Http.get(tenant.api() + "/users?search=a%E2%80%A8b", tenant.bossToken()), "search");
        // ordinary letters of any script still pass
        Http.Reply fine = Http.put(tenant.api() + "/users/me", alice, Map.of("first_name", "Zoë"));
        assertEquals(200, fine.status(), fine.raw().body());
    }

    // ---------------------------------------------------------------- defect 9: effective roles

    @Test
    void roleFilterListsHoldersThroughComposites() {
        Tenant tenant = tenant();
        Fixtures.createUser(server, platform(), tenant.id(), "mod", PASSWORD, true, "moderator");
        Fixtures.createUser(server, platform(), tenant.id(), "plain", PASSWORD, true, "user");
        Fixtures.createUser(server, platform(), tenant.id(), "visitor", PASSWORD, true, "guest");

        assertEquals(List.of("boss", "mod", "plain"), usernames(tenant, "user"), "admins and moderators hold user");
        assertEquals(List.of("boss", "mod"), usernames(tenant, "moderator"));
        assertEquals(List.of("boss"), usernames(tenant, "admin"));
        assertEquals(List.of("boss", "mod", "plain", "visitor"), usernames(tenant, "guest"));
        JsonNode page = Http.get(tenant.api() + "/users?role=user&page_size=2", tenant.bossToken())
                .json();
        assertEquals(3, page.path("total").asInt(), page.toString());
        assertEquals(2, page.path("items").size(), "paged by the database");
        assertFalse(page.path("items").path(0).path("username").asText().isEmpty());
    }

    private static List<String> usernames(Tenant tenant, String role) {
        Http.Reply reply = Http.get(tenant.api() + "/users?role=" + role + "&page_size=100", tenant.bossToken());
        assertEquals(200, reply.status(), reply.raw().body());
        List<String> names = new ArrayList<>();
        reply.json()
                .path("items")
                .forEach(user -> names.add(user.path("username").asText()));
        return names;
    }
}
