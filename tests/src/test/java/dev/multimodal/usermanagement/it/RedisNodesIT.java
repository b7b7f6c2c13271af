package dev.multimodal.usermanagement.it;

import static dev.multimodal.usermanagement.it.Fixtures.apiLogin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two Keycloak nodes on one Postgres database and one Redis: lockout state is shared at once. */
class RedisNodesIT {

    private static final String PASSWORD = "Correct-Horse-42";

    @Test
    void twoNodesSeeEachOthersLocksAndUnlocksAtOnce() {
        KeycloakServer a = KeycloakServer.get();
        String platformOnA = Tokens.platformAdmin(a);
        String tenant = Fixtures.createTenant(a, platformOnA, Fixtures.unique("nodes"), false);
        String userId = Fixtures.createUser(a, platformOnA, tenant, "alice", PASSWORD, true, "user");

        // started after the setup: its local caches load the new tenant from the shared database
        try (KeycloakServer b = KeycloakServer.startNode("b", List.of())) {
            assertEquals(200, apiLogin(b, tenant, "alice", PASSWORD).status(), "node B serves the tenant");

            for (int i = 0; i < 5; i++) {
                assertEquals(401, apiLogin(a, tenant, "alice", "Wrong-Pass" + i).status());
            }
            assertEquals(401, apiLogin(b, tenant, "alice", PASSWORD).status(), "locked on A: refused on B at once");
            assertEquals(
                    401,
                    Tokens.passwordGrant(b, tenant, Tokens.API_CLIENT, "alice", PASSWORD)
                            .status(),
                    "and on B's token endpoint");

            String platformOnB = Tokens.platformAdmin(b);
            JsonNode lock = Http.get(b.apiUrl(tenant) + "/users/" + userId, platformOnB)
                    .json()
                    .path("lock");
            assertTrue(lock.path("locked").asBoolean(), "B's admin view shows A's lock: " + lock);

            assertEquals(
                    204,
                    Http.post(b.apiUrl(tenant) + "/users/" + userId + "/unlock", platformOnB, Map.of())
                            .status());
            assertEquals(
                    200,
                    apiLogin(a, tenant, "alice", PASSWORD).status(),
                    "unlocked on B: A lets the right password in");
            assertFalse(Http.get(b.apiUrl(tenant) + "/users/" + userId, platformOnB)
                    .json()
                    .path("lock")
                    .path("locked")
                    .asBoolean());
        }
    }
}
