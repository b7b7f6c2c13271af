package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tenants and users that tests set up for themselves, through our API and Keycloak's admin API. */
final class Fixtures {

    /** A tenant creation has taken over 30 s (the default) on the shared 2-core build machine. */
    static final Duration TENANT_TIMEOUT = Duration.ofMinutes(3);
    /** The password of every test tenant's first admin, {@code boss}. */
    static final String ADMIN_PASSWORD = "Admin-Pass123";

    private Fixtures() {}

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Tenant {@code id} with admin {@code boss} (boss@{id}.example); with a domain, {id}.example is the tenant's. */
    static String createTenant(KeycloakServer server, String platformToken, String id, boolean withDomain) {
        Http.Reply reply = postTenant(server, platformToken, id, withDomain);
        assertEquals(201, reply.status(), reply.raw().body());
        return id;
    }

    /** {@code POST /tenants} of {@link #createTenant}, its answer as it is (for load and outage tests). */
    static Http.Reply postTenant(KeycloakServer server, String platformToken, String id, boolean withDomain) {
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
                ADMIN_PASSWORD));
        if (withDomain) {
            body.put("domain", id + ".example");
        }
        return Http.post(server.apiUrl("master") + "/tenants", platformToken, body, TENANT_TIMEOUT);
    }

    /** Sets the tenant's lockout settings ({@code lockout} of {@code PUT /tenants/{id}/settings}) as a platform admin. */
    static void lockout(KeycloakServer server, String tenant, Map<String, Object> lockout) {
        Http.Reply reply = Http.put(
                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings",
                Tokens.platformAdmin(server),
                Map.of("lockout", lockout));
        assertEquals(200, reply.status(), reply.raw().body());
    }

    /** {@code POST /auth/login} of a tenant: the tenant's own direct-grant flow, lockout step included. */
    static Http.Reply apiLogin(KeycloakServer server, String tenant, String username, String password) {
        return Http.post(
                server.apiUrl(tenant) + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /** Five wrong passwords through {@code POST /auth/login}: the default settings' lock. */
    static void lockAccount(KeycloakServer server, String tenant, String username) {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, apiLogin(server, tenant, username, "wrong-" + i).status());
        }
    }

    /** The tenant's public browser client {@code web} (redirect URI {@link Browser#REDIRECT_URI}), made as an admin would. */
    static void browserClient(KeycloakServer server, String token, String tenant) {
        Http.Reply client = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant + "/clients",
                token,
                Map.of(
                        "clientId",
                        "web",
                        "publicClient",
                        true,
                        "standardFlowEnabled",
                        true,
                        "redirectUris",
                        List.of(Browser.REDIRECT_URI)));
        assertEquals(201, client.status(), client.raw().body());
    }

    /** A user made through Keycloak's admin API, as an operator would in the admin console; {@code role} may be null. */
    static String createUser(
            KeycloakServer server,
            String platformToken,
            String realm,
            String username,
            String password,
            boolean enabled,
            String role) {
        String admin = server.baseUrl() + "/admin/realms/" + realm;
        Http.Reply created = Http.post(
                admin + "/users",
                platformToken,
                Map.of(
                        "username",
                        username,
                        "enabled",
                        enabled,
                        "email",
                        username + "@" + realm + ".example",
                        "emailVerified",
                        true,
                        "firstName",
                        "Test",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", false))));
        assertEquals(201, created.status(), created.raw().body());
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        holdOnly(server, platformToken, realm, id, role);
        return id;
    }

    /**
     * Makes the user's tenant roles exactly {@code role}, or none: Keycloak's admin API gives a new tenant user the
     * tenant's default role ({@code user}), as the console does, so a test's guest must lose it.
     */
    static void holdOnly(KeycloakServer server, String platformToken, String realm, String userId, String role) {
        String mappings = server.baseUrl() + "/admin/realms/" + realm + "/users/" + userId + "/role-mappings/realm";
        List<JsonNode> others = new ArrayList<>();
        Http.get(mappings, platformToken).json().forEach(held -> {
            if (List.of("guest", "user", "moderator", "admin")
                            .contains(held.path("name").asText())
                    && !held.path("name").asText().equals(role)) {
                others.add(held);
            }
        });
        if (!others.isEmpty()) {
            assertEquals(204, Http.delete(mappings, platformToken, others).status());
        }
        if (role != null) {
            JsonNode roleRep = Http.get(server.baseUrl() + "/admin/realms/" + realm + "/roles/" + role, platformToken)
                    .json();
            assertEquals(
                    204, Http.post(mappings, platformToken, List.of(roleRep)).status());
        }
    }
}
