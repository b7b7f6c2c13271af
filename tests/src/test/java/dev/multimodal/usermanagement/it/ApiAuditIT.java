package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every action of our API is an admin event: exactly one audit row in the tenant's log with the acting user and
 * client, the target and a representation without secrets; a refused or failed action leaves no row.
 */
class ApiAuditIT {

    private static final String NEW_USER_PASSWORD = "First-Pass123";
    private static final String RESET_PASSWORD = "Reset-Pass456";
    /** A well-formed bcrypt hash, as the old service exports them. */
    private static final String OLD_HASH = "$2y$06$abcdefghijklmnopqrstuuWEYV0gkDBmPL8uKPORJSdi0QpMrHFcu";

    private static KeycloakServer server;
    private static String platform;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platform = Tokens.platformAdmin(server);
    }

    @Test
    void everyApiActionIsOneRowWithItsActorAndNoSecret() {
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("apiaudit"), false);
        String api = server.apiUrl(tenant);
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);

        Http.Reply created = Http.post(
                api + "/users",
                boss,
                Map.of(
                        "email",
                        "carol@" + tenant + ".example",
                        "username",
                        "carol",
                        "password",
                        NEW_USER_PASSWORD,
                        "role",
                        "user"));
        assertEquals(201, created.status(), created.raw().body());
        String carol = created.json().path("id").asText();
        assertEquals(
                200,
                Http.put(api + "/users/" + carol, boss, Map.of("first_name", "Carol"))
                        .status());
        assertEquals(
                200,
                Http.put(api + "/users/" + carol + "/roles", boss, Map.of("roles", List.of("moderator")))
                        .status());
        assertEquals(
                204,
                Http.post(
                                api + "/users/" + carol + "/reset-password",
                                boss,
                                Map.of("temporary_password", RESET_PASSWORD))
                        .status());
        assertEquals(
                204,
                Http.post(api + "/users/" + carol + "/unlock", boss, Map.of()).status());
        assertEquals(
                204, Http.delete(api + "/users/" + carol + "/sessions", boss).status());
        Http.Reply imported = Http.post(
                api + "/users/import",
                boss,
                Map.of(
                        "users",
                        List.of(Map.of(
                                "email",
                                "dave@" + tenant + ".example",
                                "username",
                                "dave",
                                "password_hash",
                                OLD_HASH))));
        assertEquals(200, imported.status(), imported.raw().body());
        assertEquals(
                200,
                Http.put(
                                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings",
                                boss,
                                Map.of("registration_allowed", true))
                        .status());
        assertEquals(
                200,
                Http.put(server.apiUrl("master") + "/tenants/" + tenant, platform, Map.of("description", "audited"))
                        .status());
        assertEquals(204, Http.delete(api + "/users/" + carol, boss).status());

        List<JsonNode> rows = rows(api, platform);
        Map<String, String> expected = Map.of(
                "ADMIN_TENANT_CREATE", "tenants/" + tenant,
                "ADMIN_USER_CREATE", "users/" + carol,
                "ADMIN_USER_UPDATE", "users/" + carol,
                "ADMIN_REALM_ROLE_MAPPING_UPDATE", "users/" + carol + "/roles",
                "ADMIN_USER_ACTION", "users/" + carol + "/reset-password",
                "ADMIN_USER_LOGIN_FAILURE_DELETE", "users/" + carol + "/unlock",
                "ADMIN_USER_SESSION_DELETE", "users/" + carol + "/sessions",
                "ADMIN_USER_IMPORT_CREATE", "users/import",
                "ADMIN_TENANT_SETTINGS_UPDATE", "tenants/" + tenant + "/settings",
                "ADMIN_TENANT_UPDATE", "tenants/" + tenant);
        expected.forEach((type, target) -> {
            List<JsonNode> ofType = rows.stream()
                    .filter(row -> row.path("type").asText().equals(type))
                    .toList();
            assertEquals(1, ofType.size(), type + " in " + rows);
            assertEquals(target, ofType.get(0).path("target").asText(), type);
            assertEquals("success", ofType.get(0).path("outcome").asText(), type);
            assertFalse(ofType.get(0).path("user_id").asText().isEmpty(), type + ": the acting user");
        });
        JsonNode deleted = rows.stream()
                .filter(row -> row.path("type").asText().equals("ADMIN_USER_DELETE"))
                .findFirst()
                .orElseThrow();
        assertEquals("users/" + carol, deleted.path("target").asText());

        JsonNode userCreate = rows.stream()
                .filter(row -> row.path("type").asText().equals("ADMIN_USER_CREATE"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "carol",
                userCreate
                        .path("details")
                        .path("representation")
                        .path("username")
                        .asText());
        assertEquals(Tokens.API_CLIENT, userCreate.path("client_id").asText());
        JsonNode importRow = rows.stream()
                .filter(row -> row.path("type").asText().equals("ADMIN_USER_IMPORT_CREATE"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "1", importRow.path("details").path("details").path("imported").asText(), importRow.toString());
        JsonNode tenantCreate = rows.stream()
                .filter(row -> row.path("type").asText().equals("ADMIN_TENANT_CREATE"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                tenant,
                tenantCreate.path("details").path("representation").path("id").asText(),
                tenantCreate.toString());

        String everything =
                Http.get(api + "/audit/export?format=ndjson", platform).raw().body();
        for (String secret : List.of(NEW_USER_PASSWORD, RESET_PASSWORD, OLD_HASH, Fixtures.ADMIN_PASSWORD)) {
            assertFalse(everything.contains(secret), "a secret in the audit log");
            assertFalse(server.log().contains(secret), "a secret in the server log");
        }
        JsonNode verified = Http.get(api + "/audit/verify", platform).json();
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
    }

    @Test
    void refusedAndFailedActionsLeaveNoRow() {
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("apiaudit"), false);
        String api = server.apiUrl(tenant);
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        int before = rows(api, platform).size();

        // a weak password fails inside the action, after the user row was begun: rolled back with its event
        assertEquals(
                400,
                Http.post(
                                api + "/users",
                                boss,
                                Map.of(
                                        "email",
                                        "erin@" + tenant + ".example",
                                        "username",
                                        "erin",
                                        "password",
                                        "short",
                                        "role",
                                        "user"))
                        .status());
        // taken e-mail: a conflict found while updating
        Http.Reply frank = Http.post(
                api + "/users",
                boss,
                Map.of(
                        "email",
                        "frank@" + tenant + ".example",
                        "username",
                        "frank",
                        "password",
                        NEW_USER_PASSWORD,
                        "role",
                        "user"));
        assertEquals(201, frank.status(), frank.raw().body());
        String frankId = frank.json().path("id").asText();
        assertEquals(
                409,
                Http.put(api + "/users/" + frankId, boss, Map.of("email", "boss@" + tenant + ".example"))
                        .status());
        // not allowed at all
        assertEquals(
                401,
                Http.post(api + "/users/" + frankId + "/unlock", null, Map.of()).status());

        List<JsonNode> rows = rows(api, platform);
        assertEquals(before + 1, rows.size(), "only frank's creation: " + rows);
        assertEquals("ADMIN_USER_CREATE", rows.get(rows.size() - 1).path("type").asText());
        assertEquals(
                0, rows.stream().filter(row -> row.toString().contains("erin")).count());
    }

    @Test
    void selfServiceActionsAreUserEventsRecordedOnceWithTheirSession() {
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("apiaudit"), false);
        String api = server.apiUrl(tenant);
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(
                200,
                Http.put(
                                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings",
                                boss,
                                Map.of("registration_allowed", true))
                        .status());

        Http.Reply registered = Http.post(
                api + "/auth/register",
                null,
                Map.of("email", "gina@" + tenant + ".example", "username", "gina", "password", NEW_USER_PASSWORD));
        assertEquals(201, registered.status(), registered.raw().body());
        String gina = registered.json().path("id").asText();
        assertEquals(
                401,
                Http.post(api + "/auth/login", null, Map.of("username", "gina", "password", "Wrong-Pass999"))
                        .status());
        Http.Reply login =
                Http.post(api + "/auth/login", null, Map.of("username", "gina", "password", NEW_USER_PASSWORD));
        assertEquals(200, login.status(), login.raw().body());
        Http.Reply refreshed = Http.post(
                api + "/auth/refresh",
                null,
                Map.of("refresh_token", login.json().path("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.raw().body());
        String token = refreshed.json().path("access_token").asText();
        assertEquals(
                200,
                Http.put(api + "/users/me", token, Map.of("first_name", "Gina")).status());
        assertEquals(
                204,
                Http.post(
                                api + "/users/me/change-password",
                                token,
                                Map.of("current_password", NEW_USER_PASSWORD, "new_password", RESET_PASSWORD))
                        .status());
        assertEquals(204, Http.post(api + "/auth/logout", token, Map.of()).status());

        List<JsonNode> mine = rows(api, platform).stream()
                .filter(row -> gina.equals(row.path("user_id").asText()))
                .toList();
        List<String> types = mine.stream().map(row -> row.path("type").asText()).toList();
        // the refresh is not among the types Keycloak saves by default (see AuditEventTypesIT)
        assertEquals(
                List.of("REGISTER", "LOGIN_ERROR", "LOGIN", "UPDATE_PROFILE", "UPDATE_PASSWORD", "LOGOUT"),
                types,
                mine.toString());
        String session = mine.get(2).path("session_id").asText();
        assertFalse(session.isEmpty(), "the login's session");
        assertEquals(session, mine.get(5).path("session_id").asText(), "logout of the login's session");
        assertEquals("error", mine.get(1).path("outcome").asText());
        assertEquals("invalid_user_credentials", mine.get(1).path("error").asText());
        for (JsonNode row : mine) {
            assertEquals(Tokens.API_CLIENT, row.path("client_id").asText(), row.toString());
            assertFalse(row.path("ip").asText().isEmpty(), row.toString());
        }
        String everything =
                Http.get(api + "/audit/export?format=csv", platform).raw().body();
        for (String secret : List.of(NEW_USER_PASSWORD, RESET_PASSWORD, "Wrong-Pass999", token)) {
            assertFalse(everything.contains(secret), "a secret in the audit log");
        }
    }

    private static List<JsonNode> rows(String api, String token) {
        List<JsonNode> all = new ArrayList<>();
        String after = "0";
        while (after != null) {
            Http.Reply page = Http.get(api + "/audit?limit=100&after=" + after, token);
            assertEquals(200, page.status(), page.raw().body());
            page.json().path("items").forEach(all::add);
            JsonNode next = page.json().path("next_after");
            after = next.isNull() || next.isMissingNode() ? null : next.asText();
        }
        return all;
    }
}
