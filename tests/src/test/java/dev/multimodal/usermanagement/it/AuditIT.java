package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
import org.junit.jupiter.api.Test;

/**
 * The audit log over HTTP against the real server: user and admin events recorded once with their fields and no
 * secrets, one row per event under concurrent logins with a verifying chain, tampering in the database found by
 * /audit/verify, export, and tenant isolation. Each test makes its own tenants.
 */
class AuditIT {

    private static final String ADMIN_PASSWORD = "Admin-Pass123";
    private static final String PASSWORD = "Start-Pass123";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeycloakServer server;

    @BeforeAll
    static void start() {
        server = KeycloakServer.get();
    }

    // ---------------------------------------------------------------- fixtures

    private record Tenant(String id, String realmId, String api, String bossToken) {
        String audit() {
            return api + "/audit";
        }
    }

    private record Account(String id, String username) {}

    private static String platform() {
        return Tokens.recentPlatformAdmin(server);
    }

    private static Tenant tenant() {
        String id = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "Audit " + id);
        body.put("admin_email", "boss@" + id + ".example");
        body.put("admin_username", "boss");
        body.put("admin_password", ADMIN_PASSWORD);
        Http.Reply reply = Http.post(server.apiUrl("master") + "/tenants", platform(), body);
        assertEquals(201, reply.status(), reply.raw().body());
        String realmId = Http.get(server.baseUrl() + "/admin/realms/" + id, platform())
                .json()
                .path("id")
                .asText();
        assertFalse(realmId.isEmpty());
        String api = server.apiUrl(id);
        Http.Reply login = login(api, "boss", ADMIN_PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        return new Tenant(id, realmId, api, login.json().path("access_token").asText());
    }

