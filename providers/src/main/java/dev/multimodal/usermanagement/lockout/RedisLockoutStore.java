package dev.multimodal.usermanagement.lockout;

import dev.multimodal.usermanagement.redis.RedisClientProvider;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The shared store: every decision runs Lua scripts by SHA ({@code EVALSHA}; on {@code NOSCRIPT} once
 * {@code EVAL}, which also caches the script on that server), so it is atomic and costs one network round trip.
 * An account's keys share one hash tag and a client IP's keys another, so both scripts work on Redis Cluster;
 * a check sends the account script and the IP script together (pipelined) and waits for both. Every key has a
 * TTL. Keys hold digests, not usernames or addresses.
 *
 * <p>The same code serves standalone, Sentinel and Cluster: lettuce routes each script call by its keys' slot.
 *
 * <p>Any Redis error or timeout is reported to the shared client (one log line per outage) and the decision
 * follows the failure mode; nothing is thrown. Each answered call is reported too, so the first one after an
 * outage ends it. When an attempt's check got no answer, its follow-up calls are skipped, so a slow or dead Redis
 * costs a login one command timeout, not two (on a cluster, other accounts' attempts still count in full).
 */
public final class RedisLockoutStore implements LockoutStore {

    static final Script ACCOUNT_SCRIPT = Script.load("account.lua");
    static final Script CLIENT_IP_SCRIPT = Script.load("client-ip.lua");
    private static final Duration MAX_WAIT = Duration.ofSeconds(5);
    private static final String ACCOUNT_PREFIX = "um:lo:";
    private static final int SCAN_BATCH = 1000;

    private final RedisClientProvider redis;
    private final Runnable onFailure;
    private final Duration maxWait;
    /** The last attempt whose check got no answer from Redis (a store serves one session). */
    private volatile String unansweredAttemptId;

    /** @param redis the shared client; its command timeout bounds each call */
    public RedisLockoutStore(RedisClientProvider redis) {
        this(redis, () -> {});
    }

    /** @param onFailure told of each failed call (after the shared client), e.g. to count it */
    public RedisLockoutStore(RedisClientProvider redis, Runnable onFailure) {
        this(redis, onFailure, SlotWait.DEFAULT_MAX_WAIT);
    }

    /** @param maxWait how long an attempt waits for a failure slot held by attempts in flight */
    public RedisLockoutStore(RedisClientProvider redis, Runnable onFailure, Duration maxWait) {
        this.redis = redis;
        this.onFailure = onFailure;
        this.maxWait = maxWait;
    }

    /** A Lua script and its SHA-1, the name Redis caches it under. */
    record Script(String source, String sha) {

        static Script load(String name) {
            try (InputStream in = RedisLockoutStore.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Script(
                        source,
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-1")
                                        .digest(source.getBytes(StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public Decision check(Attempt attempt, LockoutSettings settings) {
        return SlotWait.await(() -> firstCheck(attempt, settings, true), () -> reserve(attempt, settings), maxWait);
    }

    @Override
    public Decision checkLimits(Attempt attempt, LockoutSettings settings) {
        return firstCheck(attempt, settings, false).orElseThrow();
    }

    /** Both scripts, pipelined; empty when every failure slot is held by an attempt in flight (nothing reserved). */
    private Optional<Decision> firstCheck(Attempt attempt, LockoutSettings settings, boolean guess) {
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            String[] accountKeys = accountKeys(attempt.realmId(), attempt.accountKey());
            CompletableFuture<List<Object>> account = run(
                    commands,
                    ACCOUNT_SCRIPT,
                    accountKeys,
                    "check",
                    millis(settings.failureWindow()),
                    settings.maxFailures(),
                    settings.requestsPerUsernamePerMinute(),
                    attempt.id(),
                    guess ? "1" : "0");
            CompletableFuture<List<Object>> clientIp = run(
                    commands,
                    CLIENT_IP_SCRIPT,
                    ipKeys(attempt),
                    "check",
                    settings.requestsPerIpPerMinute(),
                    settings.failuresPerIpPerMinute());
            long deadline = deadline();
            List<Object> accountReply = await(account, deadline);
            List<Object> ipReply = await(clientIp, deadline);

            Optional<Decision> accountDecision = decision(accountReply);
            Decision ipDecision = decision(ipReply).orElseThrow();
            if (ipDecision.allowed()) {
                return accountDecision;
            }
            if (accountDecision.map(Decision::allowed).orElse(false) && guess) {
                // the account script reserved a failure slot for an attempt that will not be made
                await(run(commands, ACCOUNT_SCRIPT, accountKeys, "release", attempt.id()), deadline());
            }
            return Optional.of(ipDecision);
        } catch (Exception e) {
            unansweredAttemptId = attempt.id();
            return Optional.of(outage(e, settings));
        }
    }

    /** A waiting attempt's next try for a slot (its request was counted by its first check). */
    private Optional<Decision> reserve(Attempt attempt, LockoutSettings settings) {
        try {
            List<Object> reply = await(
                    run(
                            redis.commands(),
                            ACCOUNT_SCRIPT,
                            accountKeys(attempt.realmId(), attempt.accountKey()),
                            "reserve",
                            millis(settings.failureWindow()),
                            settings.maxFailures(),
                            attempt.id()),
                    deadline());
            return decision(reply);
        } catch (Exception e) {
            unansweredAttemptId = attempt.id();
            return Optional.of(outage(e, settings));
        }
    }

    private boolean unanswered(Attempt attempt) {
        return attempt.id().equals(unansweredAttemptId);
    }

    @Override
    public Decision recordFailure(Attempt attempt, LockoutSettings settings) {
        if (unanswered(attempt)) {
            return Decision.ALLOWED;
        }
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            CompletableFuture<List<Object>> account = run(
                    commands,
                    ACCOUNT_SCRIPT,
                    accountKeys(attempt.realmId(), attempt.accountKey()),
                    "fail",
                    millis(settings.failureWindow()),
                    settings.maxFailures(),
                    millis(settings.lockoutDuration()),
                    settings.lockoutGrowthFactor(),
                    millis(settings.lockoutCap()),
                    attempt.id());
            CompletableFuture<List<Object>> clientIp = run(commands, CLIENT_IP_SCRIPT, ipKeys(attempt), "fail");
            long deadline = deadline();
            List<Object> reply = await(account, deadline);
            await(clientIp, deadline);
            if (number(reply, 0) == 1) {
                return Decision.lockedNow(Duration.ofMillis(number(reply, 1)), (int) number(reply, 2));
            }
            return Decision.ALLOWED;
        } catch (Exception e) {
            // the attempt has failed anyway; the failure mode only governs what is still to be allowed
            report(e);
            return Decision.ALLOWED;
        }
    }

    @Override
    public void release(Attempt attempt) {
        if (unanswered(attempt)) {
            return;
        }
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            await(
                    run(
                            commands,
                            ACCOUNT_SCRIPT,
                            accountKeys(attempt.realmId(), attempt.accountKey()),
                            "release",
                            attempt.id()),
                    deadline());
        } catch (Exception e) {
            report(e);
        }
    }

    /**
     * Sent, not awaited: a login does not wait a round trip for a reply that only confirms. The connection keeps its
     * commands in order, so this account's next check (from this node) sees the success; lettuce times it out like
     * any command, and a failure is reported as an outage of an awaited call would be.
     */
    @Override
    public void recordSuccess(Attempt attempt, LockoutSettings settings) {
        if (unanswered(attempt)) {
            return;
        }
        try {
            run(
                            redis.commands(),
                            ACCOUNT_SCRIPT,
                            accountKeys(attempt.realmId(), attempt.accountKey()),
                            "success",
                            attempt.id())
                    .whenComplete((reply, error) -> {
                        if (error == null) {
                            redis.reportSuccess();
                        } else {
                            report(unwrap(error) instanceof Exception e ? e : new ExecutionException(error));
                        }
                    });
        } catch (Exception e) {
            report(e);
        }
    }

    @Override
    public boolean unlock(String realmId, String accountKey) {
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            List<Object> reply =
                    await(run(commands, ACCOUNT_SCRIPT, accountKeys(realmId, accountKey), "unlock"), deadline());
            return number(reply, 0) == 1;
        } catch (Exception e) {
            report(e);
            throw new LockoutStoreException("Cannot unlock: the lockout store is unavailable", e);
        }
    }

    @Override
    public boolean unlock(String realmId, String accountKey, String lockId) {
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            List<Object> reply = await(
                    run(commands, ACCOUNT_SCRIPT, accountKeys(realmId, accountKey), "unlock-lock", lockId), deadline());
            return number(reply, 0) == 1;
        } catch (Exception e) {
            report(e);
            throw new LockoutStoreException("Cannot unlock: the lockout store is unavailable", e);
        }
    }

    /**
     * {@code SCAN} (never {@code KEYS}) for the realm's account keys, a batch at a time, each batch removed with
     * {@code UNLINK}; on a cluster lettuce scans every master and splits the removal by slot.
     */
    @Override
    public void unlockAll(String realmId) {
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            String prefix = ACCOUNT_PREFIX + "{" + realmId + ":";
            ScanArgs args = ScanArgs.Builder.matches(globEscaped(prefix) + "*").limit(SCAN_BATCH);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> batch =
                        commands.scan(cursor, args).get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                // a realm id that is another's prefix followed by ':' must not match: the rest is exactly one digest
                String[] keys = batch.getKeys().stream()
                        .filter(key -> isAccountKeyOf(prefix, key))
                        .toArray(String[]::new);
                if (keys.length > 0) {
                    commands.unlink(keys).get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
                cursor = batch;
            } while (!cursor.isFinished());
            redis.reportSuccess();
        } catch (Exception e) {
            report(e);
            throw new LockoutStoreException("Cannot unlock: the lockout store is unavailable", e);
        }
    }

    private static boolean isAccountKeyOf(String prefix, String key) {
        return key.startsWith(prefix) && key.substring(prefix.length()).matches("[A-Za-z0-9_-]{22}\\}:[a-z]");
    }

    /** The value as a literal in a {@code SCAN MATCH} pattern. */
    private static String globEscaped(String value) {
        return value.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
    }

    @Override
    public LockState lockState(String realmId, String accountKey, LockoutSettings settings) {
        try {
            RedisClusterAsyncCommands<String, String> commands = redis.commands();
            List<Object> reply = await(
                    run(
                            commands,
                            ACCOUNT_SCRIPT,
                            accountKeys(realmId, accountKey),
                            "state",
                            millis(settings.failureWindow())),
                    deadline());
            long lockMillis = number(reply, 0);
            return new LockState(true, lockMillis > 0, Duration.ofMillis(lockMillis), (int) number(reply, 1), (int)
                    number(reply, 2));
        } catch (Exception e) {
            report(e);
            return LockState.UNKNOWN;
        }
    }

    // ---- keys

    static String[] accountKeys(String realmId, String accountKey) {
        String prefix = ACCOUNT_PREFIX + "{" + realmId + ":" + digest(accountKey) + "}:";
        return new String[] {prefix + "f", prefix + "l", prefix + "n", prefix + "r", prefix + "p"};
    }

    static String[] ipKeys(Attempt attempt) {
        String prefix = "um:rl:{" + attempt.realmId() + ":" + digest(attempt.ip()) + "}:";
        return new String[] {prefix + "r", prefix + "f"};
    }

    /** 128 bits of SHA-256: collision-free in practice, and no personal data in Redis key names. */
    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- scripts

    private static CompletableFuture<List<Object>> run(
            RedisClusterAsyncCommands<String, String> commands, Script script, String[] keys, Object... args) {
        String[] values = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i] instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(args[i]);
        }
        RedisFuture<List<Object>> bySha = commands.evalsha(script.sha(), ScriptOutputType.MULTI, keys, values);
        return bySha.toCompletableFuture()
                .handle((reply, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(reply);
                    }
                    if (unwrap(error) instanceof RedisNoScriptException) {
                        // first use on this server (or after SCRIPT FLUSH / failover): EVAL sends and caches it
                        RedisFuture<List<Object>> byEval =
                                commands.eval(script.source(), ScriptOutputType.MULTI, keys, values);
                        return byEval.toCompletableFuture();
                    }
                    return CompletableFuture.<List<Object>>failedFuture(unwrap(error));
                })
                .thenCompose(future -> future);
    }

    private static long millis(Duration duration) {
        return duration.toMillis();
    }

    private long deadline() {
        Duration timeout = redis.commandTimeout();
        if (timeout == null || timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_WAIT) > 0) {
            timeout = MAX_WAIT;
        }
        // twice the command timeout: room for the NOSCRIPT fallback, while lettuce times out each command itself
        return System.nanoTime() + 2 * timeout.toNanos();
    }

    private List<Object> await(CompletableFuture<List<Object>> future, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Object> reply = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        redis.reportSuccess();
        return reply;
    }

    /** A script's verdict; empty for "busy" (every failure slot held by an attempt in flight). */
    private static Optional<Decision> decision(List<Object> reply) {
        long verdict = number(reply, 0);
        Duration retryAfter = Duration.ofMillis(number(reply, 1));
        if (verdict == 1) {
            return Optional.of(Decision.locked(retryAfter));
        }
        if (verdict == 2) {
            return Optional.of(Decision.rateLimited(retryAfter));
        }
        return verdict == 3 ? Optional.empty() : Optional.of(Decision.ALLOWED);
    }

    private static long number(List<Object> reply, int index) {
        Object value = reply.get(index);
        if (value instanceof Number n) {
            return n.longValue();
        }
        return Long.parseLong(String.valueOf(value));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private Decision outage(Exception e, LockoutSettings settings) {
        report(e);
        return Decision.onOutage(settings);
    }

    private void report(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = unwrap(e);
        redis.reportFailure(cause instanceof Exception ex ? ex : e);
        onFailure.run();
    }
}
