package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Support for the audit tests beyond AuditIT: tenants with their boss's token, the log over HTTP, SQL on the audit
 * tables, and an independent implementation of the chain's hash (to age rows and re-seal the chain as if they had
 * been written long ago).
 */
final class AuditSupport {

    static final String PASSWORD = "Start-Pass123";
    static final String GENESIS = "0".repeat(64);

    record Tenant(String id, String realmId, String api, String bossToken) {
        String audit() {
            return api + "/audit";
        }
    }

    private final KeycloakServer server;

    AuditSupport(KeycloakServer server) {
        this.server = server;
    }

    String platform() {
        return Tokens.recentPlatformAdmin(server);
    }

    /** After a restart: new tokens. */
    void forgetTokens() {
        Tokens.forgetPlatformAdmin(server);
    }

    /** A tenant whose rate limits do not get in the way of load tests. */
    Tenant tenant(String prefix) {
        String id = Fixtures.createTenant(server, platform(), Fixtures.unique(prefix), false);
        String realmId = Http.get(server.baseUrl() + "/admin/realms/" + id, platform())
                .json()
                .path("id")
                .asText();
        Http.Reply settings = Http.put(
                server.apiUrl(id) + "/tenants/" + id + "/settings",
                platform(),
                Map.of(
                        "lockout",
                        Map.of(
                                "failures_per_ip_per_minute",
                                1_000_000,
                                "requests_per_ip_per_minute",
                                1_000_000,
                                "requests_per_username_per_minute",
                                1_000_000)));
        assertEquals(200, settings.status(), settings.raw().body());
        return new Tenant(id, realmId, server.apiUrl(id), boss(id));
    }

    /** The tenant's settings URL. */
    static String settings(Tenant tenant) {
        return tenant.api() + "/tenants/" + tenant.id() + "/settings";
    }

