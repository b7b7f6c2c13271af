package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 3: platform admins log in through the API on the platform realm's URL, with the lockout step on
 * that login; their tokens work on {@code /tenants}, and the platform realm stays no tenant.
 */
class PlatformLoginIT {

    private static final String PASSWORD = "Platform-Pass123";
    private static KeycloakServer server;
    private static String platformApi;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformApi = server.apiUrl("master");
    }

    @Test
    void theBootstrapAdminLogsInThroughTheApiAndManagesTenants() {
        Http.Reply login =
                Http.post(platformApi + "/auth/login", null, Map.of("username", "admin", "password", "admin"));
        assertEquals(200, login.status(), login.raw().body());
        String token = login.json().path("access_token").asText();
        assertEquals(
                "user-management-api",
                SecurityFixtures.claims(token).path("azp").asText());

        assertEquals(200, Http.get(platformApi + "/tenants", token).status());
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("plogin"), false);
        assertEquals(200, Http.get(platformApi + "/tenants/" + tenant, token).status());
        assertEquals(404, Http.get(platformApi + "/users/me", token).status(), "the platform realm is no tenant");
        assertEquals(404, Http.get(platformApi + "/users", token).status(), "the platform realm is no tenant");

        Http.Reply refreshed = Http.post(
                platformApi + "/auth/refresh",
                null,
                Map.of("refresh_token", login.json().path("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.raw().body());
        assertEquals(
                200,
                Http.get(
                                platformApi + "/tenants",
                                refreshed.json().path("access_token").asText())
                        .status());
        assertEquals(
                204, Http.post(platformApi + "/auth/logout", token, Map.of()).status());
    }

    @Test
    void theLockoutStepGuardsThePlatformLogin() {
        String username = Fixtures.unique("pl");
        Fixtures.createUser(server, Tokens.platformAdmin(server), "master", username, PASSWORD, true, null);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(username, "Wrong-Pass" + i).status());
        }
        Http.Reply locked = login(username, PASSWORD);
        assertEquals(
                401, locked.status(), "locked after 5 failures: " + locked.raw().body());

        // the step is the client's own flow binding: Keycloak's admin-cli keeps the realm's flow
        String admin = server.baseUrl() + "/admin/realms/master";
        String platform = Tokens.platformAdmin(server);
        JsonNode client = Http.get(admin + "/clients?clientId=user-management-api", platform)
                .json()
                .get(0);
        String flowId = client.path("authenticationFlowBindingOverrides")
                .path("direct_grant")
                .asText();
        JsonNode flow =
                Http.get(admin + "/authentication/flows/" + flowId, platform).json();
        assertEquals("user-management direct grant", flow.path("alias").asText());
        JsonNode steps = Http.get(admin + "/authentication/flows/user-management%20direct%20grant/executions", platform)
                .json();
        assertTrue(steps.toString().contains("\"providerId\":\"lockout-rate-limit\""), steps.toString());
        assertEquals(
                "direct grant",
                Http.get(admin, platform).json().path("directGrantFlow").asText());
    }

    @Test
    void aTenantsDomainStillLeadsToTheTenant() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("pdom"), true);
        Http.Reply login = Http.post(
                platformApi + "/auth/login",
                null,
                Map.of("email", "boss@" + tenant + ".example", "password", Fixtures.ADMIN_PASSWORD));
        assertEquals(200, login.status(), login.raw().body());
        assertEquals(
                tenant,
                SecurityFixtures.claims(login.json().path("access_token").asText())
                        .path("tenant_id")
                        .asText());
    }

    private static Http.Reply login(String username, String password) {
        return Http.post(platformApi + "/auth/login", null, Map.of("username", username, "password", password));
    }
}