    /** A user made through Keycloak's admin REST API with a permanent password (an admin event with a secret). */
    private static Account account(Tenant tenant, String username) {
        Http.Reply created = Http.post(
                server.baseUrl() + "/admin/realms/" + tenant.id() + "/users",
                platform(),
                Map.of(
                        "username",
                        username,
                        "enabled",
                        true,
                        "email",
                        username + "@" + tenant.id() + ".example",
                        "emailVerified",
                        true,
                        "firstName",
                        "U",
                        "lastName",
                        "Ser",
                        "credentials",
                        List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        assertEquals(201, created.status(), created.raw().body());
        String location = created.header("Location");
        return new Account(location.substring(location.lastIndexOf('/') + 1), username);
    }

    private static Http.Reply login(String api, String username, String password) {
        return Http.post(api + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /** Every row matching the query, following next_after, once every committed row is sealed. */
    private static List<JsonNode> rows(Tenant tenant, String query) {
        verify(tenant);
        List<JsonNode> all = new ArrayList<>();
        String after = "0";
        while (after != null) {
            Http.Reply page = Http.get(
                    tenant.audit() + "?limit=100&after=" + after + (query.isEmpty() ? "" : "&" + query),
                    tenant.bossToken());
            assertEquals(200, page.status(), page.raw().body());
            page.json().path("items").forEach(all::add);
            JsonNode next = page.json().path("next_after");
            after = next.isNull() || next.isMissingNode() ? null : next.asText();
        }
        return all;
    }

    private static JsonNode verify(Tenant tenant) {
        return AuditSupport.sealedVerification(tenant.audit(), tenant.bossToken());
    }

    private static int sql(String statement, Object... params) {
        TestDatabase db = server.database();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                prepared.setObject(i + 1, params[i]);
            }
            return prepared.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tenant with a few rows: an admin event and three logins. */
    private static Tenant tenantWithRows() {
        Tenant tenant = tenant();
        Account alice = account(tenant, "alice");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, login(tenant.api(), alice.username(), PASSWORD).status());
        }
        JsonNode verified = verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("rows_checked").asLong() >= 5, verified.toString());
        return tenant;
    }

    // ---------------------------------------------------------------- capture

    @Test
    void successfulAndFailedLoginsAreRecordedOnceWithTheirFields() {
        Tenant tenant = tenant();
        Account alice = account(tenant, "alice");
        assertEquals(200, login(tenant.api(), "alice", PASSWORD).status());
        assertEquals(401, login(tenant.api(), "alice", "Wrong-Pass999").status());

        List<JsonNode> logins = rows(tenant, "type=LOGIN&user=" + alice.id());
        assertEquals(1, logins.size(), logins.toString());
        JsonNode login = logins.get(0);
        assertEquals("success", login.path("outcome").asText());
        assertEquals(Tokens.API_CLIENT, login.path("client_id").asText());
        assertFalse(login.path("ip").asText().isEmpty());
        assertFalse(login.path("session_id").asText().isEmpty());
        assertEquals(alice.id(), login.path("target").asText());
        assertTrue(login.path("sequence").asLong() > 0);
        assertTrue(login.path("position").asLong() > 0);
        assertTrue(login.path("sealed").asBoolean());
        assertEquals(64, login.path("hash").asText().length());

        List<JsonNode> failures = rows(tenant, "type=LOGIN_ERROR");
        assertEquals(1, failures.size(), failures.toString());
        JsonNode failure = failures.get(0);
        assertEquals("error", failure.path("outcome").asText());
        assertFalse(failure.path("error").asText().isEmpty());
        assertEquals(alice.id(), failure.path("user_id").asText());
        assertFalse(failure.toString().contains("Wrong-Pass999"));

        assertEquals(1, rows(tenant, "outcome=error").size());
        assertTrue(verify(tenant).path("valid").asBoolean());
    }

    @Test
    void adminEventsAreRecordedOnceWithoutSecrets() throws InterruptedException {
        Tenant tenant = tenant();
        Account bob = account(tenant, "bob");
        Http.Reply reset = Http.put(
                server.baseUrl() + "/admin/realms/" + tenant.id() + "/users/" + bob.id() + "/reset-password",
                platform(),
                Map.of("type", "password", "value", "Other-Pass456", "temporary", false));
        assertEquals(204, reset.status(), reset.raw().body());

        List<JsonNode> created = rows(tenant, "type=ADMIN_USER_CREATE");
        assertEquals(1, created.size(), created.toString());
        JsonNode row = created.get(0);
        assertEquals("users/" + bob.id(), row.path("target").asText());
        assertEquals("success", row.path("outcome").asText());
        assertFalse(row.path("user_id").asText().isEmpty(), "the acting admin");
        assertEquals("admin-cli", row.path("client_id").asText());
        assertEquals(
                "bob",
                row.path("details").path("representation").path("username").asText());
        assertFalse(row.path("details").path("representation").has("credentials"));

        Http.Reply export = Http.get(tenant.audit() + "/export?format=ndjson", tenant.bossToken());
        assertEquals(200, export.status(), export.raw().body());
        String everything = export.raw().body();
        assertTrue(everything.contains("ADMIN_USER_ACTION") || everything.contains("reset-password"), everything);
        assertFalse(everything.contains(PASSWORD), "password of the created user in the log");
        assertFalse(everything.contains("Other-Pass456"), "reset password in the log");
        assertFalse(everything.contains(ADMIN_PASSWORD));

        boolean logged = false;
        for (int i = 0; i < 50 && !logged; i++) {
            logged = server.log()
                    .lines()
                    .anyMatch(line -> line.contains("dev.multimodal.usermanagement.audit")
                            && line.contains("ADMIN_USER_CREATE")
                            && line.contains("users/" + bob.id()));
            if (!logged) {
                Thread.sleep(100);
            }
        }
        assertTrue(logged, "no audit log line for the admin event");
        assertFalse(server.log().contains("Other-Pass456"));
        assertFalse(server.log().contains(PASSWORD));
    }

    @Test
    void exportStreamsEveryRowAsNdjsonAndCsv() throws Exception {
        Tenant tenant = tenantWithRows();
        int count = rows(tenant, "").size();
        Http.Reply ndjson = Http.get(tenant.audit() + "/export?format=ndjson", tenant.bossToken());
        assertEquals(200, ndjson.status(), ndjson.raw().body());
        String[] lines = ndjson.raw().body().split("\n");
        assertEquals(count, lines.length);
        List<JsonNode> exported = new ArrayList<>();
        long previous = 0;
        for (String line : lines) {
            JsonNode row = JSON.readTree(line);
            assertTrue(row.path("position").asLong() > previous, "write order");
            previous = row.path("position").asLong();
            exported.add(row);
        }
        AuditSupport.assertContiguous(exported, 1);
        Http.Reply csv = Http.get(tenant.audit() + "/export?format=csv", tenant.bossToken());
        assertEquals(200, csv.status(), csv.raw().body());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
        String[] csvLines = csv.raw().body().split("\r\n");
        assertTrue(csvLines[0].startsWith("position,sequence,time,type"));
        assertEquals(count + 1, csvLines.length);
        assertEquals(
                400,
                Http.get(tenant.audit() + "/export?format=xml", tenant.bossToken())
                        .status());
    }

    @Test
    void filtersAndKeysetPagesWork() {
        Tenant tenant = tenantWithRows();
        List<JsonNode> all = rows(tenant, "");
        Http.Reply first = Http.get(tenant.audit() + "?limit=2", tenant.bossToken());
        assertEquals(2, first.json().path("items").size());
        long next = first.json().path("next_after").asLong();
        Http.Reply second = Http.get(tenant.audit() + "?limit=2&after=" + next, tenant.bossToken());
        assertEquals(
                all.get(2).path("position").asLong(),
                second.json().path("items").get(0).path("position").asLong());
        assertTrue(second.json().path("items").get(0).path("position").asLong() > next);
        assertEquals(
                all.stream()
                        .filter(r -> r.path("type").asText().equals("LOGIN"))
                        .count(),
                rows(tenant, "type=LOGIN").size());
        assertEquals(0, rows(tenant, "from=2999-01-01T00:00:00Z").size());
        assertEquals(
                all.size(),
                rows(tenant, "from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z")
                        .size());
        // a window inside the log: exactly the rows whose time is in [from, to), in write order, paged by 1
        long from = java.time.Instant.parse(all.get(1).path("time").asText()).toEpochMilli();
        long to = java.time.Instant.parse(all.get(all.size() - 1).path("time").asText())
                .toEpochMilli();
        List<Long> expected = all.stream()
                .filter(r -> {
                    long time = java.time.Instant.parse(r.path("time").asText()).toEpochMilli();
                    return time >= from && time < to;
                })
                .map(r -> r.path("position").asLong())
                .toList();
        assertFalse(expected.isEmpty());
        List<Long> windowed = new ArrayList<>();
        String after = "0";
        while (after != null) {
            JsonNode page = Http.get(
                            tenant.audit() + "?limit=1&from=" + from + "&to=" + to + "&after=" + after,
                            tenant.bossToken())
                    .json();
            page.path("items")
                    .forEach(item -> windowed.add(item.path("position").asLong()));
            after = page.path("next_after").isNull() || page.path("next_after").isMissingNode()
                    ? null
                    : page.path("next_after").asText();
        }
        assertEquals(expected, windowed);
        assertEquals(0, rows(tenant, "client=nobody").size());
        assertEquals(
                400, Http.get(tenant.audit() + "?limit=101", tenant.bossToken()).status());
        assertEquals(
                400,
                Http.get(tenant.audit() + "?outcome=maybe", tenant.bossToken()).status());
        assertEquals(
                400,
                Http.get(tenant.audit() + "?from=yesterday", tenant.bossToken()).status());
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentLoginsGiveOneRowPerLoginAndAVerifyingChain() throws Exception {
        int tenantsCount = 4;
        int usersPerTenant = 10;
        int loginsPerUser = 5;
        List<Tenant> tenants = new ArrayList<>();
        List<Callable<Boolean>> logins = new ArrayList<>();
        for (int t = 0; t < tenantsCount; t++) {
            Tenant tenant = tenant();
            tenants.add(tenant);
            for (int u = 0; u < usersPerTenant; u++) {
                Account account = account(tenant, "load" + u);
                for (int i = 0; i < loginsPerUser; i++) {
                    logins.add(() ->
                            login(tenant.api(), account.username(), PASSWORD).status() == 200);
                }
            }
        }
        java.util.Collections.shuffle(logins);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int ok = 0;
        try {
            for (Future<Boolean> result : pool.invokeAll(logins)) {
                if (result.get()) {
                    ok++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(tenantsCount * usersPerTenant * loginsPerUser, ok, "every login succeeds");
        int loginRows = 0;
        for (Tenant tenant : tenants) {
            List<JsonNode> all = rows(tenant, "");
            // the boss's login and the users' logins; the users' creation as admin events
            loginRows += (int) all.stream()
                            .filter(r -> r.path("type").asText().equals("LOGIN")
                                    && !r.path("target").asText().isEmpty())
                            .count()
                    - 1;
            AuditSupport.assertContiguous(all, 1);
            JsonNode verified = verify(tenant);
            assertTrue(verified.path("valid").asBoolean(), verified.toString());
            assertEquals(all.size(), verified.path("rows_checked").asLong());
        }
        assertEquals(ok, loginRows);
    }

    @Test
    void firstEventsOfARealmAllLandAndAreChained() throws Exception {
        Tenant tenant = tenant();
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            accounts.add(account(tenant, "first" + i));
        }
        verify(tenant);
        // back to a realm without a log: no rows, no head, no checkpoints
        sql("DELETE FROM UM_AUDIT WHERE REALM_ID = ?", tenant.realmId());
        assertEquals(1, sql("DELETE FROM UM_AUDIT_HEAD WHERE REALM_ID = ?", tenant.realmId()));
        sql("DELETE FROM UM_AUDIT_CHECKPOINT WHERE REALM_ID = ?", tenant.realmId());
        // eight concurrent first events: the sealer creates the realm's head and chains them
        List<Callable<Integer>> logins = new ArrayList<>();
        for (Account account : accounts) {
            logins.add(() -> login(tenant.api(), account.username(), PASSWORD).status());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Integer> status : pool.invokeAll(logins)) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<JsonNode> all = rows(tenant, "");
        assertEquals(8, all.size(), all.toString());
        AuditSupport.assertContiguous(all, 1);
        assertTrue(all.stream().allMatch(row -> row.path("type").asText().equals("LOGIN")), all.toString());
        JsonNode verified = verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(8, verified.path("rows_checked").asLong());
    }

    // ---------------------------------------------------------------- tamper evidence

    @Test
    void editedRowIsFoundByVerify() {
        Tenant tenant = tenantWithRows();
        assertEquals(1, sql("UPDATE UM_AUDIT SET TYPE = 'LOGOUT' WHERE REALM_ID = ? AND SEQ = 3", tenant.realmId()));
        JsonNode verified = verify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(3, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
        assertFalse(verified.path("first_invalid").path("reason").asText().isEmpty());
    }

    @Test
    void deletedRowIsFoundByVerify() {
        Tenant tenant = tenantWithRows();
        assertEquals(1, sql("DELETE FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = 2", tenant.realmId()));
        JsonNode verified = verify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(2, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
    }

    @Test
    void deletedLastRowIsFoundByVerify() {
        Tenant tenant = tenantWithRows();
        assertEquals(
                1,
                sql(
                        "DELETE FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = (SELECT MAX(SEQ) FROM UM_AUDIT WHERE REALM_ID = ?)",
                        tenant.realmId(),
                        tenant.realmId()));
        assertFalse(verify(tenant).path("valid").asBoolean());
    }

    @Test
    void insertedRowIsFoundByVerify() {
        Tenant tenant = tenantWithRows();
        assertEquals(
                1,
                sql(
                        "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, USER_ID, OUTCOME, DETAILS, PREV_HASH, HASH)"
                                + " SELECT ?, REALM_ID, MAX(SEQ) + 1, MAX(EVENT_TIME), 'LOGIN', 'someone', 'success', '{}', MAX(HASH), MAX(HASH)"
                                + " FROM UM_AUDIT WHERE REALM_ID = ? GROUP BY REALM_ID",
                        UUID.randomUUID().toString(),
                        tenant.realmId()));
        JsonNode verified = verify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("first_invalid").path("reason").asText().contains("inserted"), verified.toString());
    }

    @Test
    void insertedRowInTheMiddleIsFoundByVerify() {
        Tenant tenant = tenantWithRows();
        // make room: shift rows 3.. up by one, then put a forged row at 3
        sql("UPDATE UM_AUDIT SET SEQ = SEQ + 1000 WHERE REALM_ID = ? AND SEQ >= 3", tenant.realmId());
        sql("UPDATE UM_AUDIT SET SEQ = SEQ - 999 WHERE REALM_ID = ? AND SEQ >= 1003", tenant.realmId());
        sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, PREV_HASH, HASH)"
                        + " SELECT ?, REALM_ID, 3, EVENT_TIME, 'LOGIN', 'success', HASH, HASH FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ = 2",
                UUID.randomUUID().toString(),
                tenant.realmId());
        JsonNode verified = verify(tenant);
        assertFalse(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(3, verified.path("first_invalid").path("sequence").asLong(), verified.toString());
    }

    @Test
    void exportOfManyRowsStreamsThemAll() {
        Tenant tenant = tenant();
        int extra = 20_000;
        // rows straight into the table (the export does not care about the chain): many keyset batches
        sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, OUTCOME, DETAILS, PREV_HASH, HASH)"
                        + " SELECT md5(random()::text || n::text), ?, 1000 + n, 0, 'BULK', 'success', '{\"n\":' || n || '}', 'x', 'y'"
                        + " FROM generate_series(1, ?) AS n",
                tenant.realmId(),
                extra);
        Http.Reply ndjson = Http.get(tenant.audit() + "/export?format=ndjson&type=BULK", tenant.bossToken());
        assertEquals(200, ndjson.status());
        assertEquals(extra, ndjson.raw().body().lines().count());
        Http.Reply csv = Http.get(tenant.audit() + "/export?format=csv", tenant.bossToken());
        assertEquals(200, csv.status());
        assertTrue(csv.raw().body().split("\r\n").length > extra);
    }

    @Test
    void metricsCountRowsAndVerifications() throws Exception {
        Tenant tenant = tenantWithRows();
        verify(tenant);
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.managementUrl() + "/metrics"))
                                .GET()
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(text.contains("um_audit_rows_written_total"), "no rows-written metric");
        assertTrue(text.contains("um_audit_write_failures_total"), "no write-failure metric");
        assertTrue(
                text.lines()
                        .anyMatch(line ->
                                line.startsWith("um_audit_verifications_total") && line.contains("result=\"valid\"")),
                "no verification metric");
    }