    String boss(String tenantId) {
        Http.Reply login = login(server.apiUrl(tenantId), "boss", Fixtures.ADMIN_PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        return login.json().path("access_token").asText();
    }

    Tenant withFreshToken(Tenant tenant) {
        return new Tenant(tenant.id(), tenant.realmId(), tenant.api(), boss(tenant.id()));
    }

    String user(Tenant tenant, String username) {
        return Fixtures.createUser(server, platform(), tenant.id(), username, PASSWORD, true, null);
    }

    static Http.Reply login(String api, String username, String password) {
        return Http.post(api + "/auth/login", null, Map.of("username", username, "password", password));
    }

    /** Every row matching the query, following next_after, once every committed row is sealed. */
    List<JsonNode> rows(Tenant tenant, String query) {
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

    /** The verification once the sealer has chained every committed row (it runs every second). */
    JsonNode verify(Tenant tenant) {
        return sealedVerification(tenant.audit(), tenant.bossToken());
    }

    static JsonNode sealedVerification(String audit, String token) {
        long until = System.currentTimeMillis() + 60_000;
        while (true) {
            Http.Reply reply = Http.get(audit + "/verify", token);
            assertEquals(200, reply.status(), reply.raw().body());
            if (reply.json().path("unsealed_rows").asLong() == 0 || System.currentTimeMillis() > until) {
                assertEquals(
                        0,
                        reply.json().path("unsealed_rows").asLong(),
                        "rows still unsealed after 60 s: " + reply.raw().body());
                return reply.json();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Waits until the sealer has chained every committed row of the realm (read in SQL, no verification). */
    void awaitSealed(Tenant tenant) {
        Wait.until(
                "the sealer to chain the committed rows",
                Duration.ofSeconds(60),
                () -> number("SELECT COUNT(*) FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ IS NULL", tenant.realmId())
                        == 0);
    }

    /** The rows' chain sequences are 1..n (or from..from+n-1): each once, none missing, in whatever order they came. */
    static void assertContiguous(List<JsonNode> rows, long from) {
        List<Long> sequences =
                rows.stream().map(row -> row.path("sequence").asLong()).sorted().toList();
        for (int i = 0; i < sequences.size(); i++) {
            assertEquals(from + i, sequences.get(i), "no gaps, no repeats: " + sequences);
        }
    }

    String metrics() {
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            return metrics.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a metric's samples whose labels contain every given fragment; 0 when there are none. */
    static double metric(String metrics, String name, String... labelFragments) {
        double sum = 0;
        for (String line : metrics.lines().toList()) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String fragment : labelFragments) {
                all &= line.contains(fragment);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    Connection connect() throws SQLException {
        TestDatabase db = server.database();
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    int sql(String statement, Object... params) {
        try (Connection connection = connect();
                PreparedStatement prepared = prepare(connection, statement, params)) {
            return prepared.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long number(String query, Object... params) {
        try (Connection connection = connect();
                PreparedStatement prepared = prepare(connection, query, params);
                ResultSet result = prepared.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String statement, Object... params)
            throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statement);
        for (int i = 0; i < params.length; i++) {
            prepared.setObject(i + 1, params[i]);
        }
        return prepared;
    }

    /**
     * Puts {@code count} rows dated {@code age} ago at the start of the realm's chain (the realm's own rows move up
     * behind them) and re-seals the whole chain and its head, as if the old rows had been written back then. The
     * realm must be quiet meanwhile. Its checkpoint must still be the genesis.
     */
    void prependOldRows(Tenant tenant, int count, Duration age) {
        awaitSealed(tenant); // every row sealed: the sealer has nothing to do meanwhile
        long then = System.currentTimeMillis() - age.toMillis();
        // two steps, since the (realm, sequence) key is checked row by row
        sql("UPDATE UM_AUDIT SET SEQ = SEQ + ? WHERE REALM_ID = ?", count + 1_000_000_000L, tenant.realmId());
        sql("UPDATE UM_AUDIT SET SEQ = SEQ - 1000000000 WHERE REALM_ID = ?", tenant.realmId());
        sql(
                "INSERT INTO UM_AUDIT (ID, REALM_ID, SEQ, EVENT_TIME, TYPE, USER_ID, OUTCOME, DETAILS, PREV_HASH, HASH)"
                        + " SELECT gen_random_uuid()::text, ?, n, ? + n, 'LOGIN', 'old-user', 'success', '{\"old\":' || n || '}', '', ''"
                        + " FROM generate_series(1, ?) AS n",
                tenant.realmId(),
                then,
                count);
        // write order as chain order: fresh positions (above every other) in sequence order
        sql(
                "UPDATE UM_AUDIT a SET POS = renumbered.pos FROM (SELECT ID, nextval('um_audit_pos') AS pos FROM"
                        + " (SELECT ID FROM UM_AUDIT WHERE REALM_ID = ? ORDER BY SEQ) ordered) renumbered WHERE a.ID = renumbered.ID",
                tenant.realmId());
        reseal(tenant);
    }

    /**
     * Recomputes every sealed row's prev_hash and hash in sequence order from the genesis, and the head's last hash,
     * and drops the realm's signed checkpoints (a test fixture that rewrites history on purpose, as if it had been
     * written so; a real rewrite keeps them, and verify reports it, see AuditCheckpointIT).
     */
    void reseal(Tenant tenant) {
        rewrite(tenant, true);
    }

    /**
     * Recomputes the realm's whole chain in SQL as an attacker with database access would: every sealed row's hashes
     * from the genesis and the head's. {@code dropCheckpoints}: as a fixture (see {@link #reseal}); false: the attack.
     */
    void rewrite(Tenant tenant, boolean dropCheckpoints) {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = prepare(
                    connection, "SELECT LAST_SEQ FROM UM_AUDIT_HEAD WHERE REALM_ID = ? FOR UPDATE", tenant.realmId())) {
                lock.executeQuery().close();
            }
            String previous = GENESIS;
            long last = 0;
            try (PreparedStatement select = prepare(
                            connection,
                            "SELECT ID, REALM_ID, SEQ, EVENT_TIME, TYPE, USER_ID, CLIENT_ID,"
                                    + " IP_ADDRESS, TARGET, SESSION_ID, OUTCOME, ERROR, DETAILS FROM UM_AUDIT WHERE REALM_ID = ? AND SEQ IS NOT NULL ORDER BY SEQ",
                            tenant.realmId());
                    PreparedStatement update =
                            connection.prepareStatement("UPDATE UM_AUDIT SET PREV_HASH = ?, HASH = ? WHERE ID = ?");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    List<String> fields = new ArrayList<>();
                    for (int column = 1; column <= 13; column++) {
                        fields.add(rows.getString(column));
                    }
                    String hash = hash(previous, fields);
                    update.setString(1, previous);
                    update.setString(2, hash);
                    update.setString(3, rows.getString(1));
                    update.addBatch();
                    previous = hash;
                    last = rows.getLong(3);
                }
                update.executeBatch();
            }
            try (PreparedStatement head = prepare(
                            connection,
                            "UPDATE UM_AUDIT_HEAD SET LAST_SEQ = ?, LAST_HASH = ?, SIGNED_SEQ = 0,"
                                    + " SIGNED_AT = 0 WHERE REALM_ID = ?",
                            last,
                            previous,
                            tenant.realmId());
                    PreparedStatement checkpoints = prepare(
                            connection, "DELETE FROM UM_AUDIT_CHECKPOINT WHERE REALM_ID = ?", tenant.realmId())) {
                assertEquals(1, head.executeUpdate());
                if (dropCheckpoints) {
                    checkpoints.executeUpdate();
                    // and no verification progress: the rewritten history is verified from scratch
                    try (PreparedStatement progress = prepare(
                            connection,
                            "UPDATE UM_AUDIT_HEAD SET VERIFIED_SEQ = 0, SWEEP_SEQ = 0" + " WHERE REALM_ID = ?",
                            tenant.realmId())) {
                        progress.executeUpdate();
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The chain's hash as the README defines it: SHA-256 over the previous hash, a newline, and the row's canonical
     * form ("um-audit-v1\n", then each field in table order as {@code length:value;}, a null as {@code -;}).
     */
    static String hash(String previous, List<String> fields) {
        StringBuilder canonical = new StringBuilder("um-audit-v1\n");
        for (String field : fields) {
            canonical.append(field == null ? "-;" : field.length() + ":" + field + ";");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((previous + "\n").getBytes(StandardCharsets.US_ASCII));
            sha.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
