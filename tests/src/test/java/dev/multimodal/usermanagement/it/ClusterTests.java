package dev.multimodal.usermanagement.it;

import static dev.multimodal.usermanagement.it.Fixtures.apiLogin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A Keycloak cluster ({@code --cache=ispn}, {@code jdbc-ping} discovery through the shared Postgres database) with one
 * Redis: the run's first node and the nodes a subclass names. Whatever one node does, the others see at their next
 * request: the first node acts, the others check. The last test kills the last node with SIGKILL under load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterTests {

    private static final String PASSWORD = "Correct-Horse-42";
    private static final Pattern PURGE_RUN =
            Pattern.compile("(Executed|Skipped execution of) (scheduled )?task AuditPurgeTask");

    private final OutageChecks checks = new OutageChecks();
    private List<KeycloakServer> nodes;
    private KeycloakServer first;
    private List<KeycloakServer> others;

    /** The names of the nodes beside the first, which are also their log files' ({@code keycloak-<name>.log}). */
    abstract List<String> moreNodes();

    @BeforeAll
    void startCluster() {
        nodes = KeycloakServer.startCluster(moreNodes().toArray(String[]::new));
        first = nodes.get(0);
        others = nodes.subList(1, nodes.size());
    }

    @AfterAll
    void stopCluster() {
        if (others != null) {
            others.forEach(KeycloakServer::close);
        }
        checks.print("SIGKILL of a cluster node during logins, registrations and tenant creations");
    }

    @Test
    void aTenantCreatedOnOneNodeServesOnTheOthersAtOnce() {
        String tenant = Fixtures.unique("cl");
        String domain = tenant + ".example";
        for (KeycloakServer node : others) { // each has looked for it before: nothing cached may hide it afterwards
            assertNotEquals(
                    200, apiLogin(node, tenant, "boss", Fixtures.ADMIN_PASSWORD).status());
            assertNotEquals(200, emailLogin(node, "boss@" + domain).status());
            assertEquals(0, tenantList(node, tenant).size());
        }

        Fixtures.createTenant(first, Tokens.platformAdmin(first), tenant, true);

        for (KeycloakServer node : others) {
            assertEquals(
                    200, apiLogin(node, tenant, "boss", Fixtures.ADMIN_PASSWORD).status(), "login on the tenant's URL");
            assertEquals(200, emailLogin(node, "boss@" + domain).status(), "the tenant found from the e-mail's domain");
            assertEquals(List.of(tenant), tenantList(node, tenant), "the tenant list");
            Http.Reply settings = Http.get(settingsUrl(node, tenant), Tokens.platformAdmin(node));
            assertEquals(200, settings.status(), settings.raw().body());
        }
    }

    @Test
    void settingsChangedOnOneNodeApplyOnTheOthersAtTheirNextRequest() {
        String platform = Tokens.platformAdmin(first);
        String tenant = Fixtures.createTenant(first, platform, Fixtures.unique("clset"), false);
        Fixtures.createUser(first, platform, tenant, "alice", PASSWORD, true, "user");
        for (KeycloakServer node : others) { // each has the realm and the lockout step's settings cached
            assertEquals(200, apiLogin(node, tenant, "alice", PASSWORD).status());
            assertEquals(
                    201,
                    register(node, tenant, "early" + others.indexOf(node)).status(),
                    "sign-up is on (the template's)");
        }

        Http.Reply changed = Http.put(
                settingsUrl(first, tenant),
                platform,
                Map.of(
                        "registration_allowed",
                        false,
                        "access_token_lifespan_seconds",
                        420,
                        "lockout",
                        Map.of("max_failures", 2)));
        assertEquals(200, changed.status(), changed.raw().body());

        Fixtures.createUser(first, platform, tenant, "bob", PASSWORD, true, "user");
        for (KeycloakServer node : others) {
            assertEquals(
                    403, register(node, tenant, "late" + others.indexOf(node)).status(), "sign-up turned off");
            Http.Reply login = apiLogin(node, tenant, "alice", PASSWORD);
            assertEquals(
                    420,
                    login.json().path("expires_in").asInt(),
                    "the new token lifespan: " + login.raw().body());
            Http.Reply remote = Http.get(settingsUrl(node, tenant), Tokens.platformAdmin(node));
            assertEquals(
                    2,
                    remote.json().path("lockout").path("max_failures").asInt(),
                    remote.raw().body());
        }
        KeycloakServer last = nodes.get(nodes.size() - 1);
        for (int i = 0; i < 2; i++) {
            assertEquals(401, apiLogin(last, tenant, "bob", "Wrong-Pass" + i).status());
        }
        assertEquals(401, apiLogin(last, tenant, "bob", PASSWORD).status(), "locked after 2 failures, the new maximum");
    }

    @Test
    void aLockSetOnOneNodeRefusesOnTheOthersAndAnUnlockThereEndsIt() {
        String platform = Tokens.platformAdmin(first);
        String tenant = Fixtures.createTenant(first, platform, Fixtures.unique("cllock"), false);
        // two attempts per node: more than the default 10 requests per username and minute on three nodes
        Fixtures.lockout(first, tenant, Map.of("requests_per_username_per_minute", 1_000));
        String userId = Fixtures.createUser(first, platform, tenant, "alice", PASSWORD, true, "user");
        KeycloakServer last = nodes.get(nodes.size() - 1);
        assertEquals(200, apiLogin(last, tenant, "alice", PASSWORD).status());

        for (int i = 0; i < 5; i++) {
            assertEquals(401, apiLogin(first, tenant, "alice", "Wrong-Pass" + i).status());
        }
        for (KeycloakServer node : others) {
            assertEquals(
                    401, apiLogin(node, tenant, "alice", PASSWORD).status(), "locked on the first node: refused here");
            assertEquals(
                    401,
                    Tokens.passwordGrant(node, tenant, Tokens.API_CLIENT, "alice", PASSWORD)
                            .status(),
                    "and on the token endpoint");
        }
        String platformOnLast = Tokens.platformAdmin(last);
        assertTrue(Http.get(last.apiUrl(tenant) + "/users/" + userId, platformOnLast)
                .json()
                .path("lock")
                .path("locked")
                .asBoolean());
        assertEquals(
                204,
                Http.post(last.apiUrl(tenant) + "/users/" + userId + "/unlock", platformOnLast, Map.of())
                        .status());
        assertEquals(200, apiLogin(first, tenant, "alice", PASSWORD).status(), "unlocked on another node: in again");
    }

    @Test
    void aRefreshTokenFromOneNodeWorksOnTheOthersAndALogoutThereEndsItEverywhere() {
        String platform = Tokens.platformAdmin(first);
        String tenant = Fixtures.createTenant(first, platform, Fixtures.unique("clsess"), false);
        Fixtures.createUser(first, platform, tenant, "alice", PASSWORD, true, "user");
        JsonNode tokens = apiLogin(first, tenant, "alice", PASSWORD).json();

        for (KeycloakServer node : others) {
            Http.Reply refreshed = Http.post(
                    node.apiUrl(tenant) + "/auth/refresh",
                    null,
                    Map.of("refresh_token", tokens.path("refresh_token").asText()));
            assertEquals(
                    200,
                    refreshed.status(),
                    "a refresh token of the first node on " + node.baseUrl() + ": "
                            + refreshed.raw().body());
            tokens = refreshed.json();
        }
        KeycloakServer last = nodes.get(nodes.size() - 1);
        String access = tokens.path("access_token").asText();
        assertEquals(200, Http.get(first.apiUrl(tenant) + "/users/me", access).status());
        assertEquals(
                204,
                Http.post(last.apiUrl(tenant) + "/auth/logout", access, Map.of())
                        .status());

        for (KeycloakServer node : nodes) {
            assertEquals(
                    401,
                    Http.get(node.apiUrl(tenant) + "/users/me", access).status(),
                    "the session ended on " + node.baseUrl());
            assertEquals(
                    401,
                    Http.post(
                                    node.apiUrl(tenant) + "/auth/refresh",
                                    null,
                                    Map.of(
                                            "refresh_token",
                                            tokens.path("refresh_token").asText()))
                            .status());
        }
    }

    @Test
    void theAuditChainOfARealmWrittenFromAllNodesAtOnceVerifiesWithoutGaps() throws Exception {
        AuditSupport audit = new AuditSupport(first);
        AuditSupport.Tenant tenant = audit.tenant("claudit");
        audit.user(tenant, "alice");
        int loginsPerThread = 15;
        List<Callable<Integer>> writers = new ArrayList<>();
        for (KeycloakServer node : nodes) {
            writers.add(() -> {
                int ok = 0;
                for (int i = 0; i < loginsPerThread; i++) {
                    Http.Reply login = Http.post(
                            node.apiUrl(tenant.id()) + "/auth/login",
                            null,
                            Map.of("username", "alice", "password", AuditSupport.PASSWORD),
                            Duration.ofMinutes(2));
                    ok += login.status() == 200 ? 1 : 0;
                }
                return ok;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        int ok = 0;
        try {
            for (Future<Integer> writer : pool.invokeAll(writers)) {
                ok += writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers.size() * loginsPerThread, ok, "every login succeeds");

        List<JsonNode> rows = audit.rows(tenant, "");
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i + 1, rows.get(i).path("sequence").asLong(), "no gaps, no repeats");
        }
        long logins = rows.stream()
                .filter(r -> r.path("type").asText().equals("LOGIN"))
                .count();
        assertEquals(ok + 1, logins, "one row per login, the boss's included");
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(rows.size(), verified.path("rows_checked").asLong());
    }

    /**
     * Purges of one tenant's log asked of every node at once: each row goes once, one node's purge wins each batch,
     * the others stop with 409 (or find nothing left), and the chain verifies from its new checkpoint.
     */
    @Test
    void purgesOfOneTenantFromAllNodesAtOnceRemoveEachRowOnce() throws Exception {
        AuditSupport audit = new AuditSupport(first);
        AuditSupport.Tenant tenant = audit.tenant("clpurge");
        audit.user(tenant, "alice");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD)
                            .status());
        }
        Thread.sleep(20);
        Instant cutoff = Instant.now();
        Thread.sleep(20);
        assertEquals(
                200,
                AuditSupport.login(tenant.api(), "alice", AuditSupport.PASSWORD).status());
        long old = audit.rows(tenant, "").stream()
                .filter(r -> Instant.parse(r.path("time").asText()).isBefore(cutoff))
                .count();

        List<Callable<Http.Reply>> purges = new ArrayList<>();
        for (KeycloakServer node : nodes) {
            String platform = Tokens.platformAdmin(node);
            purges.add(() -> Http.post(node.apiUrl(tenant.id()) + "/audit/purge?before=" + cutoff, platform, Map.of()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(purges.size());
        long purged = 0;
        try {
            for (Future<Http.Reply> answer : pool.invokeAll(purges)) {
                Http.Reply reply = answer.get();
                assertTrue(
                        reply.status() == 200 || reply.status() == 409,
                        reply.status() + " " + reply.raw().body());
                purged += reply.status() == 200 ? reply.json().path("purged").asLong() : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        // a purge that stopped with 409 may have removed whole batches before it did: they count in its AUDIT_PURGED
        // row
        long recorded = audit.rows(tenant, "type=AUDIT_PURGED").stream()
                .mapToLong(r -> r.path("details").path("purged").asLong())
                .sum();
        assertEquals(old, recorded, "every old row purged once");
        assertTrue(purged <= old);
        assertEquals(old + 1, audit.rows(tenant, "").get(0).path("sequence").asLong(), "the young rows kept");
        JsonNode verified = audit.verify(tenant);
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertEquals(old, verified.path("checkpoint_sequence").asLong());
    }

    /**
     * The scheduled retention purge goes through Keycloak's cluster-wide lock on every node
     * ({@code ClusterProvider.executeIfNotExecuted}: while one node runs it, the others skip; Keycloak's debug lines).
     */
    @Test
    void everyNodeRunsTheScheduledPurgeUnderTheClusterLock() {
        Wait.until(
                "a scheduled purge on every node",
                Duration.ofSeconds(4L * KeycloakServer.AUDIT_PURGE_INTERVAL_SECONDS + 30),
                () -> nodes.stream()
                        .allMatch(node -> PURGE_RUN.matcher(node.log()).find()));
    }

    /** Every acknowledged action of a mixed load on all nodes survives the last node's SIGKILL; the others go on. */
    @Test
    @Order(Integer.MAX_VALUE)
    void killingANodeUnderLoadLosesNothingCommittedAndTheOthersGoOnServing() throws Exception {
        String platform = Tokens.platformAdmin(first);
        String tenant = Fixtures.createTenant(first, platform, Fixtures.unique("clkill"), false);
        assertEquals(
                200,
                Http.put(
                                settingsUrl(first, tenant),
                                platform,
                                Map.of(
                                        "registration_allowed",
                                        true,
                                        "lockout",
                                        Map.of(
                                                "failures_per_ip_per_minute",
                                                1_000_000,
                                                "requests_per_ip_per_minute",
                                                1_000_000,
                                                "requests_per_username_per_minute",
                                                1_000_000)))
                        .status());
        Fixtures.createUser(first, platform, tenant, "alice", PASSWORD, true, "user");
        String prefix = "c" + Long.toString(System.nanoTime(), 36).substring(4);
        KeycloakServer victim = nodes.get(nodes.size() - 1);
        List<KeycloakServer> survivors = nodes.subList(0, nodes.size() - 1);

        Map<String, String> ackedUsers = new ConcurrentHashMap<>();
        Set<String> ackedTenants = ConcurrentHashMap.newKeySet();
        AtomicInteger ackedLogins = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3 * nodes.size());
        for (int t = 0; t < 3 * nodes.size(); t++) {
            int thread = t;
            KeycloakServer node = nodes.get(t % nodes.size());
            pool.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    try {
                        switch (thread / nodes.size()) {
                            case 0 -> {
                                if (apiLogin(node, tenant, "alice", PASSWORD).status() == 200) {
                                    ackedLogins.incrementAndGet();
                                }
                            }
                            case 1 -> {
                                String username = prefix + "-u" + thread + "-" + n;
                                Http.Reply reply = register(node, tenant, username);
                                if (reply.status() == 201) {
                                    ackedUsers.put(
                                            username, reply.json().path("id").asText());
                                }
                            }
                            default -> {
                                String id = prefix + "-t" + thread + "-" + n;
                                Http.Reply reply = Fixtures.postTenant(node, platform, id, false);
                                if (reply.status() == 201) {
                                    ackedTenants.add(id);
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet(); // the killed node's requests: no answer, no promise
                        pause();
                    }
                }
            });
        }
        Wait.until(
                "the load to be running on every node",
                Duration.ofMinutes(5),
                () -> ackedUsers.size() >= 10 && ackedTenants.size() >= nodes.size() && ackedLogins.get() >= 10);
        victim.kill();
        int loginsAtKill = ackedLogins.get();
        Wait.until(
                "the survivors to serve logins after the kill",
                Duration.ofMinutes(2),
                () -> ackedLogins.get() >= loginsAtKill + 10);
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(4, TimeUnit.MINUTES));
        System.out.printf(
                "[it] cluster kill: %d logins, %d registrations, %d tenant creations acknowledged; %d requests failed%n",
                ackedLogins.get(), ackedUsers.size(), ackedTenants.size(), failed.get());
        checks.check(failed.get() > 0, "the kill hit requests in flight");
        for (KeycloakServer survivor : survivors) {
            survivor.awaitClusterView(survivors.size());
        }

        try (Connection db = DriverManager.getConnection(
                first.database().jdbcUrl(),
                first.database().user(),
                first.database().password())) {
            KillDuringWritesIT.checkUsers(checks, db, tenant, prefix, ackedUsers);
            KillDuringWritesIT.checkTenants(checks, db, prefix, ackedTenants);
        }
        AuditSupport audit = new AuditSupport(first);
        AuditSupport.Tenant audited = new AuditSupport.Tenant(tenant, null, first.apiUrl(tenant), audit.boss(tenant));
        long loginRows = audit.rows(audited, "type=LOGIN").size();
        checks.check(
                loginRows >= ackedLogins.get(),
                "each acknowledged login has its audit row: " + loginRows + " rows, " + ackedLogins.get() + " logins");
        checks.check(audit.verify(audited).path("valid").asBoolean(), "the tenant's audit chain verifies");

        for (KeycloakServer survivor : survivors) {
            String fresh = prefix + "-after" + survivors.indexOf(survivor);
            checks.check(
                    apiLogin(survivor, tenant, ackedUsers.keySet().iterator().next(), PASSWORD)
                                    .status()
                            == 200,
                    "an acknowledged user logs in on a survivor");
            checks.check(register(survivor, tenant, fresh).status() == 201, "a registration on a survivor");
            checks.check(
                    Fixtures.postTenant(survivor, Tokens.platformAdmin(survivor), fresh, false)
                                    .status()
                            == 201,
                    "a tenant creation on a survivor");
            checks.check(
                    apiLogin(survivor, fresh, "boss", Fixtures.ADMIN_PASSWORD).status() == 200, "its admin logs in");
        }
        checks.assertNone();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Http.Reply emailLogin(KeycloakServer node, String email) {
        return Http.post(
                node.apiUrl("master") + "/auth/login",
                null,
                Map.of("email", email, "password", Fixtures.ADMIN_PASSWORD));
    }

    private static List<String> tenantList(KeycloakServer node, String search) {
        Http.Reply list = Http.get(node.apiUrl("master") + "/tenants?search=" + search, Tokens.platformAdmin(node));
        assertEquals(200, list.status(), list.raw().body());
        List<String> ids = new ArrayList<>();
        list.json().path("items").forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    private static String settingsUrl(KeycloakServer node, String tenant) {
        return node.apiUrl(tenant) + "/tenants/" + tenant + "/settings";
    }

    private static Http.Reply register(KeycloakServer node, String tenant, String username) {
        return Http.post(
                node.apiUrl(tenant) + "/auth/register",
                null,
                Map.of("username", username, "email", username + "@" + tenant + ".example", "password", PASSWORD));
    }
}
