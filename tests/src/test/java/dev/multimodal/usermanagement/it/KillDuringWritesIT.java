package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL while registrations and tenant creations are in flight, then a restart on the same database: no half-made
 * user (each has its role and password, each acknowledged one exists), no half-made tenant (registry row and realm
 * go together, each tenant has its admin, roles, API client and login flow), each committed action has its audit
 * row, and the node serves again. It kills the run's server and restarts it on the same ports, as {@link AuditCrashIT}.
 */
class KillDuringWritesIT {

    private static final String PASSWORD = "Correct-Horse-42";
    private static final List<String> TENANT_ROLES = List.of("guest", "user", "moderator", "admin");
    private static final OutageChecks CHECKS = new OutageChecks();

    @AfterAll
    static void printCounts() {
        CHECKS.print("SIGKILL during registrations and tenant creations");
    }

    @Test
    void killDuringRegistrationsAndTenantCreationsLeavesNothingHalfMade() throws Exception {
        KeycloakServer server = KeycloakServer.get();
        String platformToken = Tokens.platformAdmin(server);
        String tenant = Fixtures.createTenant(server, platformToken, Fixtures.unique("kill"), false);
        assertEquals(
                200,
                Http.put(
                                server.apiUrl("master") + "/tenants/" + tenant + "/settings",
                                platformToken,
                                Map.of("registration_allowed", true))
                        .status());
        String prefix = "k" + Long.toString(System.nanoTime(), 36).substring(4);

        Map<String, String> ackedUsers = new ConcurrentHashMap<>(); // username -> id
        Set<String> ackedTenants = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    try {
                        if (thread < 4) {
                            String username = prefix + "-u" + thread + "-" + n;
                            Http.Reply reply = Http.post(
                                    server.apiUrl(tenant) + "/auth/register",
                                    null,
                                    Map.of(
                                            "username",
                                            username,
                                            "email",
                                            username + "@" + tenant + ".example",
                                            "password",
                                            PASSWORD));
                            if (reply.status() == 201) {
                                ackedUsers.put(username, reply.json().path("id").asText());
                            }
                        } else {
                            String id = prefix + "-t" + thread + "-" + n;
                            Http.Reply reply = Fixtures.postTenant(server, platformToken, id, false);
                            if (reply.status() == 201) {
                                ackedTenants.add(id);
                            }
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet(); // the kill: no answer, so no promise
                    }
                }
            });
        }
        Wait.until(
                "the burst to be running",
                Duration.ofMinutes(5),
                () -> ackedUsers.size() >= 20 && ackedTenants.size() >= 3);
        server.kill();
        Thread.sleep(500);
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        System.out.printf(
                "[it] killed after %d registrations and %d tenant creations acknowledged; %d requests failed%n",
                ackedUsers.size(), ackedTenants.size(), failed.get());
        CHECKS.check(failed.get() > 0, "the kill hit requests in flight");

        server.restart();

        try (Connection db = DriverManager.getConnection(
                server.database().jdbcUrl(),
                server.database().user(),
                server.database().password())) {
            checkUsers(CHECKS, db, tenant, prefix, ackedUsers);
            checkTenants(CHECKS, db, prefix, ackedTenants);
        }

        // and it serves again: a login, a registration and a tenant creation
        String anyUser = ackedUsers.keySet().iterator().next();
        CHECKS.check(
                Fixtures.apiLogin(server, tenant, anyUser, PASSWORD).status() == 200,
                "an acknowledged user logs in after the restart");
        String fresh = prefix + "-after";
        CHECKS.check(
                Http.post(
                                        server.apiUrl(tenant) + "/auth/register",
                                        null,
                                        Map.of(
                                                "username",
                                                fresh,
                                                "email",
                                                fresh + "@" + tenant + ".example",
                                                "password",
                                                PASSWORD))
                                .status()
                        == 201,
                "a registration after the restart");
        String platformAgain = Tokens.platformAdmin(server);
        CHECKS.check(
                Fixtures.postTenant(server, platformAgain, fresh, false).status() == 201,
                "a tenant creation after the restart");
        CHECKS.assertNone();
    }

    /** Every user of the burst that exists is whole and audited; every acknowledged one exists. */
    static void checkUsers(OutageChecks checks, Connection db, String tenant, String prefix, Map<String, String> acked)
            throws SQLException {
        String realmId = single(db, "SELECT id FROM realm WHERE name = ?", tenant);
        Map<String, String> stored = new java.util.HashMap<>(); // username -> id
        try (PreparedStatement query =
                db.prepareStatement("SELECT username, id FROM user_entity WHERE realm_id = ? AND username LIKE ?")) {
            query.setString(1, realmId);
            query.setString(2, prefix + "-u%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        for (Map.Entry<String, String> user : acked.entrySet()) {
            checks.check(
                    user.getValue().equals(stored.get(user.getKey())),
                    "acknowledged user " + user.getKey() + " exists");
        }
        Set<String> registered = new HashSet<>(
                list(db, "SELECT user_id FROM um_audit WHERE realm_id = ? AND type = 'REGISTER'", realmId));
        for (Map.Entry<String, String> user : stored.entrySet()) {
            String id = user.getValue();
            checks.check(
                    count(db, "SELECT count(*) FROM credential WHERE user_id = ? AND type = 'password'", id) == 1,
                    "user " + user.getKey() + " has one password");
            checks.check(hasRealmRole(db, id, "user"), "user " + user.getKey() + " has the role user");
            checks.check(registered.contains(id), "user " + user.getKey() + " has its REGISTER audit row");
        }
        System.out.printf(
                "[it] %d users of the burst stored, %d acknowledged (the rest committed, answer lost in the kill)%n",
                stored.size(), acked.size());
    }

    /** Registry and realms go together; each tenant of the burst has its admin, roles, client, flow and audit row. */
    static void checkTenants(OutageChecks checks, Connection db, String prefix, Set<String> acked) throws SQLException {
        checks.check(
                list(db, "SELECT t.name FROM um_tenant t LEFT JOIN realm r ON r.id = t.realm_id WHERE r.id IS NULL")
                        .isEmpty(),
                "every UM_TENANT row has its realm");
        checks.check(
                list(
                                db,
                                "SELECT r.name FROM realm r LEFT JOIN um_tenant t ON t.realm_id = r.id WHERE t.realm_id IS NULL AND r.name <> 'master'")
                        .isEmpty(),
                "every realm but master has its UM_TENANT row");
        List<String> stored = list(db, "SELECT name FROM realm WHERE name LIKE ?", prefix + "-t%");
        for (String tenant : acked) {
            checks.check(stored.contains(tenant), "acknowledged tenant " + tenant + " exists");
        }
        for (String tenant : stored) {
            String realmId = single(db, "SELECT id FROM realm WHERE name = ?", tenant);
            String bossId = single(db, "SELECT id FROM user_entity WHERE realm_id = ? AND username = 'boss'", realmId);
            checks.check(
                    bossId != null
                            && hasRealmRole(db, bossId, "admin")
                            && count(
                                            db,
                                            "SELECT count(*) FROM credential WHERE user_id = ? AND type = 'password'",
                                            bossId)
                                    == 1,
                    "tenant " + tenant + " has its admin with role and password");
            for (String role : TENANT_ROLES) {
                checks.check(
                        count(
                                        db,
                                        "SELECT count(*) FROM keycloak_role WHERE realm_id = ? AND client_role = false AND name = '"
                                                + role + "'",
                                        realmId)
                                == 1,
                        "tenant " + tenant + " has the role " + role);
            }
            checks.check(
                    count(
                                    db,
                                    "SELECT count(*) FROM client WHERE realm_id = ? AND client_id = 'user-management-api'",
                                    realmId)
                            == 1,
                    "tenant " + tenant + " has the API client");
            checks.check(
                    count(
                                    db,
                                    "SELECT count(*) FROM authentication_flow WHERE realm_id = ? AND alias = 'user-management direct grant'",
                                    realmId)
                            == 1,
                    "tenant " + tenant + " has the lockout direct-grant flow");
            checks.check(
                    count(
                                    db,
                                    "SELECT count(*) FROM um_audit WHERE realm_id = ? AND type = 'ADMIN_TENANT_CREATE'",
                                    realmId)
                            == 1,
                    "tenant " + tenant + " has its creation audit row");
        }
        System.out.printf("[it] %d tenants of the burst stored, %d acknowledged%n", stored.size(), acked.size());
    }

    private static boolean hasRealmRole(Connection db, String userId, String role) throws SQLException {
        return count(
                        db,
                        "SELECT count(*) FROM user_role_mapping m JOIN keycloak_role r ON r.id = m.role_id "
                                + "WHERE m.user_id = ? AND r.client_role = false AND r.name = '" + role + "'",
                        userId)
                == 1;
    }

    private static long count(Connection db, String sql, String parameter) throws SQLException {
        return Long.parseLong(single(db, sql, parameter));
    }

    private static String single(Connection db, String sql, String parameter) throws SQLException {
        List<String> values = list(db, sql, parameter);
        return values.isEmpty() ? null : values.get(0);
    }

    private static List<String> list(Connection db, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }
}
