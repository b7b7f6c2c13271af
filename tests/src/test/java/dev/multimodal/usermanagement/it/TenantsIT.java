package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantsIT {

    private static final String ADMIN_PASSWORD = "Admin-Pass123";

    private static KeycloakServer server;
    private static String platformToken;
    private static String tenants;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
        tenants = server.apiUrl("master") + "/tenants";
    }

    /** The master realm's tokens live 60 s: on a busy machine the class outlives one, so each test gets its own. */
    @BeforeEach
    void freshPlatformToken() {
        platformToken = Tokens.platformAdmin(server);
    }

    private static Map<String, Object> tenantBody(String id, String domain) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "Tenant " + id);
        body.put("description", "made by " + TenantsIT.class.getSimpleName());
        if (domain != null) {
            body.put("domain", domain);
        }
        body.put("admin_email", "boss@" + id + ".example");
        body.put("admin_username", "boss");
        body.put("admin_password", ADMIN_PASSWORD);
        body.put("admin_first_name", "Bo");
        body.put("admin_last_name", "Ss");
        return body;
    }

    private static String createTenant(String id) {
        return Fixtures.createTenant(server, platformToken, id, false);
    }

    private static void assertProblem(Http.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.raw().body());
        assertTrue(reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
        JsonNode body = reply.json();
        assertEquals(status, body.path("status").asInt());
        assertFalse(body.path("title").asText().isEmpty());
        assertFalse(
                reply.raw().body().contains("Exception"),
                "leaks internals: " + reply.raw().body());
    }

    private static boolean realmExists(String realm) {
        int status = Http.get(server.baseUrl() + "/admin/realms/" + realm, platformToken)
                .status();
        assertTrue(status == 200 || status == 404, "admin API answered " + status);
        return status == 200;
    }

    @Test
    void createMakesARealmFromTheTemplateWithItsFirstAdmin() throws Exception {
        String id = Fixtures.unique("acme");
        Http.Reply created = Http.post(tenants, platformToken, tenantBody(id, id + ".test"));

        assertEquals(201, created.status(), created.raw().body());
        assertTrue(created.header("Location").endsWith("/tenants/" + id), created.header("Location"));
        JsonNode tenant = created.json();
        assertEquals(id, tenant.path("id").asText());
        assertEquals("Tenant " + id, tenant.path("name").asText());
        assertEquals(id + ".test", tenant.path("domain").asText());
        assertTrue(tenant.path("is_active").asBoolean());
        assertNotNull(java.time.Instant.parse(tenant.path("created_at").asText()));

        JsonNode realm = Http.get(server.baseUrl() + "/admin/realms/" + id, platformToken)
                .json();
        assertEquals("user-management", realm.path("loginTheme").asText());
        assertEquals(1800, realm.path("accessTokenLifespan").asInt());
        assertTrue(realm.path("passwordPolicy").asText().contains("passwordHistory(5)"));
        assertTrue(realm.path("eventsEnabled").asBoolean());
        JsonNode moderator = Http.get(
                        server.baseUrl() + "/admin/realms/" + id + "/roles/moderator/composites", platformToken)
                .json();
        assertTrue(moderator.toString().contains("\"user\""), moderator.toString());

        String token = Tokens.password(server, id, "boss", ADMIN_PASSWORD);
        JWTClaimsSet claims = verifiedClaims(id, token);
        assertEquals(id, claims.getStringClaim("tenant_id"));
        assertEquals(server.baseUrl() + "/realms/" + id, claims.getIssuer());
        assertEquals(List.of("guest", "user", "moderator", "admin"), claims.getStringListClaim("roles"));
        List<String> permissions = claims.getStringListClaim("permissions");
        for (String permission : List.of(
                "profile:read",
                "profile:write",
                "users:read",
                "users:write",
                "roles:assign",
                "tenant:settings",
                "audit:read")) {
            assertTrue(permissions.contains(permission), permission + " missing from " + permissions);
        }
        assertFalse(permissions.contains("tenants:manage"), "a tenant admin is no platform admin");
    }

    /** Checks the signature against the realm's published keys with an independent JOSE library. */
    private static JWTClaimsSet verifiedClaims(String realm, String token) throws Exception {
        JWKSet keys = JWKSet.parse(Http.get(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/certs")
                .raw()
                .body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> {});
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        return processor.process(token, null);
    }

    @Test
    void tenantsFromAnotherRealmDoNotVerifyWithThisRealmsKeys() {
        String a = createTenant(Fixtures.unique("keys-a"));
        String b = createTenant(Fixtures.unique("keys-b"));
        String tokenOfA = Tokens.password(server, a, "boss", ADMIN_PASSWORD);
        assertThrowsAny(() -> verifiedClaims(b, tokenOfA));
    }

    private static void assertThrowsAny(Callable<?> call) {
        try {
            call.call();
        } catch (Exception expected) {
            return;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void slugIsDerivedFromTheNameWhenNoIdIsGiven() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> body = tenantBody(null, null);
        body.remove("id");
        body.put("name", "Globex Corp " + suffix.toUpperCase());
        Http.Reply reply = Http.post(tenants, platformToken, body);
        assertEquals(201, reply.status(), reply.raw().body());
        assertEquals("globex-corp-" + suffix, reply.json().path("id").asText());
    }

    @Test
    void getListAndSearchArePagedWithATotal() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 3; i++) {
            createTenant("list-" + tag + "-" + i);
        }
        Http.Reply page = Http.get(tenants + "?search=list-" + tag + "&page_size=2", platformToken);
        assertEquals(200, page.status(), page.raw().body());
        assertEquals(3, page.json().path("total").asInt());
        assertEquals(2, page.json().path("items").size());
        assertEquals(1, page.json().path("page").asInt());
        assertEquals(2, page.json().path("page_size").asInt());
        Http.Reply second = Http.get(tenants + "?search=LIST-" + tag + "&page_size=2&page=2", platformToken);
        assertEquals(1, second.json().path("items").size());
        assertEquals(
                "list-" + tag + "-2",
                second.json().path("items").get(0).path("id").asText());

        Http.Reply one = Http.get(tenants + "/list-" + tag + "-1", platformToken);
        assertEquals(200, one.status());
        assertEquals("list-" + tag + "-1", one.json().path("id").asText());

        assertTrue(
                Http.get(tenants + "?search=demo", platformToken)
                        .json()
                        .path("items")
                        .toString()
                        .contains("\"id\":\"demo\""),
                "the imported demo tenant is registered too");
        assertProblem(Http.get(tenants + "?page_size=0", platformToken), 400);
        assertProblem(Http.get(tenants + "?page_size=101", platformToken), 400);
        assertProblem(Http.get(tenants + "?page=abc", platformToken), 400);
        assertProblem(Http.get(tenants + "/no-such-tenant", platformToken), 404);
    }

    @Test
    void takenNameOrDomainIsAConflictAndLeavesNothingBehind() {
        String id = Fixtures.unique("taken");
        assertEquals(
                201,
                Http.post(tenants, platformToken, tenantBody(id, id + ".test")).status());

        assertProblem(Http.post(tenants, platformToken, tenantBody(id, null)), 409);
        String other = Fixtures.unique("other");
        assertProblem(Http.post(tenants, platformToken, tenantBody(other, id.toUpperCase() + ".TEST")), 409);
        assertFalse(realmExists(other), "a refused tenant left its realm behind");
    }

    @Test
    void weakAdminPasswordNamesEveryBrokenRuleAndLeavesNothingBehind() {
        String id = Fixtures.unique("weak");
        Map<String, Object> body = tenantBody(id, id + ".test");
        body.put("admin_password", "boss");

        Http.Reply reply = Http.post(tenants, platformToken, body);

        assertProblem(reply, 400);
        List<String> messages = new ArrayList<>();
        reply.json().path("errors").forEach(error -> {
            assertEquals("admin_password", error.path("field").asText());
            messages.add(error.path("message").asText());
        });
        assertTrue(
                messages.size() >= 4, "length, upper case, digits and not-username should all be named: " + messages);
        assertFalse(realmExists(id), "the realm of a refused tenant must not exist");
        assertProblem(Http.get(tenants + "/" + id, platformToken), 404);
        // the domain is free again: nothing of the failed attempt holds it
        assertEquals(
                201,
                Http.post(tenants, platformToken, tenantBody(id, id + ".test")).status());
    }

    @Test
    void badInputGetsAClearProblemAndCreatesNothing() {
        String id = Fixtures.unique("bad");
        assertProblem(Http.postRaw(tenants, platformToken, "application/json", "{\"name\": "), 400);
        assertProblem(Http.postRaw(tenants, platformToken, "text/plain", "name=x"), 415);
        assertProblem(Http.postRaw(tenants, platformToken, null, "{}"), 415);
        assertProblem(Http.postRaw(tenants, platformToken, "application/json", "[]"), 400);
        assertProblem(
                Http.postRaw(tenants, platformToken, "application/json", "{\"name\":\"x\"" + " ".repeat(70_000) + "}"),
                413);

        Map<String, Object> unknown = tenantBody(id, null);
        unknown.put("is_admin", true);
        Http.Reply reply = Http.post(tenants, platformToken, unknown);
        assertProblem(reply, 400);
        assertEquals(
                "is_admin", reply.json().path("errors").get(0).path("field").asText());

        Map<String, Object> many = tenantBody("Bad_Id", "not a domain");
        many.put("admin_email", "not-an-email");
        many.put("name", "x".repeat(300));
        reply = Http.post(tenants, platformToken, many);
        assertProblem(reply, 400);
        String errors = reply.json().path("errors").toString();
        for (String field : List.of("id", "domain", "admin_email", "name")) {
            assertTrue(errors.contains("\"field\":\"" + field + "\""), field + " not named in " + errors);
        }
        assertProblem(Http.post(tenants, platformToken, tenantBody("master", null)), 400);
        assertProblem(Http.post(tenants, platformToken, tenantBody("ab", null)), 400);
        Map<String, Object> wrongType = tenantBody(id, null);
        wrongType.put("name", List.of("x"));
        assertProblem(Http.post(tenants, platformToken, wrongType), 400);
        assertFalse(realmExists(id));
    }

    @Test
    void concurrentCreatesOfTheSameTenantHaveExactlyOneWinner() throws Exception {
        String id = Fixtures.unique("race");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> replies = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                replies.add(pool.submit(() -> Http.post(tenants, platformToken, tenantBody(id, id + ".test"))
                        .status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> reply : replies) {
                statuses.add(reply.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(threads - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, Http.get(tenants + "/" + id, platformToken).status());
    }

    @Test
    void onlyPlatformAdminsManageTenants() {
        String a = createTenant(Fixtures.unique("iso-a"));
        String tenantAdmin = Tokens.password(server, a, "boss", ADMIN_PASSWORD);

        assertProblem(Http.get(tenants, tenantAdmin), 403);
        assertProblem(Http.post(tenants, tenantAdmin, tenantBody(Fixtures.unique("sneaky"), null)), 403);
        assertProblem(Http.get(tenants + "/" + a, tenantAdmin), 403);
        assertProblem(Http.put(tenants + "/" + a, tenantAdmin, Map.of("domain", "stolen.test")), 403);
        assertProblem(Http.delete(tenants + "/" + a, tenantAdmin), 403);
        // through the tenant's own base URL too
        assertProblem(Http.get(server.apiUrl(a) + "/tenants", tenantAdmin), 403);

        Http.Reply anonymous = Http.get(tenants);
        assertProblem(anonymous, 401);
        assertEquals("Bearer", anonymous.header("WWW-Authenticate"));
        assertProblem(Http.get(tenants, "not-a-jwt"), 401);
        assertProblem(Http.get(tenants, tenantAdmin.substring(0, tenantAdmin.length() - 4) + "AAAA"), 401);
    }

    @Test
    void tenantAdminsManageTheirOwnSettingsOnlyAndUsersNone() {
        String a = createTenant(Fixtures.unique("set-a"));
        String b = createTenant(Fixtures.unique("set-b"));
        String adminOfA = Tokens.password(server, a, "boss", ADMIN_PASSWORD);

        Http.Reply own = Http.get(server.apiUrl(a) + "/tenants/" + a + "/settings", adminOfA);
        assertEquals(200, own.status(), own.raw().body());
        assertTrue(own.json().path("registration_allowed").asBoolean());
        assertEquals(1800, own.json().path("access_token_lifespan_seconds").asInt());
        assertEquals(604800, own.json().path("refresh_token_lifespan_seconds").asInt());

        Http.Reply changed = Http.put(
                server.apiUrl(a) + "/tenants/" + a + "/settings",
                adminOfA,
                Map.of(
                        "registration_allowed",
                        false,
                        "access_token_lifespan_seconds",
                        600,
                        "password_policy",
                        "length(12) and digits(2)"));
        assertEquals(200, changed.status(), changed.raw().body());
        assertFalse(changed.json().path("registration_allowed").asBoolean());
        assertEquals(600, changed.json().path("access_token_lifespan_seconds").asInt());
        JsonNode realm =
                Http.get(server.baseUrl() + "/admin/realms/" + a, platformToken).json();
        assertFalse(realm.path("registrationAllowed").asBoolean(), "the admin console shows the same value");
        assertEquals(600, realm.path("accessTokenLifespan").asInt());
        assertEquals("length(12) and digits(2)", realm.path("passwordPolicy").asText());

        // another tenant's settings: refused on its own URL (another id) and on any other URL (another realm)
        assertProblem(Http.get(server.apiUrl(a) + "/tenants/" + b + "/settings", adminOfA), 403);
        assertProblem(
                Http.put(
                        server.apiUrl(a) + "/tenants/" + b + "/settings",
                        adminOfA,
                        Map.of("registration_allowed", true)),
                403);
        assertProblem(Http.get(tenants + "/" + a + "/settings", adminOfA), 403);
        assertProblem(Http.get(server.apiUrl(b) + "/tenants/" + b + "/settings", adminOfA), 403);
        assertTrue(
                Http.get(tenants + "/" + b + "/settings", platformToken)
                        .json()
                        .path("registration_allowed")
                        .asBoolean(),
                "tenant B is untouched");

        assertProblem(
                Http.put(
                        server.apiUrl(a) + "/tenants/" + a + "/settings",
                        adminOfA,
                        Map.of("password_policy", "noSuchRule(3)")),
                400);
        assertProblem(
                Http.put(
                        server.apiUrl(a) + "/tenants/" + a + "/settings",
                        adminOfA,
                        Map.of("access_token_lifespan_seconds", 5)),
                400);
        assertProblem(
                Http.put(server.apiUrl(a) + "/tenants/" + a + "/settings", adminOfA, Map.of("lockout", true)), 400);

        // a plain user of tenant A
        String userId = Fixtures.createUser(server, platformToken, a, "plain", "Plain-Pass123", true, "user");
        assertNotNull(userId);
        String userOfA = Tokens.password(server, a, "plain", "Plain-Pass123");
        assertProblem(Http.get(server.apiUrl(a) + "/tenants/" + a + "/settings", userOfA), 403);
        assertProblem(
                Http.put(
                        server.apiUrl(a) + "/tenants/" + a + "/settings",
                        userOfA,
                        Map.of("registration_allowed", true)),
                403);
    }

    @Test
    void disabledTenantCannotLogInAndItsTokensStopWorking() {
        String id = createTenant(Fixtures.unique("off"));
        String adminToken = Tokens.password(server, id, "boss", ADMIN_PASSWORD);
        assertEquals(
                200,
                Http.get(server.apiUrl(id) + "/tenants/" + id + "/settings", adminToken)
                        .status());

        assertEquals(204, Http.delete(tenants + "/" + id, platformToken).status());

        assertFalse(Http.get(tenants + "/" + id, platformToken)
                .json()
                .path("is_active")
                .asBoolean());
        assertTrue(realmExists(id), "delete without purge keeps the realm");
        assertProblem(Http.get(tenants + "/" + id + "/settings", adminToken), 401);
        assertNotEquals(
                200,
                Tokens.passwordGrant(server, id, Tokens.API_CLIENT, "boss", ADMIN_PASSWORD)
                        .status());

        Http.Reply enabled =
                Http.put(tenants + "/" + id, platformToken, Map.of("is_active", true, "name", "Back again"));
        assertEquals(200, enabled.status(), enabled.raw().body());
        assertTrue(enabled.json().path("is_active").asBoolean());
        assertEquals("Back again", enabled.json().path("name").asText());
        assertEquals(
                200,
                Tokens.passwordGrant(server, id, Tokens.API_CLIENT, "boss", ADMIN_PASSWORD)
                        .status());
    }

    @Test
    void purgeRemovesTheRealmForGood() {
        String id = createTenant(Fixtures.unique("gone"));
        assertProblem(Http.delete(tenants + "/" + id + "?purge=maybe", platformToken), 400);
        assertEquals(
                204,
                Http.delete(tenants + "/" + id + "?purge=true", platformToken).status());
        assertFalse(realmExists(id));
        assertProblem(Http.get(tenants + "/" + id, platformToken), 404);
        assertProblem(Http.delete(tenants + "/" + id, platformToken), 404);
    }

    @Test
    void domainsAreUniqueAcrossTenantsOnUpdateToo() {
        String a = Fixtures.unique("dom-a");
        assertEquals(
                201,
                Http.post(tenants, platformToken, tenantBody(a, a + ".test")).status());
        String b = createTenant(Fixtures.unique("dom-b"));
        assertProblem(Http.put(tenants + "/" + b, platformToken, Map.of("domain", a + ".test")), 409);
        Http.Reply moved = Http.put(tenants + "/" + b, platformToken, Map.of("domain", b + ".test"));
        assertEquals(200, moved.status(), moved.raw().body());
        assertEquals(b + ".test", moved.json().path("domain").asText());
    }
}
