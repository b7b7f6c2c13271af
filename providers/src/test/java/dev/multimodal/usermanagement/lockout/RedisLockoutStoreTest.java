package dev.multimodal.usermanagement.lockout;

import static dev.multimodal.usermanagement.lockout.Decision.Verdict.ALLOWED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.LOCKED;
import static dev.multimodal.usermanagement.lockout.Decision.Verdict.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against a real redis-server of its own (skipped when the binary is missing). */
class RedisLockoutStoreTest extends LockoutStoreContract {

    private static Process redisServer;
    private static int port;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    private final List<Exception> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    private RedisLockoutStore store;

    @BeforeAll
    static void startRedis() throws Exception {
        port = freePort();
        try {
            redisServer = new ProcessBuilder(
                            "redis-server",
                            "--bind",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(port),
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--enable-debug-command",
                            "local")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "redis-server is needed (apt-get install redis-server): " + e.getMessage(), e);
        }
        RedisURI uri = RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofMillis(500))
                .build();
        client = RedisClient.create(uri);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                connection = client.connect();
                break;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (redisServer != null) {
            redisServer.destroy();
            redisServer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void emptyRedis() {
        connection.sync().flushall();
        connection.sync().scriptFlush();
        reported.clear();
        store = new RedisLockoutStore(new DirectRedisClient(() -> connection, reported), () -> {}, SLOT_WAIT);
    }

    @Override
    LockoutStore store() {
        return store;
    }

    @Override
    void advance(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void everyKeyHasATtl() {
        lock("id:alice");
        fail("name:bob");
        store.check(attempt("id:carol"), SETTINGS);
        RedisCommands<String, String> redis = connection.sync();
        List<String> keys = redis.keys("*");
        assertTrue(keys.size() >= 8, "keys: " + keys);
        for (String key : keys) {
            long ttl = redis.pttl(key);
            assertTrue(ttl > 0, key + " has no TTL (" + ttl + ")");
        }
    }

    @Test
    void keysOfOneAccountAndOfOneIpShareAHashTagAndHoldNoNames() {
        String[] account = RedisLockoutStore.accountKeys(REALM, "name:alice@example.com");
        Set<String> accountTags = java.util.Arrays.stream(account)
                .map(RedisLockoutStoreTest::hashTag)
                .collect(Collectors.toSet());
        assertEquals(1, accountTags.size(), "all keys of one script call must map to one Cluster slot");
        String[] ip = RedisLockoutStore.ipKeys(attempt("id:x", "192.0.2.33"));
        assertEquals(
                1,
                java.util.Arrays.stream(ip)
                        .map(RedisLockoutStoreTest::hashTag)
                        .distinct()
                        .count());
        for (String key : account) {
            assertFalse(key.contains("alice"), key);
        }
        assertFalse(ip[0].contains("192.0.2.33"), ip[0]);
        assertFalse(
                accountTags.contains(hashTag(RedisLockoutStore.accountKeys(REALM, "name:bob")[0])),
                "accounts spread over slots");
    }

    @Test
    void scriptsRunBySha() {
        fail("id:alice");
        long evalCalls = commandCalls("eval");
        long evalshaCalls = commandCalls("evalsha");
        for (int i = 0; i < 3; i++) {
            fail("id:bob");
        }
        assertEquals(evalCalls, commandCalls("eval"), "no EVAL once the scripts are cached");
        assertEquals(evalshaCalls + 12, commandCalls("evalsha"), "two scripts per check and per failure");
    }

    @Test
    void scriptFlushIsRecoveredByEval() {
        fail("id:alice");
        connection.sync().scriptFlush();
        assertEquals(ALLOWED, fail("id:alice").verdict());
        assertEquals(2, store.lockState(REALM, "id:alice", SETTINGS).recentFailures());
        assertTrue(reported.isEmpty(), "NOSCRIPT is not an outage: " + reported);
    }

    @Test
    void luaLockDurationsMatchTheSettings() {
        LockoutSettings settings = new LockoutSettings(
                1,
                Duration.ofMinutes(15),
                Duration.ofMinutes(15),
                2,
                Duration.ofHours(24),
                1000,
                1000,
                1000,
                LockoutSettings.FailureMode.open,
                false);
        for (int run = 1; run <= 9; run++) {
            Attempt attempt = attempt("id:alice");
            assertEquals(ALLOWED, store.check(attempt, settings).verdict(), "run " + run);
            Decision lock = store.recordFailure(attempt, settings);
            assertEquals(settings.lockDuration(run), lock.retryAfter(), "run " + run);
            assertEquals(run, lock.consecutiveLocks());
            connection.sync().del(RedisLockoutStore.accountKeys(REALM, "id:alice")[1]); // end the lock, keep the run
        }
    }

    @Test
    void outageFollowsTheFailureModeAndIsReported() {
        Supplier<StatefulRedisConnection<String, String>> down = () -> {
            throw new IllegalStateException("Redis at redis://127.0.0.1:1 is unreachable");
        };
        RedisLockoutStore broken = new RedisLockoutStore(new DirectRedisClient(down, reported));
        LockoutSettings closed =
                new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 300, 10, LockoutSettings.FailureMode.closed, false);

        assertEquals(ALLOWED, broken.check(attempt("id:alice"), SETTINGS).verdict(), "open");
        assertEquals(UNAVAILABLE, broken.check(attempt("id:alice"), closed).verdict(), "closed");
        assertEquals(ALLOWED, broken.recordFailure(attempt("id:alice"), closed).verdict());
        broken.recordSuccess(attempt("id:alice"), closed);
        assertFalse(broken.lockState(REALM, "id:alice", SETTINGS).known());
        assertEquals(5, reported.size());
    }

    @Test
    void anAttemptWhoseCheckGotNoAnswerSkipsItsFollowUps() {
        List<Boolean> up = new ArrayList<>(List.of(false));
        RedisLockoutStore flaky = new RedisLockoutStore(new DirectRedisClient(
                () -> {
                    if (!up.get(0)) {
                        throw new IllegalStateException("Redis at redis://127.0.0.1:1 is unreachable");
                    }
                    return connection;
                },
                reported));
        Attempt unanswered = attempt("id:alice");
        assertEquals(ALLOWED, flaky.check(unanswered, SETTINGS).verdict(), "open");
        up.set(0, true);
        flaky.recordFailure(unanswered, SETTINGS);
        assertEquals(
                0, flaky.lockState(REALM, "id:alice", SETTINGS).recentFailures(), "no second wait for this attempt");
        Attempt next = attempt("id:alice");
        flaky.check(next, SETTINGS);
        flaky.recordFailure(next, SETTINGS);
        assertEquals(1, flaky.lockState(REALM, "id:alice", SETTINGS).recentFailures(), "the next attempt counts");
        assertEquals(1, reported.size());
    }

    @Test
    void theFirstAnsweredCallEndsAnOutage() {
        DirectRedisClient redis = new DirectRedisClient(() -> connection, reported);
        redis.reportFailure(new IllegalStateException("an earlier outage"));
        RedisLockoutStore recovering = new RedisLockoutStore(redis);

        assertEquals(ALLOWED, recovering.check(attempt("id:alice"), SETTINGS).verdict());
        assertTrue(redis.isAvailable(), "the check's answer ends the outage");
        Attempt attempt = attempt("id:alice");
        recovering.check(attempt, SETTINGS);
        recovering.recordFailure(attempt, SETTINGS);
        assertEquals(1, recovering.lockState(REALM, "id:alice", SETTINGS).recentFailures(), "failures count again");
    }

    @Test
    void slowRedisTimesOutIntoTheFailureMode() throws Exception {
        Thread sleeper = new Thread(() -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.getOutputStream()
                        .write("DEBUG SLEEP 1.5\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.getInputStream().read(); // +OK after the sleep
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        sleeper.start();
        Thread.sleep(200);
        long started = System.nanoTime();
        LockoutSettings closed =
                new LockoutSettings(5, WINDOW, LOCK, 2, CAP, 20, 300, 10, LockoutSettings.FailureMode.closed, false);
        Decision decision = store.check(attempt("id:alice"), closed);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        sleeper.join();
        assertEquals(UNAVAILABLE, decision.verdict());
        assertTrue(millis < 1200, "took " + millis + " ms; the command timeout is 500 ms");
        assertFalse(reported.isEmpty());
    }

    @Test
    void fiftyParallelFailuresFromManyThreadsLockAtExactlyTheThreshold() throws Exception {
        // on a loaded machine a 500 ms timeout would make the open failure mode let attempts through: this test is
        // about atomicity, so it gives Redis time to answer
        connection.setTimeout(Duration.ofSeconds(10));
        try {
            fiftyParallelFailures();
        } finally {
            connection.setTimeout(Duration.ofMillis(500));
        }
        assertEquals(List.of(), reported, "no store errors");
    }

    private void fiftyParallelFailures() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Decision>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                start.await();
                Attempt attempt = attempt("id:alice", "198.51.100." + n);
                Decision check = store.check(attempt, SETTINGS);
                return check.allowed() ? store.recordFailure(attempt, SETTINGS) : check;
            }));
        }
        start.countDown();
        int passwordsChecked = 0;
        int locks = 0;
        for (Future<Decision> result : results) {
            Decision decision = result.get(10, TimeUnit.SECONDS);
            if (decision.allowed() || decision.consecutiveLocks() > 0) {
                passwordsChecked++;
            } else {
                assertEquals(LOCKED, decision.verdict());
            }
            if (decision.consecutiveLocks() > 0) {
                locks++;
            }
        }
        pool.shutdown();
        assertEquals(5, passwordsChecked);
        assertEquals(1, locks);
        assertTrue(store.lockState(REALM, "id:alice", SETTINGS).locked());
    }

    private static String hashTag(String key) {
        return key.substring(key.indexOf('{') + 1, key.indexOf('}'));
    }

    private static long commandCalls(String command) {
        String stats = connection.sync().info("commandstats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
                .matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
