package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: a tenant made before the client scope {@code tenant} and the default role (simulated: the scope removed,
 * the API client's own claims mapper back, a user without a role, its upgrade level reset to 0) is upgraded once at
 * the next start: its apps old and new get the claims, the role-less user can call {@code /users/me}; an up-to-date
 * tenant is not touched, and a second start changes nothing. Its own class, since it restarts the run's server.
 */
class TenantUpgradesIT {

    private static final String PASSWORD = "Upgrade-Pass123";
    private static final String CLAIMS_MAPPER = "user-management-tenant-claims";

    @Test
    void anOldTenantIsUpgradedOnceAtStart() throws Exception {
        KeycloakServer server = KeycloakServer.get();
        String platform = Tokens.platformAdmin(server);
        String old = Fixtures.createTenant(server, platform, Fixtures.unique("old"), false);
        String fresh = Fixtures.createTenant(server, platform, Fixtures.unique("fresh"), false);
        String admin = server.baseUrl() + "/admin/realms/" + old;
        String apiClient = Http.get(admin + "/clients?clientId=" + Tokens.API_CLIENT, platform)
                .json()
                .get(0)
                .path("id")
                .asText();

        // the tenant as the template of before made it
        String scope = scopeId(server, platform, old);
        assertEquals(
                204,
                Http.delete(admin + "/default-default-client-scopes/" + scope, platform)
                        .status());
        assertEquals(
                204,
                Http.delete(admin + "/clients/" + apiClient + "/default-client-scopes/" + scope, platform)
                        .status());
        assertEquals(
                204, Http.delete(admin + "/client-scopes/" + scope, platform).status());
        assertEquals(
                201,
                Http.post(
                                admin + "/clients/" + apiClient + "/protocol-mappers/models",
                                platform,
                                Map.of(
                                        "name",
                                        "tenant claims",
                                        "protocol",
                                        "openid-connect",
                                        "protocolMapper",
                                        CLAIMS_MAPPER,
                                        "config",
                                        Map.of(
                                                "access.token.claim",
                                                "true",
                                                "id.token.claim",
                                                "true",
                                                "userinfo.token.claim",
                                                "true")))
                        .status());
        TenantClaimsIT.registerApp(server, platform, old, "legacy");
        Http.Reply legacyBefore = Tokens.passwordGrant(server, old, "legacy", "boss", Fixtures.ADMIN_PASSWORD);
        assertFalse(
                SecurityFixtures.claims(legacyBefore.json().path("access_token").asText())
                        .has("tenant_id"),
                "precondition");
        Fixtures.createUser(server, platform, old, "roleless", PASSWORD, true, null);
        String rolelessToken = Fixtures.apiLogin(server, old, "roleless", PASSWORD)
                .json()
                .path("access_token")
                .asText();
        assertEquals(
                403, Http.get(server.apiUrl(old) + "/users/me", rolelessToken).status(), "precondition");
        setLevel(server, old, 0);
        int current = level(server, fresh);
        assertTrue(current >= 2, "the current level: " + current);

        restart(server);
        String log = server.log();
        assertEquals(1, count(log, "Tenant " + old + " upgraded from level 0 to " + current), "logged once");
        assertFalse(log.contains("Tenant " + fresh + " upgraded"), "an up-to-date tenant is not touched");
        assertEquals(current, level(server, old));

        platform = Tokens.platformAdmin(server);
        List<String> all = List.of("guest", "user", "moderator", "admin");
        TenantClaimsIT.assertTenantClaims(server, old, "legacy", "boss", Fixtures.ADMIN_PASSWORD, all);
        TenantClaimsIT.assertTenantClaims(
                server,
                old,
                TenantClaimsIT.registerApp(server, platform, old, "newer"),
                "boss",
                Fixtures.ADMIN_PASSWORD,
                all);
        TenantClaimsIT.assertTenantClaims(
                server,
                fresh,
                TenantClaimsIT.registerApp(server, platform, fresh, "newer"),
                "boss",
                Fixtures.ADMIN_PASSWORD,
                all);
        JsonNode client = Http.get(admin + "/clients/" + apiClient, platform).json();
        assertFalse(
                client.path("protocolMappers").toString().contains(CLAIMS_MAPPER),
                "the scope replaces the client's own mapper");
        assertTrue(client.path("defaultClientScopes").toString().contains("\"tenant\""), client.toString());
        Http.Reply login = Fixtures.apiLogin(server, old, "roleless", PASSWORD);
        Http.Reply me = Http.get(
                server.apiUrl(old) + "/users/me",
                login.json().path("access_token").asText());
        assertEquals(200, me.status(), me.raw().body());
        assertEquals(List.of("guest", "user"), TenantClaimsIT.texts(me.json().path("roles")));

        restart(server);
        log = server.log();
        assertEquals(1, count(log, "Tenant " + old + " upgraded"), "a second start upgrades nothing");
        assertEquals(
                1,
                count(log, "client 'user-management-api' added for platform admin logins"),
                "the platform set-up is idempotent");
    }

    /**
     * A start skips Liquibase while the history table holds every change set of ours; a database that lacks one still
     * gets it at the next start. Simulated with a change set that replaced the audit log's time index: its history
     * row gone and the index it drops back; it runs again, and its own index (dropped by a later one) is removed after.
     */
    @Test
    void aChangeSetTheDatabaseLacksRunsAtTheNextStart() throws Exception {
        KeycloakServer server = KeycloakServer.get();
        try (Connection db = db(server);
                Statement sql = db.createStatement()) {
            sql.executeUpdate("CREATE INDEX IDX_UM_AUDIT_TIME ON UM_AUDIT (REALM_ID, EVENT_TIME)");
            assertEquals(
                    1,
                    sql.executeUpdate(
                            "DELETE FROM DATABASECHANGELOG_USERMANAGE WHERE ID = '2026-11-25-audit-time-seq'"));
        }
        assertEquals(List.of("idx_um_audit_time", "idx_um_audit_time_pos"), auditTimeIndexes(server), "precondition");

        restart(server);
        assertEquals(
                List.of("idx_um_audit_time_pos", "idx_um_audit_time_seq"),
                auditTimeIndexes(server),
                "the missing change set ran");
        try (Connection db = db(server);
                Statement sql = db.createStatement()) {
            sql.executeUpdate("DROP INDEX IDX_UM_AUDIT_TIME_SEQ");
        }
    }

    private static List<String> auditTimeIndexes(KeycloakServer server) throws SQLException {
        try (Connection db = db(server);
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT INDEXNAME FROM PG_INDEXES WHERE TABLENAME = 'um_audit'"
                        + " AND INDEXNAME LIKE 'idx_um_audit_time%' ORDER BY INDEXNAME")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    private static void restart(KeycloakServer server) {
        server.restart();
        Tokens.forgetPlatformAdmin(server);
    }

    private static String scopeId(KeycloakServer server, String platform, String tenant) {
        for (JsonNode scope : Http.get(server.baseUrl() + "/admin/realms/" + tenant + "/client-scopes", platform)
                .json()) {
            if (scope.path("name").asText().equals("tenant")) {
                return scope.path("id").asText();
            }
        }
        throw new AssertionError("no client scope 'tenant' in " + tenant);
    }

    private static int count(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static Connection db(KeycloakServer server) throws SQLException {
        return DriverManager.getConnection(
                server.database().jdbcUrl(),
                server.database().user(),
                server.database().password());
    }

    private static void setLevel(KeycloakServer server, String tenant, int level) throws SQLException {
        try (Connection db = db(server);
                PreparedStatement update =
                        db.prepareStatement("UPDATE UM_TENANT SET UPGRADE_LEVEL = ? WHERE NAME = ?")) {
            update.setInt(1, level);
            update.setString(2, tenant);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static int level(KeycloakServer server, String tenant) throws SQLException {
        try (Connection db = db(server);
                PreparedStatement query = db.prepareStatement("SELECT UPGRADE_LEVEL FROM UM_TENANT WHERE NAME = ?")) {
            query.setString(1, tenant);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next(), tenant);
                return row.getInt(1);
            }
        }
    }
}
