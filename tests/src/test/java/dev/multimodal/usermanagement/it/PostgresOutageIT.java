package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Postgres stopped (cleanly, then crashed) and started again under a node of its own: the run's shared Postgres
 * stays up, so this class starts a Postgres it owns and a Keycloak node on it. While the database is down, health
 * answers 503 at once and every API call a 503 problem+json with {@code Retry-After} (never Keycloak's 500); once it
 * is back, the node serves again by itself and nothing committed before the outage is lost.
 */
class PostgresOutageIT {

    private static final String PASSWORD = "Correct-Horse-42";
    /** Health checks the database with a 400 ms limit: "at once" leaves room for a loaded machine. */
    private static final long HEALTH_MAX_MILLIS = 2000;

    private static final OutageChecks CHECKS = new OutageChecks();
    private static ManagedPostgres postgres;
    private static TestDatabase database;
    private static KeycloakServer node;
    private static String platformToken;

    @BeforeAll
    static void startPostgresAndNode() {
        File target = new File(System.getProperty("keycloak.log")).getParentFile();
        postgres = ManagedPostgres.start(new File(target, "postgres-outage.log"));
        database = new TestDatabase(postgres.serverUrl(), "postgres", "", "keycloak");
        database.recreate();
        node = KeycloakServer.startNode("pg-outage", List.of(), database);
        platformToken = Tokens.platformAdmin(node);
        // the master realm's tokens live 60 s; this class keeps one across outages
        assertEquals(
                204,
                Http.put(node.baseUrl() + "/admin/realms/master", platformToken, Map.of("accessTokenLifespan", 3600))
                        .status());
        platformToken = Tokens.platformAdmin(node);
    }

    @AfterAll
    static void stopNodeAndPostgres() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            CHECKS.print("Postgres stopped, crashed, lost at commit");
        }
    }

    @Test
    void postgresStoppedOrCrashedAnswers503EverywhereThenRecoversWithNothingCommittedLost() {
        for (boolean crash : List.of(false, true)) {
            outage(crash);
        }
        CHECKS.assertNone();
    }

    /**
     * The database lost while the request commits, after our endpoint returned: the user's changed row is flushed at
     * commit and waits there for a lock on that row, which this test holds, so the request is sure to be committing
     * when Postgres crashes. Keycloak's own handler would answer 500; the answer is a 503 and nothing of the action stays.
     */
    @Test
    void theDatabaseLostDuringTheCommitIsA503AndTheActionIsNotKept() throws Exception {
        String tenant = Fixtures.createTenant(node, platformToken, Fixtures.unique("pgcommit"), false);
        Fixtures.createUser(node, platformToken, tenant, "alice", PASSWORD, true, "user");
        String token = Fixtures.apiLogin(node, tenant, "alice", PASSWORD)
                .json()
                .path("access_token")
                .asText();
        Http.Reply reply;
        boolean crashed = false;
        Connection holder = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        try {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT u.id FROM user_entity u JOIN realm r ON r.id = u.realm_id WHERE r.name = ? AND u.username = 'alice' FOR UPDATE")) {
                lock.setString(1, tenant);
                assertTrue(lock.executeQuery().next(), "alice's row is there to lock");
            }
            CompletableFuture<Http.Reply> update = CompletableFuture.supplyAsync(
                    () -> Http.put(node.apiUrl(tenant) + "/users/me", token, Map.of("first_name", "AtCommit")));
            Wait.until(
                    "the update to wait for alice's row at commit",
                    Duration.ofSeconds(30),
                    () -> waitingForALock(update));
            postgres.crash();
            crashed = true;
            reply = update.get(60, TimeUnit.SECONDS);
        } finally {
            try {
                holder.close();
            } catch (SQLException lostWithTheServer) {
                // the server is gone: so is the lock
            }
            if (crashed) {
                postgres.start();
            }
        }
        CHECKS.unavailable("PUT /users/me losing the database at commit", reply);
        Wait.until(
                "health healthy after the crash",
                Duration.ofSeconds(30),
                () -> Http.get(node.apiUrl(tenant) + "/health").status() == 200);
        Http.Reply login = Fixtures.apiLogin(node, tenant, "alice", PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        JsonNode me = Http.get(
                        node.apiUrl(tenant) + "/users/me",
                        login.json().path("access_token").asText())
                .json();
        CHECKS.check(
                !"AtCommit".equals(me.path("first_name").asText()),
                "the update that failed at commit is not kept: " + me);
        CHECKS.assertNone();
    }

    private static boolean waitingForALock(CompletableFuture<Http.Reply> update) {
        if (update.isDone()) {
            throw new IllegalStateException("the update finished without waiting for the lock: "
                    + update.join().raw().body());
        }
        try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                ResultSet waiting =
                        db.createStatement().executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
            return waiting.next() && waiting.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void outage(boolean crash) {
        String how = crash ? "crashed" : "stopped";
        String tenant = Fixtures.createTenant(node, platformToken, Fixtures.unique("pg"), false);
        String api = node.apiUrl(tenant);
        assertEquals(
                200,
                Http.put(
                                node.apiUrl("master") + "/tenants/" + tenant + "/settings",
                                platformToken,
                                Map.of("registration_allowed", true))
                        .status());
        Fixtures.createUser(node, platformToken, tenant, "alice", PASSWORD, true, "user");
        Http.Reply login = Fixtures.apiLogin(node, tenant, "alice", PASSWORD);
        assertEquals(200, login.status(), login.raw().body());
        String aliceToken = login.json().path("access_token").asText();
        String aliceRefresh = login.json().path("refresh_token").asText();
        String bossToken = Fixtures.apiLogin(node, tenant, "boss", Fixtures.ADMIN_PASSWORD)
                .json()
                .path("access_token")
                .asText();
        // committed just before the outage: must all be there after it
        Http.Reply bob = Http.post(
                api + "/auth/register",
                null,
                Map.of("username", "bob", "email", "bob@" + tenant + ".example", "password", PASSWORD));
        assertEquals(201, bob.status(), bob.raw().body());
        String bobId = bob.json().path("id").asText();
        Http.Reply renamed = Http.put(api + "/users/me", aliceToken, Map.of("first_name", "Before" + how));
        assertEquals(200, renamed.status(), renamed.raw().body());

        if (crash) {
            postgres.crash();
        } else {
            postgres.stop();
        }
        try {
            Http.Reply health = Http.get(api + "/health");
            CHECKS.check(
                    health.status() == 503
                            && "unhealthy".equals(health.json().path("status").asText())
                            && "disconnected"
                                    .equals(health.json()
                                            .path("dependencies")
                                            .path("database")
                                            .asText()),
                    how + ": health " + health.status() + " " + health.raw().body());
            CHECKS.check(health.millis() < HEALTH_MAX_MILLIS, how + ": health took " + health.millis() + " ms");

            // the realm of the path is looked up by Keycloak before our code runs: a realm it has not cached needs the
            // database
            Http.Reply uncached = Http.post(
                    node.apiUrl(Fixtures.unique("nosuch")) + "/auth/login",
                    null,
                    Map.of("username", "a", "password", "b"));
            System.out.printf(
                    "[it] Postgres %s: a login on a realm not in the cache answers %d %s %s%n",
                    how,
                    uncached.status(),
                    uncached.header("Content-Type"),
                    uncached.raw().body());
            for (Map.Entry<String, Supplier<Http.Reply>> call : callsDuringOutage(
                            tenant, aliceToken, aliceRefresh, bossToken, bobId)
                    .entrySet()) {
                CHECKS.unavailable(how + ": " + call.getKey(), call.getValue().get());
            }
        } finally {
            postgres.start();
        }

        long restarted = System.nanoTime();
        Wait.until(
                "health healthy after Postgres " + how,
                Duration.ofSeconds(30),
                () -> Http.get(api + "/health").status() == 200);
        Wait.until(
                "logins back after Postgres " + how,
                Duration.ofSeconds(30),
                () -> Fixtures.apiLogin(node, tenant, "alice", PASSWORD).status() == 200);
        System.out.printf(
                "[it] Postgres %s: the node served again %d ms after it started%n",
                how, Duration.ofNanos(System.nanoTime() - restarted).toMillis());

        String freshBoss = Fixtures.apiLogin(node, tenant, "boss", Fixtures.ADMIN_PASSWORD)
                .json()
                .path("access_token")
                .asText();
        Http.Reply bobAfter = Http.get(api + "/users/" + bobId, freshBoss);
        CHECKS.check(
                bobAfter.status() == 200
                        && "bob".equals(bobAfter.json().path("username").asText()),
                how + ": bob, registered before the outage: " + bobAfter.status() + " "
                        + bobAfter.raw().body());
        CHECKS.check(
                Fixtures.apiLogin(node, tenant, "bob", PASSWORD).status() == 200,
                how + ": bob logs in after the outage");
        String aliceAgain = Fixtures.apiLogin(node, tenant, "alice", PASSWORD)
                .json()
                .path("access_token")
                .asText();
        JsonNode me = Http.get(api + "/users/me", aliceAgain).json();
        CHECKS.check(
                ("Before" + how).equals(me.path("first_name").asText()),
                how + ": alice's first name changed before the outage: " + me);
        Http.Reply carol = Http.post(
                api + "/auth/register",
                null,
                Map.of("username", "carol", "email", "carol@" + tenant + ".example", "password", PASSWORD));
        CHECKS.check(
                carol.status() == 201,
                how + ": a registration after the outage: " + carol.status() + " "
                        + carol.raw().body());
        CHECKS.check(
                Http.get(api + "/audit?type=REGISTER", freshBoss)
                                .json()
                                .path("items")
                                .size()
                        == 2,
                how + ": both registrations audited: "
                        + Http.get(api + "/audit?type=REGISTER", freshBoss)
                                .raw()
                                .body());
    }

    /** One call of each kind our API serves: anonymous, a user's, a tenant admin's and a platform admin's. */
    private Map<String, Supplier<Http.Reply>> callsDuringOutage(
            String tenant, String aliceToken, String aliceRefresh, String bossToken, String bobId) {
        String api = node.apiUrl(tenant);
        String platform = node.apiUrl("master");
        Map<String, Supplier<Http.Reply>> calls = new LinkedHashMap<>();
        calls.put("login", () -> Fixtures.apiLogin(node, tenant, "alice", PASSWORD));
        calls.put("login with a wrong password", () -> Fixtures.apiLogin(node, tenant, "alice", "Wrong-Pass-42"));
        calls.put("login of an unknown user", () -> Fixtures.apiLogin(node, tenant, "nobody", "Wrong-Pass-42"));
        calls.put(
                "login on the platform URL with tenant_id",
                () -> Http.post(
                        platform + "/auth/login",
                        null,
                        Map.of("username", "alice", "password", PASSWORD, "tenant_id", tenant)));
        calls.put(
                "register",
                () -> Http.post(
                        api + "/auth/register",
                        null,
                        Map.of("username", "dave", "email", "dave@" + tenant + ".example", "password", PASSWORD)));
        calls.put("refresh", () -> Http.post(api + "/auth/refresh", null, Map.of("refresh_token", aliceRefresh)));
        calls.put(
                "change expired password",
                () -> Http.post(
                        api + "/auth/change-password",
                        null,
                        Map.of("username", "alice", "current_password", PASSWORD, "new_password", "Other-Horse-43")));
        calls.put("GET /users/me", () -> Http.get(api + "/users/me", aliceToken));
        calls.put("PUT /users/me", () -> Http.put(api + "/users/me", aliceToken, Map.of("first_name", "During")));
        calls.put("GET /users/me/sessions", () -> Http.get(api + "/users/me/sessions", aliceToken));
        calls.put("GET /users", () -> Http.get(api + "/users", bossToken));
        calls.put("GET /users/{id}", () -> Http.get(api + "/users/" + bobId, bossToken));
        calls.put(
                "POST /users",
                () -> Http.post(
                        api + "/users",
                        bossToken,
                        Map.of("username", "erin", "email", "erin@" + tenant + ".example", "password", PASSWORD)));
        calls.put(
                "PUT /users/{id}", () -> Http.put(api + "/users/" + bobId, bossToken, Map.of("first_name", "During")));
        calls.put("GET /audit", () -> Http.get(api + "/audit", bossToken));
        calls.put("GET /tenants/{id}/settings", () -> Http.get(api + "/tenants/" + tenant + "/settings", bossToken));
        calls.put("GET /tenants", () -> Http.get(platform + "/tenants", platformToken));
        calls.put(
                "POST /tenants",
                () -> Http.post(
                        platform + "/tenants",
                        platformToken,
                        Map.of(
                                "id",
                                Fixtures.unique("pgdown"),
                                "name",
                                "Down",
                                "admin_email",
                                "boss@down.example",
                                "admin_username",
                                "boss",
                                "admin_password",
                                Fixtures.ADMIN_PASSWORD)));
        calls.put("logout", () -> Http.post(api + "/auth/logout", aliceToken, Map.of()));
        return calls;
    }
}
