package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 2: every tenant user gets the tenant's default role however they come to be (Keycloak's admin REST
 * API as the console uses it, the login page's sign-up, an identity provider's first login, partial import, realm
 * import), so {@code GET /users/me}
 * works; {@code default_role} picks {@code guest} or {@code user}; {@code PUT /users/{id}/roles} still sets exactly
 * the roles named, also when an operator puts a tenant role into Keycloak's {@code default-roles-<tenant>}.
 */
class DefaultRoleIT {

    private static final String PASSWORD = "Default-Role123";
    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void everyWayAUserComesGetsTheDefaultRole() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("dr"), false);
        String admin = server.baseUrl() + "/admin/realms/" + tenant;

        assertEquals(201, Http.post(admin + "/users", platform, user("console")).status());
        assertRole(tenant, "console", List.of("guest", "user"));

        TenantClaimsIT.registerApp(server, platform, tenant, "web");
        HttpResponse<String> signedUp = new Browser(server).register(tenant, "signee", PASSWORD);
        assertEquals(302, signedUp.statusCode(), signedUp.body());
        assertTrue(signedUp.headers().firstValue("Location").orElse("").startsWith(Browser.REDIRECT_URI));
        assertRole(tenant, "signee", List.of("guest", "user"));

        Http.Reply imported = Http.post(
                admin + "/partialImport",
                platform,
                Map.of("ifResourceExists", "FAIL", "users", List.of(user("imported"))));
        assertEquals(200, imported.status(), imported.raw().body());
        assertRole(tenant, "imported", List.of("guest", "user"));
    }

    /** Tenant {@code home} logs users in through tenant {@code upstream}, an OpenID Connect provider on the same server. */
    @Test
    void aUserFromAnIdentityProviderGetsTheDefaultRole() {
        String platform = Tokens.platformAdmin(server);
        String home = Fixtures.createTenant(server, platform, Fixtures.unique("drh"), false);
        String upstream = Fixtures.createTenant(server, platform, Fixtures.unique("dru"), false);
        String secret = "broker-secret-" + Fixtures.unique("s");
        assertEquals(
                201,
                Http.post(
                                server.baseUrl() + "/admin/realms/" + upstream + "/clients",
                                platform,
                                Map.of(
                                        "clientId",
                                        "home-link",
                                        "publicClient",
                                        false,
                                        "secret",
                                        secret,
                                        "standardFlowEnabled",
                                        true,
                                        "redirectUris",
                                        List.of(server.baseUrl() + "/realms/" + home + "/broker/upstream/endpoint")))
                        .status());
        assertEquals(
                201,
                Http.post(server.baseUrl() + "/admin/realms/" + upstream + "/users", platform, user("travel"))
                        .status());
        String issuer = server.baseUrl() + "/realms/" + upstream + "/protocol/openid-connect";
        Http.Reply idp = Http.post(
                server.baseUrl() + "/admin/realms/" + home + "/identity-provider/instances",
                platform,
                Map.of(
                        "alias",
                        "upstream",
                        "providerId",
                        "oidc",
                        "enabled",
                        true,
                        "trustEmail",
                        true,
                        "config",
                        Map.of(
                                "clientId",
                                "home-link",
                                "clientSecret",
                                secret,
                                "clientAuthMethod",
                                "client_secret_post",
                                "authorizationUrl",
                                issuer + "/auth",
                                "tokenUrl",
                                issuer + "/token",
                                "userInfoUrl",
                                issuer + "/userinfo",
                                "defaultScope",
                                "openid profile email",
                                "syncMode",
                                "IMPORT",
                                "validateSignature",
                                "false")));
        assertEquals(201, idp.status(), idp.raw().body());
        TenantClaimsIT.registerApp(server, platform, home, "web");

        Browser browser = new Browser(server);
        HttpResponse<String> login =
                browser.get(server.baseUrl() + "/realms/" + home + "/protocol/openid-connect/auth?client_id=web"
                        + "&response_type=code&scope=openid&kc_idp_hint=upstream&redirect_uri="
                        + URLEncoder.encode(Browser.REDIRECT_URI, StandardCharsets.UTF_8));
        assertEquals(200, login.statusCode(), login.body());
        HttpResponse<String> back =
                browser.submit(login, "kc-form-login", Map.of("username", "travel", "password", PASSWORD));
        HttpResponse<String> done =
                browser.get(back.headers().firstValue("Location").orElseThrow());
        assertEquals(302, done.statusCode(), done.body());
        assertTrue(
                done.headers().firstValue("Location").orElse("").startsWith(Browser.REDIRECT_URI),
                done.headers().toString());

        JsonNode found = Http.get(
                        server.baseUrl() + "/admin/realms/" + home + "/users?exact=true&username=travel", platform)
                .json();
        assertEquals(1, found.size(), found.toString());
        JsonNode roles = Http.get(
                        server.baseUrl() + "/admin/realms/" + home + "/users/"
                                + found.get(0).path("id").asText() + "/role-mappings/realm",
                        platform)
                .json();
        assertTrue(
                roles.toString().contains("\"name\":\"user\""), "the brokered user holds the default role: " + roles);
    }

    @Test
    void usersOfARealmImportGetTheDefaultRole() throws Exception {
        String tenant = Fixtures.unique("dri");
        ObjectNode realm = (ObjectNode) new ObjectMapper().readTree(new File("../realm-config/tenant-template.json"));
        realm.put("realm", tenant);
        realm.set("users", Http.tree(List.of(user("arrived"))));
        Http.Reply created = Http.post(server.baseUrl() + "/admin/realms", Tokens.platformAdmin(server), realm);
        assertEquals(201, created.status(), created.raw().body());
        assertRole(tenant, "arrived", List.of("guest", "user"));
    }

    @Test
    void theDefaultRoleIsATenantSettingOfGuestOrUser() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("drg"), false);
        String settings = server.apiUrl(tenant) + "/tenants/" + tenant + "/settings";
        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(
                "user", Http.get(settings, boss).json().path("default_role").asText());

        for (Object wrong : List.of("admin", "moderator", "", 5)) {
            Http.Reply refused = Http.put(settings, boss, Map.of("default_role", wrong, "registration_allowed", false));
            assertEquals(400, refused.status(), refused.raw().body());
            assertTrue(SecurityFixtures.isProblem(refused), refused.raw().body());
        }
        JsonNode unchanged = Http.get(settings, boss).json();
        assertEquals("user", unchanged.path("default_role").asText());
        assertTrue(unchanged.path("registration_allowed").asBoolean(), "a refused PUT changes nothing");

        Http.Reply changed = Http.put(settings, boss, Map.of("default_role", "guest"));
        assertEquals(200, changed.status(), changed.raw().body());
        assertEquals("guest", changed.json().path("default_role").asText());
        assertEquals(
                201,
                Http.post(server.baseUrl() + "/admin/realms/" + tenant + "/users", platform, user("visitor"))
                        .status());
        assertRole(tenant, "visitor", List.of("guest"));

        Http.Reply registered = Http.post(
                server.apiUrl(tenant) + "/auth/register",
                null,
                Map.of("username", "newcomer", "email", "newcomer@" + tenant + ".example", "password", PASSWORD));
        assertEquals(201, registered.status(), registered.raw().body());
        assertEquals(List.of("guest"), TenantClaimsIT.texts(registered.json().path("roles")));
    }

    @Test
    void putRolesSetsExactlyTheNamedRolesThoughKeycloaksDefaultRolesHoldOne() {
        String platform = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platform, Fixtures.unique("drx"), false);
        String admin = server.baseUrl() + "/admin/realms/" + tenant;
        // an operator makes 'user' a default role the Keycloak way: Realm settings -> User registration -> Default
        // roles
        JsonNode userRole = Http.get(admin + "/roles/user", platform).json();
        assertEquals(
                204,
                Http.post(admin + "/roles/default-roles-" + tenant + "/composites", platform, List.of(userRole))
                        .status());
        Http.Reply created = Http.post(admin + "/users", platform, user("dee"));
        assertEquals(201, created.status(), created.raw().body());
        String id =
                created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
        assertRole(tenant, "dee", List.of("guest", "user"));

        String boss = Tokens.password(server, tenant, "boss", Fixtures.ADMIN_PASSWORD);
        Http.Reply set =
                Http.put(server.apiUrl(tenant) + "/users/" + id + "/roles", boss, Map.of("roles", List.of("guest")));
        assertEquals(200, set.status(), set.raw().body());
        assertEquals(List.of("guest"), TenantClaimsIT.texts(set.json().path("roles")));
        assertRole(tenant, "dee", List.of("guest"));
        JsonNode effective = Http.get(admin + "/users/" + id + "/role-mappings/realm/composite", platform)
                .json();
        assertTrue(
                effective.toString().contains("\"offline_access\""),
                "Keycloak's other default roles stay: " + effective);
    }

    private static Map<String, Object> user(String username) {
        return Map.of(
                "username",
                username,
                "enabled",
                true,
                "email",
                username + "@users.example",
                "emailVerified",
                true,
                "firstName",
                "New",
                "lastName",
                "User",
                "credentials",
                List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
    }

    /** The user logs in through the API and {@code GET /users/me} answers with exactly these roles. */
    private static void assertRole(String tenant, String username, List<String> roles) {
        Http.Reply login = Fixtures.apiLogin(server, tenant, username, PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        Http.Reply me = Http.get(
                server.apiUrl(tenant) + "/users/me",
                login.json().path("access_token").asText());
        assertEquals(200, me.status(), username + ": " + me.raw().body());
        assertEquals(roles, TenantClaimsIT.texts(me.json().path("roles")), username);
    }
}