    // ---------------------------------------------------------------- who may read

    @Test
    void eachTenantSeesOnlyItsOwnLog() {
        Tenant a = tenantWithRows();
        Tenant b = tenantWithRows();
        Account carol = account(b, "carol");
        assertEquals(200, login(b.api(), "carol", PASSWORD).status());

        assertEquals(403, Http.get(b.audit(), a.bossToken()).status(), "a tenant admin on another tenant's log");
        assertEquals(403, Http.get(b.audit() + "/verify", a.bossToken()).status());
        assertEquals(403, Http.get(b.audit() + "/export", a.bossToken()).status());
        assertTrue(rows(a, "user=" + carol.id()).isEmpty(), "b's rows in a's log");
        assertTrue(rows(a, "").stream().noneMatch(r -> r.path("target").asText().contains(carol.id())));

        // the platform URL's log is the platform realm's: not a tenant admin's to read
        assertEquals(
                403,
                Http.get(server.apiUrl("master") + "/audit?user=" + carol.id(), a.bossToken())
                        .status());

        Http.Reply platformReads = Http.get(b.audit() + "?user=" + carol.id(), platform());
        assertEquals(200, platformReads.status(), platformReads.raw().body());
        assertTrue(platformReads.json().path("items").size() >= 1);
        assertEquals(200, Http.get(b.audit() + "/verify", platform()).status());

        String carolToken =
                login(b.api(), "carol", PASSWORD).json().path("access_token").asText();
        assertEquals(403, Http.get(b.audit(), carolToken).status(), "a plain user has no audit:read");
        assertEquals(401, Http.get(b.audit()).status());
        assertNotNull(carolToken);
    }
}
