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
 * Issue 10, item 1: an app's own client, created through Keycloak's admin REST API as the console does, carries the
 * tenant claims ({@code tenant_id}, {@code roles}, {@code permissions}) in its access token, ID token and userinfo,
 * through the realm default client scope {@code tenant}. Old tenants: {@link TenantUpgradesIT}.
 */
class TenantClaimsIT {

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void aClientAddedThroughKeycloaksAdminApiGetsTheTenantClaimsEverywhere() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("claims"), false);
        String app = registerApp(server, platform, tenant, "shop");
        assertTenantClaims(
                server, tenant, app, "boss", Fixtures.ADMIN_PASSWORD, List.of("guest", "user", "moderator", "admin"));
    }

    @Test
    void theApiClientHasTheClaimsFromTheScopeOnly() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("claims"), false);
        String admin = server.baseUrl() + "/admin/realms/" + tenant;
        JsonNode defaults =
                Http.get(admin + "/default-default-client-scopes", platform).json();
        assertTrue(defaults.toString().contains("\"name\":\"tenant\""), "a realm default scope: " + defaults);

        String clientId = Http.get(admin + "/clients?clientId=" + Tokens.API_CLIENT, platform)
                .json()
                .get(0)
                .path("id")
                .asText();
        JsonNode client = Http.get(admin + "/clients/" + clientId, platform).json();
        assertFalse(
                client.path("protocolMappers").toString().contains("user-management-tenant-claims"),
                "no mapper of its own besides the scope's: " + client.path("protocolMappers"));
        assertTrue(
                client.path("defaultClientScopes").toString().contains("\"tenant\""),
                client.path("defaultClientScopes").toString());
        JsonNode claims = SecurityFixtures.claims(Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD));
        assertEquals(tenant, claims.path("tenant_id").asText());
        assertEquals(4, claims.path("roles").size(), claims.toString());
    }

    /** A public app client with password grants (so a test can log in without a browser); its client id. */
    static String registerApp(KeycloakServer server, String platform, String tenant, String clientId) {
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant + "/clients",
                platform,
                Map.of(
                        "clientId",
                        clientId,
                        "publicClient",
                        true,
                        "directAccessGrantsEnabled",
                        true,
                        "standardFlowEnabled",
                        true,
                        "redirectUris",
                        List.of(Browser.REDIRECT_URI)));
        assertEquals(201, created.status(), created.raw().body());
        return clientId;
    }

    /** The app's access token, ID token and userinfo each carry tenant_id, the roles and their permissions. */
    static void assertTenantClaims(
            KeycloakServer server, String tenant, String app, String username, String password, List<String> roles) {
        Http.Reply grant = Tokens.passwordGrant(server, tenant, app, username, password);
        assertEquals(200, grant.status(), grant.raw().body());
        String access = grant.json().path("access_token").asText();
        JsonNode userinfo = Http.get(
                        server.baseUrl() + "/realms/" + tenant + "/protocol/openid-connect/userinfo", access)
                .json();
        for (JsonNode claims : List.of(
                SecurityFixtures.claims(access),
                SecurityFixtures.claims(grant.json().path("id_token").asText()),
                userinfo)) {
            assertEquals(tenant, claims.path("tenant_id").asText(), claims.toString());
            assertEquals(roles, texts(claims.path("roles")), claims.toString());
            assertTrue(claims.path("permissions").toString().contains("profile:read"), claims.toString());
        }
        assertEquals(app, SecurityFixtures.claims(access).path("azp").asText());
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
