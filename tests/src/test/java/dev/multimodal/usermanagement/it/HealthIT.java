package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthIT {

    /** "Well under a second" while a dependency is down or hangs. */
    private static final long MAX_MILLIS = 900;

    private static KeycloakServer server;

    @BeforeAll
    static void startServer() {
        server = KeycloakServer.get();
    }

    private static Http.Reply health() {
        return Http.get(server.apiUrl("demo") + "/health");
    }

    @Test
    void healthyWithDatabaseAndRedisConnected() {
        Http.Reply reply = health();

        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode body = reply.json();
        assertEquals(List.of("status", "service", "version", "timestamp", "dependencies"), fieldNames(body));
        assertEquals(List.of("database", "cache"), fieldNames(body.path("dependencies")));
        assertEquals("healthy", body.path("status").asText());
        assertEquals("user-management", body.path("service").asText());
        assertTrue(body.path("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), body.toString());
        assertNotNull(Instant.parse(body.path("timestamp").asText()));
        assertEquals("connected", body.path("dependencies").path("database").asText());
        assertEquals("connected", body.path("dependencies").path("cache").asText());
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
        assertTrue(reply.header("Cache-Control").contains("no-store"));
    }

    @Test
    void healthAnswersInEveryTenantRealmAndNotInUnknownOnes() {
        assertEquals(200, Http.get(server.apiUrl("master") + "/health").status());
        assertEquals(404, Http.get(server.apiUrl("no-such-tenant") + "/health").status());
    }

    @Test
    void pingGoesThroughTheSharedClientInsideTheServer() {
        ManagedRedis redis = server.redis();
        long before = pingCalls(redis);

        assertEquals(200, health().status());

        assertTrue(pingCalls(redis) > before, "the health check should have sent PING to the server's Redis");
        String clients = redis.command("CLIENT LIST");
        assertNotNull(clients);
        assertTrue(clients.contains("name=user-management"), "no connection named user-management in: " + clients);
    }

    @Test
    void redisDownIsDegradedAndRecoversByItself() {
        ManagedRedis redis = server.redis();
        redis.stop();
        try {
            Http.Reply reply = health();
            assertEquals(200, reply.status(), reply.raw().body());
            assertEquals("degraded", reply.json().path("status").asText());
            assertEquals(
                    "disconnected",
                    reply.json().path("dependencies").path("cache").asText());
            assertEquals(
                    "connected",
                    reply.json().path("dependencies").path("database").asText());
            assertTrue(reply.millis() < MAX_MILLIS, "took " + reply.millis() + " ms");
        } finally {
            redis.start();
        }
        Wait.until(
                "cache connected again",
                Duration.ofSeconds(15),
                () -> "connected"
                        .equals(health().json()
                                .path("dependencies")
                                .path("cache")
                                .asText()));
        assertEquals("healthy", health().json().path("status").asText());
    }

    @Test
    void hangingRedisDoesNotHoldTheAnswer() throws Exception {
        ManagedRedis redis = server.redis();
        assertEquals("healthy", health().json().path("status").asText());
        CompletableFuture<String> sleep = CompletableFuture.supplyAsync(() -> redis.command("DEBUG SLEEP 3"));
        try {
            Thread.sleep(200);
            Http.Reply reply = health();
            assertEquals(200, reply.status());
            assertEquals("degraded", reply.json().path("status").asText());
            assertEquals(
                    "disconnected",
                    reply.json().path("dependencies").path("cache").asText());
            assertTrue(reply.millis() < MAX_MILLIS, "took " + reply.millis() + " ms");
        } finally {
            assertEquals("OK", sleep.get());
        }
        Wait.until(
                "cache connected after the sleep",
                Duration.ofSeconds(15),
                () -> "healthy".equals(health().json().path("status").asText()));
    }

    @Test
    void databaseDownIsUnhealthy503AndRecoversByItself() {
        TestDatabase database = server.database();
        database.takeDown();
        try {
            Http.Reply reply = health();
            assertEquals(503, reply.status(), reply.raw().body());
            assertEquals("unhealthy", reply.json().path("status").asText());
            assertEquals(
                    "disconnected",
                    reply.json().path("dependencies").path("database").asText());
            assertEquals(
                    "connected", reply.json().path("dependencies").path("cache").asText());
            assertTrue(reply.millis() < MAX_MILLIS, "took " + reply.millis() + " ms");
        } finally {
            database.bringUp();
        }
        Wait.until("database connected again", Duration.ofSeconds(30), () -> health().status() == 200);
        assertEquals("healthy", health().json().path("status").asText());
    }

    @Test
    void providersLoadWithoutClassLoadingErrors() {
        String log = server.log();
        for (String problem : new String[] {
            "ClassNotFoundException",
            "NoClassDefFoundError",
            "LinkageError",
            "ServiceConfigurationError",
            "NoSuchMethodError"
        }) {
            assertFalse(log.contains(problem), problem + " in the Keycloak log");
        }
        assertTrue(
                log.contains(
                        "Redis client for redis://127.0.0.1:" + server.redis().port()),
                "redis SPI did not start");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long pingCalls(ManagedRedis redis) {
        String stats = redis.command("INFO commandstats");
        Matcher matcher = Pattern.compile("cmdstat_ping:calls=(\\d+)").matcher(stats == null ? "" : stats);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }
}
