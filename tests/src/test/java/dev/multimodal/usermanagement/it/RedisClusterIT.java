package dev.multimodal.usermanagement.it;

import static dev.multimodal.usermanagement.it.Fixtures.apiLogin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Keycloak node whose lockout store is a three-master Redis Cluster on loopback. */
class RedisClusterIT {

    private static final String PASSWORD = "Correct-Horse-42";

    private static RedisCluster cluster;
    private static KeycloakServer node;
    private static String platformToken;

    @BeforeAll
    static void startClusterAndNode() {
        KeycloakServer.get(); // the first node owns the database and the build
        cluster = new RedisCluster(new File(System.getProperty("keycloak.log")).getParentFile()).start();
        node = KeycloakServer.startNode(
                "cluster",
                List.of("--spi-redis--default--url=" + cluster.seedUrls(), "--spi-redis--default--cluster=true"));
        platformToken = Tokens.platformAdmin(node);
        // on a loaded machine the first connections may time out; lettuce goes on connecting by itself
        Wait.until(
                "the node's Redis Cluster healthy",
                Duration.ofSeconds(30),
                () -> "healthy"
                        .equals(Http.get(node.apiUrl("master") + "/health")
                                .json()
                                .path("status")
                                .asText()));
    }

    @AfterAll
    static void stopNodeAndCluster() {
        if (node != null) {
            node.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void lockoutLocksAndUnlocksOnTheCluster() {
        String tenant = Fixtures.createTenant(node, platformToken, Fixtures.unique("cluster"), false);
        String userId = Fixtures.createUser(node, platformToken, tenant, "alice", PASSWORD, true, "user");
        String api = node.apiUrl(tenant);

        assertEquals(200, apiLogin(node, tenant, "alice", PASSWORD).status());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, apiLogin(node, tenant, "alice", "Wrong-Pass" + i).status());
        }
        assertEquals(401, apiLogin(node, tenant, "alice", PASSWORD).status(), "locked at the threshold");
        JsonNode lock = Http.get(api + "/users/" + userId, platformToken).json().path("lock");
        assertTrue(lock.path("known").asBoolean() && lock.path("locked").asBoolean(), lock.toString());

        assertEquals(
                204,
                Http.post(api + "/users/" + userId + "/unlock", platformToken, Map.of())
                        .status());
        assertEquals(200, apiLogin(node, tenant, "alice", PASSWORD).status(), "unlocked");
        assertEquals("healthy", Http.get(api + "/health").json().path("status").asText());
    }

    @Test
    void keysSpreadOverTheMastersAndEachDecisionsKeysShareOneMaster() {
        String tenant = Fixtures.createTenant(node, platformToken, Fixtures.unique("spread"), false);
        for (int i = 0; i < 12; i++) {
            assertEquals(
                    401, apiLogin(node, tenant, "ghost-" + i, "Wrong-Pass1").status());
        }

        Map<String, Set<Integer>> mastersByHashTag = new HashMap<>();
        List<Integer> keysPerMaster = new ArrayList<>();
        for (ManagedRedis master : cluster.masters()) {
            List<String> keys = keys(master);
            keysPerMaster.add(keys.size());
            for (String key : keys) {
                String tag = key.substring(key.indexOf('{') + 1, key.indexOf('}'));
                mastersByHashTag
                        .computeIfAbsent(tag, t -> new java.util.HashSet<>())
                        .add(master.port());
                assertTrue(Long.parseLong(master.command("PTTL " + key)) > 0, key + " has a TTL");
            }
        }
        assertTrue(mastersByHashTag.size() >= 13, "12 accounts and one client IP: " + mastersByHashTag.keySet());
        mastersByHashTag.forEach(
                (tag, masters) -> assertEquals(1, masters.size(), "the keys of {" + tag + "} on " + masters));
        assertTrue(keysPerMaster.stream().filter(n -> n > 0).count() >= 2, "keys per master: " + keysPerMaster);
    }

    @Test
    void aStoppedMasterDegradesHealthAndTheClusterRecoversByItself() {
        String tenant = Fixtures.createTenant(node, platformToken, Fixtures.unique("partial"), false);
        Fixtures.createUser(node, platformToken, tenant, "alice", PASSWORD, true, "user");
        String health = node.apiUrl(tenant) + "/health";
        int logLength = node.log().length();

        ManagedRedis master = cluster.masters().get(2);
        master.stop();
        try {
            JsonNode report = Http.get(health).json();
            assertEquals("degraded", report.path("status").asText(), report.toString());
            assertEquals(
                    "disconnected", report.path("dependencies").path("cache").asText());
            for (int i = 0; i < 3; i++) {
                Http.Reply reply = apiLogin(node, tenant, "alice", PASSWORD);
                assertEquals(
                        200,
                        reply.status(),
                        "open failure mode (or a live master): " + reply.raw().body());
                assertEquals(
                        401, apiLogin(node, tenant, "user-" + i, "Wrong-Pass1").status());
            }
        } finally {
            master.start(); // same port and nodes file: it rejoins with its slots (empty: no persistence)
        }
        Wait.until(
                "the cluster healthy again",
                Duration.ofSeconds(30),
                () -> "healthy".equals(Http.get(health).json().path("status").asText()));
        String outage = node.log().substring(logLength);
        assertEquals(1, count(outage, "is unavailable ("), outage);
        assertEquals(1, count(outage, "is available again"), outage);
    }

    private static List<String> keys(ManagedRedis master) {
        try {
            Process scan = new ProcessBuilder(
                            "redis-cli", "-p", String.valueOf(master.port()), "--scan", "--pattern", "um:*")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(scan.getInputStream().readAllBytes());
            assertEquals(0, scan.waitFor(), output);
            return output.lines().filter(line -> !line.isBlank()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
