package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offline tokens (a password grant with {@code scope=offline_access} through {@code user-management-api}): off unless
 * the tenant turns them on; when on, every "end sessions" action ends them too and the session lists show them.
 */
class OfflineSessionsIT {

    private static final String PASSWORD = "Start-Pass123";
    private static final String NEW_PASSWORD = "Other-Pass456";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeycloakServer server;
    private static String tenant;
    private static String boss;

    @BeforeAll
    static void tenantWithOfflineTokens() {
        server = KeycloakServer.get();
        tenant = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("offline"), false);
        Http.Reply on = Http.put(
                server.apiUrl("master") + "/tenants/" + tenant + "/settings",
                Tokens.platformAdmin(server),
                Map.of("offline_access", true));
        assertEquals(200, on.status(), on.raw().body());
        assertTrue(on.json().path("offline_access").asBoolean(), on.raw().body());
        boss = Http.post(
                        server.apiUrl(tenant) + "/auth/login",
                        null,
                        Map.of("username", "boss", "password", Fixtures.ADMIN_PASSWORD))
                .json()
                .path("access_token")
                .asText();
    }

    @Test
    void offTheTemplateClientGivesNoOfflineToken() {
        String other = Fixtures.createTenant(server, Tokens.platformAdmin(server), Fixtures.unique("nooffline"), false);
        Http.Reply settings =
                Http.get(server.apiUrl("master") + "/tenants/" + other + "/settings", Tokens.platformAdmin(server));
        assertEquals(200, settings.status(), settings.raw().body());
        assertFalse(
                settings.json().path("offline_access").asBoolean(true),
                "off by default: " + settings.raw().body());
        Fixtures.createUser(server, Tokens.platformAdmin(server), other, "nora", PASSWORD, true, "user");
        Http.Reply grant = offlineGrant(other, "nora", PASSWORD);
        assertFalse(
                grant.status() == 200
                        && "Offline"
                                .equals(claims(grant.json()
                                                .path("refresh_token")
                                                .asText())
                                        .path("typ")
                                        .asText()),
                "no offline token: " + grant.raw().body());
    }

    @Test
    void theOwnPasswordChangeEndsOfflineSessions() {
        offlineTokenEndsWith("amy", (user) -> {
            Http.Reply changed = Http.post(
                    server.apiUrl(tenant) + "/users/me/change-password",
                    user.accessToken(),
                    Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD));
            assertEquals(204, changed.status(), changed.raw().body());
        });
    }

    @Test
    void theAnonymousPasswordChangeEndsOfflineSessions() {
        offlineTokenEndsWith("bob", (user) -> {
            // this endpoint is for a password that must be changed: an admin marks it so (the console's "Update
            // Password")
            Http.Reply marked = Http.put(
                    server.baseUrl() + "/admin/realms/" + tenant + "/users/" + user.id(),
                    Tokens.platformAdmin(server),
                    Map.of("requiredActions", java.util.List.of("UPDATE_PASSWORD")));
            assertEquals(204, marked.status(), marked.raw().body());
            Http.Reply changed = Http.post(
                    server.apiUrl(tenant) + "/auth/change-password",
                    null,
                    Map.of("username", "bob", "current_password", PASSWORD, "new_password", NEW_PASSWORD));
            assertEquals(204, changed.status(), changed.raw().body());
        });
    }

    @Test
    void anAdminResetPasswordEndsOfflineSessions() {
        offlineTokenEndsWith("cleo", (user) -> {
            Http.Reply reset = Http.post(
                    server.apiUrl(tenant) + "/users/" + user.id() + "/reset-password",
                    boss,
                    Map.of("temporary_password", NEW_PASSWORD));
            assertEquals(204, reset.status(), reset.raw().body());
        });
    }

    @Test
    void endingAllSessionsEndsOfflineSessionsAndTheAdminListShowsThem() {
        offlineTokenEndsWith("dora", (user) -> {
            Http.Reply list = Http.get(server.apiUrl(tenant) + "/users/" + user.id() + "/sessions", boss);
            assertEquals(200, list.status(), list.raw().body());
            assertTrue(
                    hasOffline(list.json()),
                    "the admin's list shows the offline session: " + list.raw().body());
            assertEquals(
                    204,
                    Http.delete(server.apiUrl(tenant) + "/users/" + user.id() + "/sessions", boss)
                            .status());
            assertFalse(hasOffline(Http.get(server.apiUrl(tenant) + "/users/" + user.id() + "/sessions", boss)
                    .json()));
        });
    }

    @Test
    void disablingAndEnablingAgainEndsOfflineSessions() {
        offlineTokenEndsWith("emil", (user) -> {
            assertEquals(
                    200,
                    Http.put(server.apiUrl(tenant) + "/users/" + user.id(), boss, Map.of("is_active", false))
                            .status());
            assertEquals(
                    200,
                    Http.put(server.apiUrl(tenant) + "/users/" + user.id(), boss, Map.of("is_active", true))
                            .status());
        });
    }

    @Test
    void endingOneOwnSessionEndsItsOfflineSessionAndTheOwnListShowsIt() {
        offlineTokenEndsWith("fay", (user) -> {
            // another login of fay's reads the list and ends the offline one
            String other = Tokens.password(server, tenant, "fay", PASSWORD);
            Http.Reply list = Http.get(server.apiUrl(tenant) + "/users/me/sessions", other);
            assertEquals(200, list.status(), list.raw().body());
            assertTrue(
                    hasOffline(list.json()),
                    "the own list shows the offline session: " + list.raw().body());
            String offlineId = null;
            for (JsonNode session : list.json()) {
                if (session.path("offline").asBoolean()) {
                    offlineId = session.path("id").asText();
                }
            }
            assertEquals(
                    204,
                    Http.delete(server.apiUrl(tenant) + "/users/me/sessions/" + offlineId, other)
                            .status());
        });
    }

    // ---------------------------------------------------------------- helpers

    private record User(String id, String accessToken, String offlineToken) {}

    /** A user with an offline token that refreshes; after {@code action} it must not refresh any more. */
    private static void offlineTokenEndsWith(String username, Consumer<User> action) {
        String id = Fixtures.createUser(server, Tokens.platformAdmin(server), tenant, username, PASSWORD, true, "user");
        Http.Reply grant = offlineGrant(tenant, username, PASSWORD);
        assertEquals(200, grant.status(), grant.raw().body());
        String offline = grant.json().path("refresh_token").asText();
        assertEquals("Offline", claims(offline).path("typ").asText(), "an offline token");
        assertEquals(200, refresh(offline).status(), "it refreshes before the action");
        action.accept(new User(id, grant.json().path("access_token").asText(), offline));
        Http.Reply after = refresh(offline);
        assertNotEquals(
                200,
                after.status(),
                "the offline token refreshes after the action: " + after.raw().body());
    }

    private static Http.Reply offlineGrant(String realm, String username, String password) {
        return Http.postForm(
                server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        Tokens.API_CLIENT,
                        "username",
                        username,
                        "password",
                        password,
                        "scope",
                        "openid offline_access"));
    }

    private static Http.Reply refresh(String refreshToken) {
        return Http.postForm(
                server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/token",
                Map.of("grant_type", "refresh_token", "client_id", Tokens.API_CLIENT, "refresh_token", refreshToken));
    }

    private static boolean hasOffline(JsonNode sessions) {
        for (JsonNode session : sessions) {
            if (session.path("offline").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode claims(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        }
    }
}
