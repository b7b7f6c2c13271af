package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform realm is never a tenant: nothing in the API creates, changes or grants roles to its users, whoever
 * calls (issue 15, defect 1: a {@code tenants:manage} admin made itself a Keycloak super-admin through
 * {@code /realms/master/api/v1/users/import}). Platform actions are audited in the platform realm's own log.
 */
class PlatformRealmIT {

    private static final String PASSWORD = "Tenants-Manage123";

    private static KeycloakServer server;
    private static String master;
    private static String adminConsoleApi;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        master = server.apiUrl("master");
        adminConsoleApi = server.baseUrl() + "/admin/realms/master";
    }

    record Manager(String id, String token) {}

    /** A master user holding only {@code tenants:manage}: a platform admin who is not Keycloak's super-admin. */
    static Manager tenantsManager(String username) {
        String full = Tokens.platformAdmin(server);
        if (Http.get(adminConsoleApi + "/roles/tenants:manage", full).status() == 404) {
            assertEquals(
                    201,
                    Http.post(adminConsoleApi + "/roles", full, Map.of("name", "tenants:manage"))
                            .status());
        }
        String id = Fixtures.createUser(server, full, "master", username, PASSWORD, true, "tenants:manage");
        return new Manager(id, Tokens.password(server, "master", "admin-cli", username, PASSWORD));
    }

    @Test
    void noEndpointActsOnPlatformRealmUsers() {
        String manager = tenantsManager(Fixtures.unique("tm")).token();
        String full = Tokens.platformAdmin(server);
        String adminId = Http.get(adminConsoleApi + "/users?exact=true&username=admin", full)
                .json()
                .get(0)
                .path("id")
                .asText();
        int before = Http.get(adminConsoleApi + "/users/count", full).json().asInt();

        for (String token : List.of(manager, full)) {
            String planted = Fixtures.unique("planted");
            List<Http.Reply> replies = new ArrayList<>(List.of(
                    Http.post(
                            master + "/users/import",
                            token,
                            Map.of(
                                    "users",
                                    List.of(Map.of(
                                            "email",
                                            planted + "@x.example",
                                            "username",
                                            planted,
                                            "role",
                                            "admin",
                                            "password_hash",
                                            "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")))),
                    Http.post(
                            master + "/users",
                            token,
                            Map.of(
                                    "email",
                                    planted + "@y.example",
                                    "username",
                                    planted + "y",
                                    "password",
                                    "Planted-Pass123",
                                    "role",
                                    "admin")),
                    Http.get(master + "/users", token),
                    Http.get(master + "/users/" + adminId, token),
                    Http.put(master + "/users/" + adminId, token, Map.of("is_active", false)),
                    Http.put(master + "/users/" + adminId + "/roles", token, Map.of("roles", List.of("guest"))),
                    Http.post(
                            master + "/users/" + adminId + "/reset-password",
                            token,
                            Map.of("temporary_password", "Temp-Pass123")),
                    Http.post(master + "/users/" + adminId + "/unlock", token, Map.of()),
                    Http.get(master + "/users/" + adminId + "/sessions", token),
                    Http.delete(master + "/users/" + adminId + "/sessions", token),
                    Http.delete(master + "/users/" + adminId, token),
                    Http.get(master + "/users/me", token),
                    Http.put(master + "/users/me", token, Map.of("first_name", "Changed")),
                    Http.get(master + "/users/me/sessions", token),
                    Http.post(
                            master + "/users/me/change-password",
                            token,
                            Map.of("current_password", PASSWORD, "new_password", "Other-Pass123")),
                    Http.get(master + "/tenants/master/settings", token),
                    Http.put(master + "/tenants/master/settings", token, Map.of("registration_allowed", true)),
                    Http.post(master + "/audit/purge?before=" + System.currentTimeMillis(), token, Map.of())));
            for (Http.Reply reply : replies) {
                assertEquals(
                        404,
                        reply.status(),
                        reply.raw().request().method() + " " + reply.raw().uri() + ": "
                                + reply.raw().body());
                assertTrue(reply.header("Content-Type").startsWith("application/problem+json"));
            }
        }
        full = Tokens.platformAdmin(server);
        assertEquals(
                before, Http.get(adminConsoleApi + "/users/count", full).json().asInt(), "no master user was made");
        JsonNode admin = Http.get(adminConsoleApi + "/users/" + adminId, full).json();
        assertTrue(admin.path("enabled").asBoolean());
        assertEquals(0, admin.path("requiredActions").size(), "no reset of the bootstrap admin");
        assertEquals(
                200, Http.get(server.baseUrl() + "/admin/realms", full).status(), "the bootstrap admin still works");
        assertEquals(
                403,
                Http.get(server.baseUrl() + "/admin/realms/master/users", manager)
                        .status(),
                "a tenants:manage admin is no Keycloak admin");
    }

    @Test
    void platformActionsAreInThePlatformRealmsLogAndOutliveAPurgedTenant() {
        Manager managerAccount = tenantsManager(Fixtures.unique("tm"));
        String manager = managerAccount.token();
        String tenant = Fixtures.createTenant(server, manager, Fixtures.unique("plat"), false);
        String tenantApi = server.apiUrl(tenant);
        assertEquals(
                200,
                Http.put(master + "/tenants/" + tenant, manager, Map.of("description", "changed"))
                        .status());
        assertEquals(
                200,
                Http.post(tenantApi + "/audit/purge?before=1", manager, Map.of())
                        .status());
        assertEquals(204, Http.delete(master + "/tenants/" + tenant, manager).status());
        assertEquals(
                204,
                Http.delete(master + "/tenants/" + tenant + "?purge=true", manager)
                        .status());

        JsonNode rows = Http.get(master + "/audit?limit=100&user=" + managerAccount.id(), manager)
                .json()
                .path("items");
        List<String> actions = new ArrayList<>();
        rows.forEach(row -> {
            if (row.path("target").asText().contains(tenant)) {
                actions.add(row.path("type").asText());
            }
        });
        assertEquals(
                List.of(
                        "ADMIN_TENANT_CREATE",
                        "ADMIN_TENANT_UPDATE",
                        "ADMIN_AUDIT_LOG_DELETE",
                        "ADMIN_TENANT_UPDATE",
                        "ADMIN_TENANT_DELETE"),
                actions,
                rows.toString());
        assertTrue(
                Http.get(master + "/audit/verify", manager).json().path("valid").asBoolean());

        String tenantAdmin = Fixtures.createTenant(server, manager, Fixtures.unique("plat"), false);
        String bossToken = Tokens.password(server, tenantAdmin, "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(403, Http.get(master + "/audit", bossToken).status(), "a tenant admin on the platform log");
    }
}
