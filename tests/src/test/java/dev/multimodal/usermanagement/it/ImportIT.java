package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users of the old service keep their passwords: bcrypt hashes made by an independent implementation (htpasswd). */
class ImportIT {

    private static KeycloakServer server;
    private static String platformToken;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
    }

    /** Apache's htpasswd writes $2y$ bcrypt hashes. */
    private static String htpasswdBcrypt(String password) throws Exception {
        Process process = new ProcessBuilder("htpasswd", "-nbB", "-C", "6", "someone", password)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "htpasswd (apt-get install apache2-utils): " + out);
        return out.substring(out.indexOf(':') + 1);
    }

    private static String tenant() {
        return Fixtures.createTenant(server, platformToken, Fixtures.unique("imp"), false);
    }

    private static Map<String, Object> row(String username, String hash) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("email", username + "@old.example");
        row.put("username", username);
        row.put("first_name", "Old");
        row.put("last_name", "Timer");
        row.put("password_hash", hash);
        return row;
    }

    @Test
    void importedUsersLogInWithTheirOldPasswordsAndGetRehashed() throws Exception {
        String id = tenant();
        String api = server.apiUrl(id);
        String hash2y = htpasswdBcrypt("Old-Pass123");
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("alice", hash2y));
        rows.add(row("bob", "$2a$" + htpasswdBcrypt("Bob-Pass123").substring(4)));
        rows.add(row("carol", "$2b$" + htpasswdBcrypt("Carol-Pass123").substring(4)));
        rows.add(row("dave", "not-a-hash"));
        Map<String, Object> badEmail = row("erin", hash2y);
        badEmail.put("email", "nope");
        rows.add(badEmail);
        rows.add(row("alice", hash2y));
        rows.add(row("boss", hash2y));

        Http.Reply reply = Http.post(api + "/users/import", platformToken, Map.of("users", rows));

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(3, reply.json().path("imported").asInt(), reply.raw().body());
        List<String> refused = new ArrayList<>();
        reply.json()
                .path("errors")
                .forEach(error -> refused.add(
                        error.path("row").asInt() + ":" + error.path("field").asText()));
        assertEquals(List.of("3:password_hash", "4:email", "5:email", "6:email"), refused);

        for (String[] credentials :
                new String[][] {{"alice", "Old-Pass123"}, {"bob", "Bob-Pass123"}, {"carol", "Carol-Pass123"}}) {
            Http.Reply login = Http.post(
                    api + "/auth/login", null, Map.of("username", credentials[0], "password", credentials[1]));
            assertEquals(
                    200, login.status(), credentials[0] + ": " + login.raw().body());
        }
        assertEquals(
                401,
                Http.post(api + "/auth/login", null, Map.of("username", "alice", "password", "Wrong-Pass123"))
                        .status());

        String aliceId = Http.get(api + "/users?search=alice", platformToken)
                .json()
                .path("items")
                .get(0)
                .path("id")
                .asText();
        JsonNode credentials = Http.get(
                        server.baseUrl() + "/admin/realms/" + id + "/users/" + aliceId + "/credentials", platformToken)
                .json();
        String algorithm = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(credentials.get(0).path("credentialData").asText())
                .path("algorithm")
                .asText();
        assertFalse(algorithm.isEmpty());
        assertFalse("bcrypt".equals(algorithm), "the first login re-hashes with the realm's algorithm");
        assertEquals(
                200,
                Http.post(api + "/auth/login", null, Map.of("username", "alice", "password", "Old-Pass123"))
                        .status(),
                "the re-hashed password still works");
    }

    @Test
    void importIsForUserAdminsAndBounded() throws Exception {
        String id = tenant();
        String api = server.apiUrl(id);
        Http.Reply registered = Http.post(
                api + "/auth/register",
                null,
                Map.of("email", "u@" + id + ".example", "username", "plain", "password", "Plain-Pass123"));
        assertEquals(201, registered.status(), registered.raw().body());
        String userToken = Tokens.password(server, id, "plain", "Plain-Pass123");
        String hash = htpasswdBcrypt("Old-Pass123");

        assertEquals(
                403,
                Http.post(api + "/users/import", userToken, Map.of("users", List.of(row("zed", hash))))
                        .status());
        assertEquals(
                401,
                Http.post(api + "/users/import", null, Map.of("users", List.of(row("zed", hash))))
                        .status());
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(row("user" + i, hash));
        }
        Http.Reply refused = Http.post(api + "/users/import", platformToken, Map.of("users", tooMany));
        assertEquals(400, refused.status(), refused.raw().body());
        assertEquals(
                400,
                Http.post(api + "/users/import", platformToken, Map.of("users", List.of()))
                        .status());
        Map<String, Object> extra = row("zed", hash);
        extra.put("password", "Plain-Text123");
        assertEquals(
                400,
                Http.post(api + "/users/import", platformToken, Map.of("users", List.of(extra)))
                        .status(),
                "plain passwords are not accepted in an import");
    }
}
