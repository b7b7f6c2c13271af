package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Set-up for the adversarial suite: platform users of one master role, tenant users, and reading tokens. */
final class SecurityFixtures {

    /** The password of every account the suite makes (tenant and platform users). */
    static final String PASSWORD = "Matrix-Pass123";
    /** A well-formed bcrypt hash (cost 4) for import bodies; no one logs in with it. */
    static final String BCRYPT_HASH = "$2b$04$abcdefghijklmnopqrstuu0123456789ABCDEFGHIJKLMNOPQRSTU";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecurityFixtures() {}

    /** The master realm's role {@code name}, made if missing (Keycloak has {@code admin}; {@code tenants:manage} is ours). */
    static JsonNode masterRole(KeycloakServer server, Supplier<String> platform, String name) {
        String roles = server.baseUrl() + "/admin/realms/master/roles";
        Http.Reply found = Http.get(roles + "/" + name.replace(":", "%3A"), platform.get());
        if (found.status() == 404) {
            Http.Reply created =
                    Http.post(roles, platform.get(), Map.of("name", name, "description", "platform: manage tenants"));
            if (created.status() != 201 && created.status() != 409) {
                throw new AssertionError("master role " + name + " not made: " + created.status() + " "
                        + created.raw().body());
            }
            found = Http.get(roles + "/" + name.replace(":", "%3A"), platform.get());
        }
        assertEquals(200, found.status(), found.raw().body());
        return found.json();
    }

    /** A user of {@code realm} (made through Keycloak's admin API) holding exactly {@code role} (or none); its id. */
    static String user(KeycloakServer server, Supplier<String> platform, String realm, String username, JsonNode role) {
        String admin = server.baseUrl() + "/admin/realms/" + realm;
        Http.Reply created = Http.post(
                admin + "/users",
                platform.get(),
                Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        username + "@" + realm + ".example",
                        "emailVerified",
                        true,
                        "firstName",
                        "Matrix",
                        "lastName",
                        "User",
                        "credentials",
                        List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        assertEquals(
                201,
                created.status(),
                "user " + username + " in " + realm + ": " + created.raw().body());
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        if (realm.equals("master")) {
            if (role != null) {
                Http.Reply granted =
                        Http.post(admin + "/users/" + id + "/role-mappings/realm", platform.get(), List.of(role));
                assertEquals(204, granted.status(), granted.raw().body());
            }
        } else {
            Fixtures.holdOnly(
                    server,
                    platform.get(),
                    realm,
                    id,
                    role == null ? null : role.path("name").asText());
        }
        return id;
    }

    static JsonNode tenantRole(KeycloakServer server, Supplier<String> platform, String realm, String name) {
        Http.Reply role = Http.get(server.baseUrl() + "/admin/realms/" + realm + "/roles/" + name, platform.get());
        assertEquals(200, role.status(), role.raw().body());
        return role.json();
    }

    /** A platform user's access token (the admin console's client, as an operator would log in). */
    static String platformLogin(KeycloakServer server, String username) {
        return Tokens.password(server, "master", "admin-cli", username, PASSWORD);
    }

    /** Raises a tenant's rate limits so the suite's many logins from one IP are not refused as a flood. */
    static void raiseLimits(KeycloakServer server, String platformToken, String tenant) {
        Http.Reply reply = Http.put(
                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings",
                platformToken,
                Map.of(
                        "lockout",
                        Map.of(
                                "requests_per_ip_per_minute",
                                1_000_000,
                                "requests_per_username_per_minute",
                                1_000_000,
                                "failures_per_ip_per_minute",
                                1_000_000)));
        assertEquals(200, reply.status(), reply.raw().body());
    }

    /** The (unverified) claims of a JWT. */
    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(
                    new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isProblem(Http.Reply reply) {
        return reply.header("Content-Type") != null
                && reply.header("Content-Type").startsWith("application/problem+json");
    }
}
