package bench.store;

import dev.multimodal.usermanagement.lockout.Attempt;
import dev.multimodal.usermanagement.lockout.Decision;
import dev.multimodal.usermanagement.lockout.LockoutSettings;
import dev.multimodal.usermanagement.lockout.RedisLockoutStore;
import dev.multimodal.usermanagement.redis.CacheStatus;
import dev.multimodal.usermanagement.redis.RedisClientProvider;
import dev.multimodal.usermanagement.shaded.io.lettuce.core.RedisClient;
import dev.multimodal.usermanagement.shaded.io.lettuce.core.RedisURI;
import dev.multimodal.usermanagement.shaded.io.lettuce.core.api.StatefulRedisConnection;
import dev.multimodal.usermanagement.shaded.io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lockout store's decisions per second (issue 5) beside {@code redis-benchmark} on the same Redis.
 *
 * <p>Ours: {@link RedisLockoutStore#check} itself (the call the authenticator makes before it verifies a password),
 * from {@code --callers} threads sharing one lettuce connection, as the server does. One decision is the account
 * script and the client-IP script, sent together (pipelined), both by {@code EVALSHA}. Accounts and IPs are drawn
 * from {@code --keys} of each, so the keys spread like many users' logins; the limits are raised so every decision
 * runs the whole script (nothing refused early).
 *
 * <p>Raw Redis: {@code redis-benchmark -c <callers> -r <keys>} running {@code EVALSHA} of the same two scripts
 * (loaded from the providers jar, SHA checked) with the same key pattern and arguments. A decision costs one call of
 * each, so raw decisions/s = 1 / (1/account + 1/ip). Rounds alternate the sides, so background load hits both.
 *
 * <pre>java -cp providers.jar:jboss-logging.jar:classes bench.store.LockoutStoreBench --redis redis://127.0.0.1:18381/0
 *     [--callers 16] [--keys 10000] [--rounds 4] [--seconds 10] [--redis-benchmark redis-benchmark] [--results FILE]</pre>
 * {@code --results} appends a section to the file.
 */
public class LockoutStoreBench {

    static String redis = "redis://127.0.0.1:18381/0";
    static int callers = 16;
    static int keys = 10_000;
    static int rounds = 4;
    static int seconds = 10;
    static String redisBenchmark = "redis-benchmark";
    static Path results = null;

    static final String REALM = "bench-realm";
    /** Nothing refused early: each check runs the whole account script (prune, count, reserve). */
    static final LockoutSettings SETTINGS = new LockoutSettings(1_000_000, Duration.ofMinutes(15), Duration.ofMinutes(15),
            2.0, Duration.ofHours(24), 1_000_000, 1_000_000, 1_000_000, LockoutSettings.FailureMode.open, false);

    public static void main(String[] args) throws Exception {
        parse(args);
        RedisURI uri = RedisURI.create(redis);
        uri.setTimeout(Duration.ofSeconds(10));   // the first connect loads Netty's classes: no 500 ms limit for it
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.setTimeout(Duration.ofMillis(500));   // the server's default --spi-redis--default--command-timeout
            AtomicLong failures = new AtomicLong();
            RedisLockoutStore store = new RedisLockoutStore(new RedisClientProvider() {
                @Override
                public boolean isConfigured() {
                    return true;
                }

                @Override
                public RedisClusterAsyncCommands<String, String> commands() {
                    return connection.async();
                }

                @Override
                public Duration commandTimeout() {
                    return Duration.ofMillis(500);
                }

                @Override
                public CacheStatus ping(Duration timeout) {
                    throw new UnsupportedOperationException("not used by the store");
                }

                @Override
                public void reportFailure(Exception cause) {
                    failures.incrementAndGet();
                }

                @Override
                public void reportSuccess() {
                }
            });
            String accountSha = load(connection, "account.lua");
            String ipSha = load(connection, "client-ip.lua");
            URI parsed = URI.create(redis);
            int db = parsed.getPath() == null || parsed.getPath().length() < 2 ? 0 : Integer.parseInt(parsed.getPath().substring(1));
            RawRedis raw = new RawRedis(parsed.getHost(), parsed.getPort(), db, accountSha, ipSha);

            log(String.format(Locale.ROOT, "store: RedisLockoutStore.check, %d callers, one lettuce connection, %d accounts x %d IPs; "
                    + "raw: redis-benchmark -c %d -r %d EVALSHA; %d rounds x %d s per side", callers, keys, keys, callers, keys, rounds, seconds));
            runStore(store, 2, new long[1]);   // warm-up: JIT, the scripts cached, the connection busy
            raw.run(accountSha, 2);

            List<Double> ours = new ArrayList<>();
            List<double[]> theirs = new ArrayList<>();   // {account EVALSHA/s, ip EVALSHA/s, decisions/s}
            List<Double> loads = new ArrayList<>();
            long refused = 0;
            for (int r = 1; r <= rounds; r++) {
                loads.add(loadAverage());
                long[] notAllowed = new long[1];
                double store1;
                double[] raw1;
                if (r % 2 == 1) {
                    store1 = runStore(store, seconds, notAllowed);
                    raw1 = raw.decisions();
                } else {
                    raw1 = raw.decisions();
                    store1 = runStore(store, seconds, notAllowed);
                }
                refused += notAllowed[0];
                ours.add(store1);
                theirs.add(raw1);
                log(String.format(Locale.ROOT, "round %d/%d (%s first): store %.0f decisions/s; redis-benchmark account %.0f + ip %.0f EVALSHA/s "
                                + "= %.0f decisions/s; ratio %.2f", r, rounds, r % 2 == 1 ? "store" : "redis-benchmark", store1,
                        raw1[0], raw1[1], raw1[2], store1 / raw1[2]));
            }
            long[] latencies = stepLatencies(store, seconds);
            log(String.format(Locale.ROOT, "one caller, check + recordSuccess: %d logins' worth, p50 %.3f ms, p99 %.3f ms",
                    latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.99)));
            loads.add(loadAverage());
            double decisions = mean(ours);
            double account = mean(theirs.stream().map(t -> t[0]).toList());
            double ip = mean(theirs.stream().map(t -> t[1]).toList());
            double rawDecisions = mean(theirs.stream().map(t -> t[2]).toList());
            double ratio = decisions / rawDecisions;

            StringBuilder b = new StringBuilder();
            b.append("\n## Lockout store: decisions per second, ").append(now()).append("\n\n");
            b.append("| metric | store (RedisLockoutStore.check) | redis-benchmark EVALSHA | store/raw |\n|---|---:|---:|---:|\n");
            b.append(String.format(Locale.ROOT, "| decisions/s (account + IP script) | %.0f | %.0f | **%.2f** |%n", decisions, rawDecisions, ratio));
            b.append(String.format(Locale.ROOT, "| script calls/s | %.0f | account %.0f, ip %.0f | |%n", 2 * decisions, account, ip));
            b.append(String.format(Locale.ROOT, "| per round, decisions/s | %s | %s | %s |%n", list(ours),
                    list(theirs.stream().map(t -> t[2]).toList()), ratios(ours, theirs)));
            b.append(String.format(Locale.ROOT, "| a successful login's store calls (check, then recordSuccess), 1 caller: p50 / p99 / max (ms) | "
                    + "%.3f / %.3f / %.3f | | |%n", percentile(latencies, 0.50), percentile(latencies, 0.99), latencies[latencies.length - 1] / 1e6));
            b.append('\n');
            b.append(String.format(Locale.ROOT, "- goal: store within 2x of raw Redis (ratio >= 0.50): %.2f -> %s%n", ratio, ratio >= 0.5 ? "MET" : "MISSED"));
            b.append(String.format(Locale.ROOT, "- %d callers (threads) on one lettuce connection vs redis-benchmark -c %d (one request in flight per "
                    + "connection); %d accounts and %d client IPs (-r %d); %d rounds x %d s per side, alternating; Redis %s%n",
                    callers, callers, keys, keys, keys, rounds, seconds, redis));
            b.append(String.format(Locale.ROOT, "- scripts from the providers jar: account.lua %s, client-ip.lua %s; decisions refused (should be 0): %d; "
                    + "store failures reported: %d%n", accountSha, ipSha, refused, failures.get()));
            b.append(String.format(Locale.ROOT, "- load average (1 min) at each round's start and at the end: %s (2 cores, shared)%n", list(loads, "%.1f")));
            b.append("- redis-benchmark: ").append(String.join(" ", raw.command(accountSha, 1)).replace(" -n 1 ", " -n <sized to --seconds> ")).append('\n');
            System.out.print(b);
            if (results != null) {
                Files.writeString(results, b.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                log("appended to " + results);
            }
        } finally {
            client.shutdown();
        }
    }

    /** Closed loop: each caller decides for random accounts and IPs; returns decisions per second. */
    static double runStore(RedisLockoutStore store, int runSeconds, long[] notAllowed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        long start = System.nanoTime();
        long end = start + runSeconds * 1_000_000_000L;
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            futures.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long done = 0;
                long refused = 0;
                while (System.nanoTime() < end) {
                    int account = random.nextInt(keys);
                    int ip = random.nextInt(keys);
                    Attempt attempt = Attempt.of(REALM, "id:user-" + account, "10." + (ip >> 16) + "." + ((ip >> 8) & 255) + "." + (ip & 255));
                    Decision decision = store.check(attempt, SETTINGS);
                    if (!decision.allowed()) {
                        refused++;
                    }
                    done++;
                }
                return new long[] {done, refused};
            }));
        }
        long done = 0;
        for (Future<long[]> f : futures) {
            long[] r = f.get();
            done += r[0];
            notAllowed[0] += r[1];
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return done / elapsed;
    }

    /**
     * The Redis work the step adds to a successful login, timed alone: {@code check} (account + IP script, pipelined)
     * then {@code recordSuccess}, one caller, for the given time. Sorted nanoseconds.
     */
    static long[] stepLatencies(RedisLockoutStore store, int runSeconds) {
        List<Long> nanos = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long end = System.nanoTime() + runSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            int account = random.nextInt(keys);
            Attempt attempt = Attempt.of(REALM, "id:user-" + account, "10.1." + (account >> 8 & 255) + "." + (account & 255));
            long t0 = System.nanoTime();
            store.check(attempt, SETTINGS);
            store.recordSuccess(attempt, SETTINGS);
            nanos.add(System.nanoTime() - t0);
        }
        return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    static double percentile(long[] sortedNanos, double q) {
        return sortedNanos[Math.max(0, (int) Math.ceil(q * sortedNanos.length) - 1)] / 1e6;
    }

    /** redis-benchmark on the same Redis, the same scripts by SHA, the same key pattern and arguments. */
    record RawRedis(String host, int port, int db, String accountSha, String ipSha) {

        /** {account EVALSHA/s, ip EVALSHA/s, decisions/s}; each run sized to last about {@code seconds}. */
        double[] decisions() throws Exception {
            double account = run(accountSha, seconds);
            double ip = run(ipSha, seconds);
            return new double[] {account, ip, 1 / (1 / account + 1 / ip)};
        }

        double run(String sha, int runSeconds) throws Exception {
            double rate = measure(command(sha, 20_000));   // a short run sizes the real one
            return measure(command(sha, Math.max(20_000, (long) (rate * runSeconds))));
        }

        List<String> command(String sha, long requests) {
            List<String> c = new ArrayList<>(List.of(redisBenchmark, "-h", host, "-p", Integer.toString(port), "--dbnum", Integer.toString(db),
                    "-c", Integer.toString(callers), "-n", Long.toString(requests), "-r", Integer.toString(keys), "--csv"));
            if (sha.equals(accountSha)) {
                // KEYS: failures, lock, run, requests, pending; ARGV: check, window ms, max failures, per minute, attempt id
                String prefix = "um:lo:{" + REALM + ":__rand_int__}:";
                c.addAll(List.of("evalsha", sha, "5", prefix + "f", prefix + "l", prefix + "n", prefix + "r", prefix + "p",
                        "check", Long.toString(SETTINGS.failureWindow().toMillis()), Integer.toString(SETTINGS.maxFailures()),
                        Integer.toString(SETTINGS.requestsPerUsernamePerMinute()), "attempt-__rand_int__"));
            } else {
                // KEYS: requests, failures; ARGV: check, per minute, failures per minute
                String prefix = "um:rl:{" + REALM + ":__rand_int__}:";
                c.addAll(List.of("evalsha", sha, "2", prefix + "r", prefix + "f", "check",
                        Integer.toString(SETTINGS.requestsPerIpPerMinute()), Integer.toString(SETTINGS.failuresPerIpPerMinute())));
            }
            return c;
        }

        /** Requests per second from redis-benchmark's CSV line {@code "EVALSHA ...","12345.67",...}. */
        static double measure(List<String> command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("redis-benchmark failed: " + out);
            }
            for (String line : out.split("\n")) {
                String[] cells = line.split("\",\"");
                if (cells.length > 1 && !cells[0].contains("test")) {
                    return Double.parseDouble(cells[1].replace("\"", ""));
                }
            }
            throw new IllegalStateException("no rate in redis-benchmark's output: " + out);
        }
    }

    /** SCRIPT LOAD of the jar's script; its SHA must be the one the store sends with EVALSHA (SHA-1 of the source). */
    static String load(StatefulRedisConnection<String, String> connection, String name) throws Exception {
        try (InputStream in = RedisLockoutStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " beside RedisLockoutStore in the jar");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
            String sha = connection.sync().scriptLoad(source);
            if (!expected.equals(sha)) {
                throw new IllegalStateException(name + ": Redis answered SHA " + sha + ", expected " + expected);
            }
            return sha;
        }
    }

    // ---------------------------------------------------------------- helpers

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static String list(List<Double> values) {
        return list(values, "%.0f");
    }

    static String list(List<Double> values, String format) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    static String ratios(List<Double> ours, List<double[]> theirs) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            r.add(ours.get(i) / theirs.get(i)[2]);
        }
        return list(r, "%.2f");
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static String now() {
        return LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16);
    }

    static void log(String message) {
        System.out.println("[" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
        System.out.flush();
    }

    static void parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --option value ...");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        options.forEach((k, v) -> {
            switch (k) {
                case "redis" -> redis = v;
                case "callers" -> callers = Integer.parseInt(v);
                case "keys" -> keys = Integer.parseInt(v);
                case "rounds" -> rounds = Integer.parseInt(v);
                case "seconds" -> seconds = Integer.parseInt(v);
                case "redis-benchmark" -> redisBenchmark = v;
                case "results" -> results = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option --" + k);
            }
        });
        if (callers < 1 || callers > 1000 || keys < 1 || rounds < 1 || seconds < 1) {
            throw new IllegalArgumentException("--callers 1..1000, --keys >= 1, --rounds >= 1, --seconds >= 1");
        }
    }
}
