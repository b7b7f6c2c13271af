package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's token acts only on its own tenant's URL (issue 15, defect 7: {@code /users/me}, logout and settings
 * took A's token on B's URL; refresh too), and a tenant's own URL is that tenant, whatever the e-mail's domain (defect 16).
 */
class RealmBoundaryIT {

    private static KeycloakServer server;
    private static String a;
    private static String b;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        String platform = Tokens.platformAdmin(server);
        a = Fixtures.createTenant(server, platform, Fixtures.unique("bound-a"), true);
        b = Fixtures.createTenant(server, platform, Fixtures.unique("bound-b"), true);
    }

    @Test
    void aTenantsTokenIsRefusedOnEveryOtherRealmsUrl() {
        String tokenOfA = Tokens.password(server, a, "boss", Fixtures.ADMIN_PASSWORD);
        for (String other : List.of(server.apiUrl(b), server.apiUrl("master"))) {
            List<Http.Reply> replies = List.of(
                    Http.get(other + "/users/me", tokenOfA),
                    Http.put(other + "/users/me", tokenOfA, Map.of("first_name", "Moved")),
                    Http.get(other + "/users/me/sessions", tokenOfA),
                    Http.post(
                            other + "/users/me/change-password",
                            tokenOfA,
                            Map.of("current_password", Fixtures.ADMIN_PASSWORD, "new_password", "Other-Pass123")),
                    Http.post(other + "/auth/logout", tokenOfA, Map.of()),
                    Http.get(other + "/tenants/" + a + "/settings", tokenOfA),
                    Http.put(other + "/tenants/" + a + "/settings", tokenOfA, Map.of("registration_allowed", true)),
                    Http.get(other + "/users", tokenOfA),
                    Http.get(other + "/audit", tokenOfA));
            for (Http.Reply reply : replies) {
                int expected = other.endsWith("/master/api/v1")
                                && reply.raw().uri().getPath().contains("/users")
                        ? 404
                        : 403;
                assertEquals(
                        expected,
                        reply.status(),
                        reply.raw().request().method() + " " + reply.raw().uri() + ": "
                                + reply.raw().body());
                assertTrue(reply.header("Content-Type").startsWith("application/problem+json"));
            }
        }
        Http.Reply own = Http.get(server.apiUrl(a) + "/users/me", tokenOfA);
        assertEquals(
                200,
                own.status(),
                "the token still works at home, its session was not ended: "
                        + own.raw().body());
        assertEquals("boss", own.json().path("username").asText());
        assertEquals(
                200,
                Http.get(server.apiUrl(a) + "/tenants/" + a + "/settings", tokenOfA)
                        .status(),
                "own settings on its own URL");
        assertEquals(
                403,
                Http.get(server.apiUrl(a) + "/tenants/" + b + "/settings", tokenOfA)
                        .status(),
                "another tenant's id");
        assertEquals(
                403,
                Http.get(server.apiUrl(a) + "/tenants/no-such-tenant/settings", tokenOfA)
                        .status(),
                "an id that names no tenant answers alike");
    }

    @Test
    void aRefreshTokenIsRefreshedOnlyOnItsTenantsUrlOrThePlatformUrl() {
        Http.Reply login = Fixtures.apiLogin(server, a, "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        String refresh = login.json().path("refresh_token").asText();
        Http.Reply onB = Http.post(server.apiUrl(b) + "/auth/refresh", null, Map.of("refresh_token", refresh));
        assertEquals(401, onB.status(), onB.raw().body());
        Http.Reply onA = Http.post(server.apiUrl(a) + "/auth/refresh", null, Map.of("refresh_token", refresh));
        assertEquals(200, onA.status(), onA.raw().body());
        Http.Reply onPlatform = Http.post(
                server.apiUrl("master") + "/auth/refresh",
                null,
                Map.of("refresh_token", onA.json().path("refresh_token").asText()));
        assertEquals(200, onPlatform.status(), onPlatform.raw().body());
    }

    @Test
    void aPlatformAdminHasNoProfileInATenant() {
        String platform = Tokens.platformAdmin(server);
        assertEquals(403, Http.get(server.apiUrl(a) + "/users/me", platform).status());
        assertEquals(
                403,
                Http.post(server.apiUrl(a) + "/auth/logout", platform, Map.of()).status());
        assertEquals(200, Http.get(server.apiUrl(a) + "/users", platform).status(), "but manages the tenant's users");
    }

    @Test
    void onATenantsUrlTheEmailDomainDoesNotChooseTheTenant() {
        String bossOfB = "boss@" + b + ".example";
        Map<String, String> login = Map.of("email", bossOfB, "password", Fixtures.ADMIN_PASSWORD);
        assertEquals(
                200,
                Http.post(server.apiUrl("master") + "/auth/login", null, login).status(),
                "the platform base URL routes by domain");
        long auditRowsOfB = auditRows(b);
        Http.Reply onA = Http.post(server.apiUrl(a) + "/auth/login", null, login);
        assertEquals(401, onA.status(), "A's URL is tenant A: " + onA.raw().body());
        assertEquals(auditRowsOfB, auditRows(b), "nothing lands in B's log");
        assertEquals(
                401,
                Http.post(
                                server.apiUrl(a) + "/auth/login",
                                null,
                                Map.of("username", "boss", "password", Fixtures.ADMIN_PASSWORD, "tenant_id", b))
                        .status(),
                "nor does tenant_id pick another tenant on A's URL");
    }

    private static long auditRows(String realm) {
        return new AuditSupport(server)
                .number("SELECT count(*) FROM um_audit a JOIN realm r ON r.id = a.realm_id WHERE r.name = ?", realm);
    }
}
