package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lockout step's locks in Keycloak's own brute-force view ({@code /admin/realms/{realm}/attack-detection}, what
 * the admin console's user page and "Unlock all users" call): shown with their failures, ended by the console's unlock of
 * one user or all, under Keycloak's admin permissions; a realm without the step keeps Keycloak's own detection.
 */
class ConsoleLocksIT {

    private static final String PASSWORD = "Start-Pass123";
    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    @Test
    void aLockFromTheApiShowsInTheConsoleAndItsUnlockEndsIt() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("console"), false);
        String carol = Fixtures.createUser(server, token, tenant, "carol", PASSWORD, true, "user");
        String dave = Fixtures.createUser(server, token, tenant, "dave", PASSWORD, true, "user");

        assertEquals(Map.of("disabled", false, "numFailures", 0), status(tenant, carol, token), "nothing yet");
        Fixtures.lockAccount(server, tenant, "carol");
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    401, Fixtures.apiLogin(server, tenant, "dave", "wrong-" + i).status());
        }

        JsonNode locked =
                Http.get(bruteForce(tenant) + "/users/" + carol, token).json();
        assertTrue(locked.path("disabled").asBoolean(), locked.toString());
        assertEquals(5, locked.path("numFailures").asInt(), locked.toString());
        assertEquals(1, locked.path("numTemporaryLockouts").asInt(), locked.toString());
        long now = System.currentTimeMillis();
        assertTrue(locked.path("failedLoginNotBefore").asLong() * 1000 > now, "the lock ends in the future: " + locked);
        assertTrue(Math.abs(locked.path("lastFailure").asLong() - now) < 120_000, "the lock began just now: " + locked);
        assertEquals(
                Map.of("disabled", false, "numFailures", 2), status(tenant, dave, token), "failures without a lock");
        // the console's users list asks its own endpoint, which reads the same records
        JsonNode listed = Http.get(
                        server.baseUrl() + "/admin/realms/" + tenant
                                + "/ui-ext/brute-force-user?search=carol&briefRepresentation=true",
                        token)
                .json();
        assertEquals(1, listed.size(), listed.toString());
        assertTrue(listed.get(0).path("bruteForceStatus").path("disabled").asBoolean(), listed.toString());

        assertEquals(
                204, Http.delete(bruteForce(tenant) + "/users/" + carol, token).status());
        assertEquals(Map.of("disabled", false, "numFailures", 0), status(tenant, carol, token));
        assertEquals(
                200,
                Fixtures.apiLogin(server, tenant, "carol", PASSWORD).status(),
                "the console's unlock ended the lock");
    }

    @Test
    void aLockFromTheTokenEndpointShowsAndUnlockAllEndsEveryLockOfTheRealmOnly() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("console"), false);
        String other = Fixtures.createTenant(server, token, Fixtures.unique("console"), false);
        String erin = Fixtures.createUser(server, token, tenant, "erin", PASSWORD, true, "user");
        String frank = Fixtures.createUser(server, token, tenant, "frank", PASSWORD, true, "user");
        String gina = Fixtures.createUser(server, token, other, "gina", PASSWORD, true, "user");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    401,
                    Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "erin", "wrong-" + i)
                            .status());
        }
        Fixtures.lockAccount(server, tenant, "frank");
        Fixtures.lockAccount(server, other, "gina");
        assertTrue(
                Http.get(bruteForce(tenant) + "/users/" + erin, token)
                        .json()
                        .path("disabled")
                        .asBoolean(),
                "token endpoint lock");
        assertTrue(Http.get(bruteForce(tenant) + "/users/" + frank, token)
                .json()
                .path("disabled")
                .asBoolean());

        assertEquals(204, Http.delete(bruteForce(tenant) + "/users", token).status());

        assertFalse(Http.get(bruteForce(tenant) + "/users/" + erin, token)
                .json()
                .path("disabled")
                .asBoolean());
        assertEquals(
                200,
                Tokens.passwordGrant(server, tenant, Tokens.API_CLIENT, "erin", PASSWORD)
                        .status());
        assertEquals(200, Fixtures.apiLogin(server, tenant, "frank", PASSWORD).status());
        assertTrue(
                Http.get(bruteForce(other) + "/users/" + gina, token)
                        .json()
                        .path("disabled")
                        .asBoolean(),
                "another tenant's lock stays");
        assertEquals(401, Fixtures.apiLogin(server, other, "gina", PASSWORD).status());
    }

    @Test
    void onlyTheRealmsUserAdminsMaySeeOrEndALock() {
        String token = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, token, Fixtures.unique("console"), false);
        String henry = Fixtures.createUser(server, token, tenant, "henry", PASSWORD, true, "user");
        Fixtures.createUser(server, token, tenant, "ivy", PASSWORD, true, "user");
        String ivy = Tokens.password(server, tenant, "ivy", PASSWORD);
        Fixtures.lockAccount(server, tenant, "henry");

        assertEquals(403, Http.get(bruteForce(tenant) + "/users/" + henry, ivy).status());
        assertEquals(
                403, Http.delete(bruteForce(tenant) + "/users/" + henry, ivy).status());
        assertEquals(403, Http.delete(bruteForce(tenant) + "/users", ivy).status());
        assertEquals(401, Fixtures.apiLogin(server, tenant, "henry", PASSWORD).status(), "still locked");
        assertTrue(Http.get(bruteForce(tenant) + "/users/" + henry, token)
                .json()
                .path("disabled")
                .asBoolean());
    }

    @Test
    void aRealmWithoutTheLockoutStepKeepsKeycloaksOwnDetection() {
        String token = Tokens.platformAdmin(server);
        String realm = Fixtures.unique("kc-brute");
        assertEquals(
                201,
                Http.post(
                                server.baseUrl() + "/admin/realms",
                                token,
                                Map.of(
                                        "realm",
                                        realm,
                                        "enabled",
                                        true,
                                        "bruteForceProtected",
                                        true,
                                        "failureFactor",
                                        3,
                                        "quickLoginCheckMilliSeconds",
                                        0))
                        .status());
        // back to Keycloak's own direct grant: the realm's logins no longer pass the lockout step
        assertEquals(
                204,
                Http.put(
                                server.baseUrl() + "/admin/realms/" + realm,
                                token,
                                Map.of("realm", realm, "directGrantFlow", "direct grant"))
                        .status());
        String jack = Fixtures.createUser(server, token, realm, "jack", PASSWORD, true, null);

        for (int i = 1; i <= 3; i++) {
            Http.Reply wrong = Tokens.passwordGrant(server, realm, "admin-cli", "jack", "wrong-" + i);
            assertTrue(
                    wrong.status() == 400 || wrong.status() == 401,
                    wrong.status() + " " + wrong.raw().body());
            int failures = i;
            // Keycloak counts off the request's thread and refuses the user's logins until it has
            Wait.until(
                    "Keycloak's own count of " + i,
                    Duration.ofSeconds(20),
                    () -> Http.get(bruteForce(realm) + "/users/" + jack, token)
                                    .json()
                                    .path("numFailures")
                                    .asInt()
                            == failures);
        }
        assertTrue(
                Http.get(bruteForce(realm) + "/users/" + jack, token)
                        .json()
                        .path("disabled")
                        .asBoolean(),
                "Keycloak's own lock");
        assertEquals(
                400,
                Tokens.passwordGrant(server, realm, "admin-cli", "jack", PASSWORD)
                        .status(),
                "locked by Keycloak");

        assertEquals(
                204, Http.delete(bruteForce(realm) + "/users/" + jack, token).status());
        assertEquals(
                200,
                Tokens.passwordGrant(server, realm, "admin-cli", "jack", PASSWORD)
                        .status());
    }

    private static String bruteForce(String realm) {
        return server.baseUrl() + "/admin/realms/" + realm + "/attack-detection/brute-force";
    }

    private static Map<String, Object> status(String realm, String userId, String token) {
        Http.Reply reply = Http.get(bruteForce(realm) + "/users/" + userId, token);
        assertEquals(200, reply.status(), reply.raw().body());
        return Map.of(
                "disabled",
                reply.json().path("disabled").asBoolean(),
                "numFailures",
                reply.json().path("numFailures").asInt());
    }
}
