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

/**
 * Password hashing stays affordable and working whatever a tenant sends: imported bcrypt hashes have a cost cap, and
 * tenant settings only take password policies that can hash and verify a password at a bounded cost.
 */
class HashCostIT {

    private static KeycloakServer server;
    private static String platformToken;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
        platformToken = Tokens.platformAdmin(server);
    }

    /** A well-formed bcrypt hash of some cost; nothing can match it, and nothing should ever try. */
    private static String fakeBcrypt(int cost) {
        return String.format("$2b$%02d$", cost) + "A".repeat(53);
    }

    private static String htpasswdBcrypt(String password, int cost) throws Exception {
        Process process = new ProcessBuilder("htpasswd", "-nbB", "-C", Integer.toString(cost), "someone", password)
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "htpasswd (apt-get install apache2-utils): " + out);
        return out.substring(out.indexOf(':') + 1);
    }

    private static Map<String, Object> row(String username, String hash) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("email", username + "@old.example");
        row.put("username", username);
        row.put("password_hash", hash);
        return row;
    }

    // ---- defect 2: bcrypt cost on import

    @Test
    void importRefusesBcryptHashesAboveTheCostCap() throws Exception {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("cost"), false);
        String api = server.apiUrl(id);
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("atcap", htpasswdBcrypt("Old-Pass123", 12)));
        rows.add(row("above", fakeBcrypt(13)));
        rows.add(row("hours", fakeBcrypt(31)));

        Http.Reply reply = Http.post(api + "/users/import", platformToken, Map.of("users", rows));

        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(1, reply.json().path("imported").asInt(), reply.raw().body());
        List<String> refused = new ArrayList<>();
        reply.json()
                .path("errors")
                .forEach(error -> refused.add(
                        error.path("row").asInt() + ":" + error.path("field").asText()));
        assertEquals(List.of("1:password_hash", "2:password_hash"), refused);
        assertTrue(
                reply.json().path("errors").get(0).path("message").asText().contains("12"),
                "the message names the cap: " + reply.raw().body());
        assertEquals(
                200, Fixtures.apiLogin(server, id, "atcap", "Old-Pass123").status(), "a hash at the cap still works");
        assertEquals(
                0,
                Http.get(api + "/users?search=above", platformToken)
                        .json()
                        .path("total")
                        .asInt());
    }

    @Test
    void aStoredBcryptHashAboveTheCapIsNeverVerified() throws Exception {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("cost"), false);
        // the way around the import's check: Keycloak's admin API stores any credential a platform admin hands it
        String hash = htpasswdBcrypt("Old-Pass123", 14);
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + id + "/users",
                platformToken,
                Map.of(
                        "username",
                        "smuggled",
                        "enabled",
                        true,
                        "email",
                        "smuggled@" + id + ".example",
                        "emailVerified",
                        true,
                        "firstName",
                        "Smug",
                        "lastName",
                        "Gled",
                        "credentials",
                        List.of(Map.of(
                                "type",
                                "password",
                                "secretData",
                                "{\"value\":\"" + hash + "\",\"salt\":\"\",\"additionalParameters\":{}}",
                                "credentialData",
                                "{\"hashIterations\":14,\"algorithm\":\"bcrypt\",\"additionalParameters\":{}}"))));
        assertEquals(201, created.status(), created.raw().body());

        Http.Reply login = Fixtures.apiLogin(server, id, "smuggled", "Old-Pass123");
        assertEquals(
                401,
                login.status(),
                "a hash above the cap is refused, even with the right password: "
                        + login.raw().body());
        assertTrue(server.log().contains("bcrypt hash of cost 14 is above the cap of 12"), "logged for the operator");
        assertFalse(server.log().contains(hash.substring(7)), "never the hash itself");
    }

    // ---- defects 6 and 14: tenant settings that break or slow down hashing

    private static Http.Reply putPolicy(String tenant, String token, String policy) {
        return Http.put(
                server.apiUrl(tenant) + "/tenants/" + tenant + "/settings", token, Map.of("password_policy", policy));
    }

    private static void assertRefused(Http.Reply reply, String field) {
        assertEquals(400, reply.status(), reply.raw().body());
        assertTrue(reply.header("Content-Type").startsWith("application/problem+json"), reply.header("Content-Type"));
        List<String> fields = new ArrayList<>();
        reply.json()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asText()));
        assertEquals(List.of(field), fields, reply.raw().body());
    }

    @Test
    void zeroHashIterationsAreRefusedAndTheTenantKeepsWorking() {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("pol"), false);
        String boss = Tokens.password(server, id, "boss", Fixtures.ADMIN_PASSWORD);
        String before = Http.get(server.apiUrl("master") + "/tenants/" + id + "/settings", platformToken)
                .json()
                .path("password_policy")
                .asText();

        assertRefused(putPolicy(id, boss, "length(8) and hashIterations(0)"), "password_policy");
        assertRefused(putPolicy(id, boss, "hashIterations(-5)"), "password_policy");
        assertRefused(
                putPolicy(id, platformToken, "hashAlgorithm(pbkdf2-sha256) and hashIterations(-2)"), "password_policy");
        assertEquals(
                before,
                Http.get(server.apiUrl("master") + "/tenants/" + id + "/settings", platformToken)
                        .json()
                        .path("password_policy")
                        .asText(),
                "nothing saved");

        String api = server.apiUrl(id);
        Http.Reply registered = Http.post(
                api + "/auth/register",
                null,
                Map.of("email", "new@" + id + ".example", "username", "newbie", "password", "Newbie-Pass123"));
        assertEquals(201, registered.status(), registered.raw().body());
        assertEquals(
                200, Fixtures.apiLogin(server, id, "newbie", "Newbie-Pass123").status());
        assertEquals(
                401,
                Fixtures.apiLogin(server, id, "nobody-here", "Newbie-Pass123").status(),
                "the dummy hash works too");
    }

    @Test
    void onlyKeycloaksAlgorithmsAtSaneCostsAreAccepted() {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("pol"), false);
        String boss = Tokens.password(server, id, "boss", Fixtures.ADMIN_PASSWORD);

        assertRefused(putPolicy(id, boss, "hashAlgorithm(bcrypt) and hashIterations(16)"), "password_policy");
        assertRefused(putPolicy(id, boss, "hashAlgorithm(bcrypt)"), "password_policy");
        assertRefused(putPolicy(id, boss, "hashIterations(31)"), "password_policy");
        assertRefused(
                putPolicy(id, boss, "hashAlgorithm(pbkdf2-sha256) and hashIterations(2147483647)"), "password_policy");
        assertRefused(
                putPolicy(id, boss, "hashAlgorithm(pbkdf2-sha512) and hashIterations(10000000)"), "password_policy");
        assertRefused(putPolicy(id, boss, "hashAlgorithm(argon2) and hashIterations(100)"), "password_policy");
        assertRefused(putPolicy(id, boss, "hashAlgorithm(md5)"), "password_policy");
        assertRefused(putPolicy(id, boss, "noSuchRule(3)"), "password_policy");

        for (String policy : List.of(
                "length(10) and hashAlgorithm(pbkdf2-sha512) and hashIterations(210000)",
                "hashAlgorithm(pbkdf2-sha256)",
                "hashAlgorithm(argon2) and hashIterations(5)",
                "hashIterations(3)",
                "hashIterations(-1)",
                "length(8) and upperCase(1) and digits(1)")) {
            Http.Reply accepted = putPolicy(id, boss, policy);
            assertEquals(200, accepted.status(), policy + ": " + accepted.raw().body());
            assertEquals(policy, accepted.json().path("password_policy").asText());
            String username = "u" + Integer.toHexString(policy.hashCode());
            Http.Reply registered = Http.post(
                    server.apiUrl(id) + "/auth/register",
                    null,
                    Map.of(
                            "email",
                            username + "@" + id + ".example",
                            "username",
                            username,
                            "password",
                            "Some-Pass12345"));
            assertEquals(
                    201, registered.status(), policy + ": " + registered.raw().body());
            assertEquals(
                    200,
                    Fixtures.apiLogin(server, id, username, "Some-Pass12345").status(),
                    policy);
        }
    }

    @Test
    void everyLockoutNumberIsCheckedAndABadOneSavesNothing() {
        String id = Fixtures.createTenant(server, platformToken, Fixtures.unique("pol"), false);
        String settings = server.apiUrl("master") + "/tenants/" + id + "/settings";
        JsonNode before = Http.get(settings, platformToken).json();

        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("max_failures", 0);
        bad.put("failure_window_minutes", -1);
        bad.put("lockout_minutes", 0);
        bad.put("lockout_cap_minutes", 600_000);
        bad.put("failures_per_ip_per_minute", 0);
        bad.put("requests_per_ip_per_minute", 2_000_000);
        bad.put("requests_per_username_per_minute", -3);
        bad.put("lockout_growth_factor", 0.5);
        bad.put("failure_mode", "maybe");
        Http.Reply refused = Http.put(
                settings,
                platformToken,
                Map.of("lockout", bad, "registration_allowed", false, "password_policy", "hashIterations(0)"));
        assertEquals(400, refused.status(), refused.raw().body());
        List<String> fields = new ArrayList<>();
        refused.json()
                .path("errors")
                .forEach(error -> fields.add(error.path("field").asText()));
        for (String field : bad.keySet()) {
            assertTrue(fields.contains("lockout." + field), field + " in " + fields);
        }
        assertTrue(fields.contains("password_policy"), fields.toString());

        Http.Reply capBelowLock = Http.put(
                settings, platformToken, Map.of("lockout", Map.of("lockout_minutes", 60, "lockout_cap_minutes", 30)));
        assertRefused(capBelowLock, "lockout.lockout_cap_minutes");
        assertEquals(before, Http.get(settings, platformToken).json(), "nothing saved");
    }
}
