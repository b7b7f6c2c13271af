package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator deploys: {@code providers/target/*.jar} and {@code themes/target/*.jar} copied into a stock
 * Keycloak (the test server is exactly that, plus the test providers), and the realm config as it reads back.
 */
class DeploymentIT {

    private static KeycloakServer server;

    @BeforeAll
    static void startServer() {
        server = KeycloakServer.get();
    }

    @Test
    void theCopiedJarsAreOneProvidersJarAndOneThemeJarAndKeycloakRunsThem() throws IOException {
        assertEquals(List.of("user-management-providers.jar"), jarNames(System.getProperty("providers.dir")));
        assertEquals(List.of("user-management-themes.jar"), jarNames(System.getProperty("themes.dir")));
        assertEquals(
                List.of(
                        "user-management-providers.jar",
                        "user-management-test-providers.jar",
                        "user-management-themes.jar"),
                jarNames(System.getProperty("keycloak.home") + "/providers"));

        assertEquals(200, Http.get(server.apiUrl("demo") + "/health").status());
        String redirect = server.baseUrl() + "/realms/demo/account/";
        Http.Reply loginPage =
                Http.get(server.baseUrl() + "/realms/demo/protocol/openid-connect/auth?client_id=account-console"
                        + "&response_type=code&scope=openid&code_challenge_method=S256&code_challenge=" + "a".repeat(43)
                        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
        assertEquals(200, loginPage.status(), loginPage.raw().body());
        assertTrue(
                loginPage.raw().body().contains("login/user-management/css/user-management.css"),
                "the theme jar's login page: " + loginPage.raw().body());
    }

    @Test
    void passwordPoliciesReadBackWithoutUndefinedArguments() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.unique("policy");
        // a realm from the template; generous: on the loaded build machine a realm creation has taken over 30 s
        Http.Reply created = Http.post(
                server.apiUrl("master") + "/tenants",
                token,
                Map.of(
                        "id",
                        tenant,
                        "name",
                        tenant,
                        "admin_email",
                        "boss@" + tenant + ".example",
                        "admin_username",
                        "boss",
                        "admin_password",
                        Fixtures.ADMIN_PASSWORD),
                Duration.ofMinutes(3));
        assertEquals(201, created.status(), created.raw().body());
        for (String realm : List.of("demo", tenant)) {
            String policy = Http.get(server.baseUrl() + "/admin/realms/" + realm, token)
                    .json()
                    .path("passwordPolicy")
                    .asText();
            assertTrue(policy.contains("notUsername") && policy.contains("notEmail"), realm + ": " + policy);
            assertFalse(policy.contains("undefined"), realm + ": " + policy);
        }
    }

    @Test
    void theTenantScopeCarriesTheTenantClaimsMapperNamedAsDocumented() {
        String token = Tokens.platformAdmin(server);
        JsonNode scopes = Http.get(server.baseUrl() + "/admin/realms/demo/client-scopes", token)
                .json();
        List<String> mappers = new ArrayList<>();
        scopes.forEach(scope -> {
            if (scope.path("name").asText().equals("tenant")) {
                scope.path("protocolMappers")
                        .forEach(mapper -> mappers.add(mapper.path("name").asText()));
            }
        });
        assertTrue(mappers.contains("tenant claims"), mappers.toString());
        JsonNode apiClient = Http.get(
                        server.baseUrl() + "/admin/realms/demo/clients?clientId=user-management-api", token)
                .json()
                .path(0);
        assertTrue(apiClient.path("defaultClientScopes").toString().contains("\"tenant\""), apiClient.toString());
    }

    private static List<String> jarNames(String directory) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(directory))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar"))
                    .sorted()
                    .toList();
        }
    }
}
