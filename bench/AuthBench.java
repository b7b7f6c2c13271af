package bench;

import static bench.BenchSupport.*;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Auth benchmark (issue 4): our API beside stock Keycloak's OIDC endpoints, on the same running server, the same
 * realm, the same client ({@code user-management-api}, direct grant) and the same users, in one run.
 *
 * <ul>
 *   <li>login: {@code POST /realms/R/api/v1/auth/login} vs {@code POST /realms/R/protocol/openid-connect/token}
 *       with {@code grant_type=password&scope=openid} (our login asks for scope openid too);</li>
 *   <li>refresh: {@code POST /auth/refresh} vs {@code grant_type=refresh_token}; each side refreshes its own pool
 *       of sessions (one per user, made by its own login), keeping the newest refresh token of each;</li>
 *   <li>me: {@code GET /users/me} vs {@code GET /protocol/openid-connect/userinfo}, with the same access tokens;</li>
 *   <li>enumeration: a known user with a wrong password vs an unknown username, through {@code POST /auth/login}
 *       and through the token endpoint: both 401, and their medians must be within 10% of each other.</li>
 * </ul>
 * Each metric: a warm-up of both sides, then rounds that alternate the sides (who goes first alternates too), each
 * with a fixed number of closed-loop threads for a fixed time, so background load on the machine hits both alike.
 * Throughput is successful requests over the total measured time of a side; p50/p99 over every request of a side.
 * Non-200 answers are counted as errors and left out of throughput. Before measuring, the realm's lockout step
 * ({@code lockout-rate-limit} in the flow {@code user-management direct grant}) gets raised per-IP and per-username
 * limits through the admin REST API (the defaults, 300 per IP and 10 per username per minute, would refuse the load).
 * After measuring, an optional profiling pass runs our side alone and takes thread dumps ({@code jcmd Thread.print})
 * of Keycloak's JVM, outside the measured rounds.
 *
 * <pre>javac -d .run/bench-classes bench/*.java &amp;&amp; java -cp .run/bench-classes bench.AuthBench [--base http://localhost:18280] [--realm demo] [--users 200] [--threads 8]
 *     [--rounds 3] [--seconds 10] [--warmup-seconds 10] [--java-pid PID] [--dumps DIR] [--results FILE]
 *     [--metrics login,refresh,me,enumeration]</pre>
 * Only JDK 17; no dependencies. The server must be running (bench/auth.sh starts and stops it).
 */
public class AuthBench {

    static String base = "http://localhost:18280";
    static String realm = "demo";
    static int users = 200;
    static int threads = 8;
    static int rounds = 3;
    static int seconds = 10;
    static int warmupSeconds = 10;
    static long javaPid = -1;
    static Path dumps = null;
    static Path results = null;
    static List<String> metrics = List.of("login", "refresh", "me", "enumeration");

    static final String CLIENT = "user-management-api";
    static final String FLOW = "user-management direct grant";
    static final String STEP = "lockout-rate-limit";
    static final String PASSWORD = "BenchPass2026x";
    static final String ROLE = "user";

    public static void main(String[] args) throws Exception {
        parse(args);
        Results out = new Results();
        Admin admin = new Admin();

        String limits = admin.raiseLockoutLimits();
        out.note("lockout step raised for the benchmark: " + limits);
        List<String> names = admin.createUsers();
        out.note(String.format(Locale.ROOT, "%d users in realm %s (password not temporary), client %s, %d threads, "
                        + "%d rounds x %d s per side, sides alternating, after a %d s warm-up per side; server %s",
                names.size(), realm, CLIENT, threads, rounds, seconds, warmupSeconds, base));

        String api = base + "/realms/" + realm + "/api/v1";
        String oidc = base + "/realms/" + realm + "/protocol/openid-connect";
        AtomicInteger next = new AtomicInteger();

        // ---------------------------------------------------------------- login
        Side ourLogin = new Side("ours", () -> {
            String u = names.get(Math.floorMod(next.getAndIncrement(), names.size()));
            return post(api + "/auth/login", "application/json",
                    "{\"username\":\"" + u + "\",\"password\":\"" + PASSWORD + "\"}", null);
        });
        Side stockLogin = new Side("stock", () -> {
            String u = names.get(Math.floorMod(next.getAndIncrement(), names.size()));
            return post(oidc + "/token", "application/x-www-form-urlencoded",
                    "grant_type=password&scope=openid&client_id=" + CLIENT + "&username=" + enc(u) + "&password=" + enc(PASSWORD), null);
        });
        Metric login = null;
        if (metrics.contains("login")) {
            login = measure("login", ourLogin, stockLogin);
            out.metric("login (POST /auth/login vs token grant_type=password)", login);
        }

        // ---------------------------------------------------------------- refresh
        AtomicReferenceArray<String> ourRefresh = new AtomicReferenceArray<>(names.size());
        AtomicReferenceArray<String> stockRefresh = new AtomicReferenceArray<>(names.size());
        AtomicReferenceArray<String> access = new AtomicReferenceArray<>(names.size());
        if (metrics.contains("refresh")) {
            log("refresh: one session per user and side");
            parallel(names.size(), i -> {
                String ours = expectOk(post(api + "/auth/login", "application/json",
                        "{\"username\":\"" + names.get(i) + "\",\"password\":\"" + PASSWORD + "\"}", null), "our login");
                ourRefresh.set(i, jsonString(ours, "refresh_token"));
                String stock = expectOk(post(oidc + "/token", "application/x-www-form-urlencoded",
                        "grant_type=password&scope=openid&client_id=" + CLIENT + "&username=" + enc(names.get(i)) + "&password=" + enc(PASSWORD), null),
                        "stock login");
                stockRefresh.set(i, jsonString(stock, "refresh_token"));
            });
        }
        Side ourRefreshSide = new Side("ours", () -> {
            int i = Math.floorMod(next.getAndIncrement(), names.size());
            Answer a = post(api + "/auth/refresh", "application/json", "{\"refresh_token\":\"" + ourRefresh.get(i) + "\"}", null);
            if (a.status() == 200) {
                ourRefresh.set(i, jsonString(a.body(), "refresh_token"));
            }
            return a;
        });
        Side stockRefreshSide = new Side("stock", () -> {
            int i = Math.floorMod(next.getAndIncrement(), names.size());
            Answer a = post(oidc + "/token", "application/x-www-form-urlencoded",
                    "grant_type=refresh_token&client_id=" + CLIENT + "&refresh_token=" + enc(stockRefresh.get(i)), null);
            if (a.status() == 200) {
                stockRefresh.set(i, jsonString(a.body(), "refresh_token"));
            }
            return a;
        });
        Metric refresh = null;
        if (metrics.contains("refresh")) {
            refresh = measure("refresh", ourRefreshSide, stockRefreshSide);
            out.metric("refresh (POST /auth/refresh vs token grant_type=refresh_token)", refresh);
        }

        // ---------------------------------------------------------------- me / userinfo
        if (metrics.contains("me")) {
            log("me: fresh access tokens (scope openid) from our login, the same tokens for both sides");
            parallel(names.size(), i -> access.set(i, jsonString(expectOk(post(api + "/auth/login", "application/json",
                    "{\"username\":\"" + names.get(i) + "\",\"password\":\"" + PASSWORD + "\"}", null), "our login"), "access_token")));
        }
        Side ourMe = new Side("ours", () -> get(api + "/users/me", access.get(Math.floorMod(next.getAndIncrement(), names.size()))));
        Side stockMe = new Side("stock", () -> get(oidc + "/userinfo", access.get(Math.floorMod(next.getAndIncrement(), names.size()))));
        Metric me = null;
        if (metrics.contains("me")) {
            me = measure("me", ourMe, stockMe);
            out.metric("profile (GET /users/me vs userinfo)", me);
        }

        // ---------------------------------------------------------------- enumeration: known vs unknown accounts
        // "ours" = an existing user with a wrong password, "stock" = a username that does not exist; both must
        // answer 401 in the same time (one password hash each), through our API and through the token endpoint.
        if (metrics.contains("enumeration")) {
            for (boolean viaApi : new boolean[] {true, false}) {
                Side known = new Side("known", 401, () -> wrongPassword(viaApi, api, oidc,
                        names.get(Math.floorMod(next.getAndIncrement(), names.size()))));
                Side unknown = new Side("unknown", 401, () -> wrongPassword(viaApi, api, oidc,
                        "nobody-" + Math.floorMod(next.getAndIncrement(), names.size())));
                String where = viaApi ? "POST /auth/login" : "token endpoint";
                Metric timing = measure("enumeration " + where, known, unknown);
                out.metric("enumeration, " + where + ": known user + wrong password (ours column) vs unknown user (stock column)", timing);
                out.sameTiming("enumeration, " + where, timing, 0.10);
            }
        }

        if (login != null) {
            out.goal("login", login, 0.95);
        }
        if (refresh != null) {
            out.goal("refresh", refresh, 0.95);
        }
        if (me != null) {
            out.goal("/users/me", me, 1.0);
        }

        // ---------------------------------------------------------------- profiling (not measured)
        if (dumps != null && javaPid > 0) {
            Files.createDirectories(dumps);
            for (Object[] pass : new Object[][]{{"login-ours", ourLogin}, {"login-stock", stockLogin},
                    {"refresh-ours", ourRefreshSide}, {"refresh-stock", stockRefreshSide}, {"me-ours", ourMe}, {"me-stock", stockMe}}) {
                String name = (String) pass[0];
                if (!metrics.contains(name.substring(0, name.indexOf('-')))) {
                    continue;
                }
                log("profiling " + name + ": thread dumps of pid " + javaPid + " into " + dumps + " (not measured)");
                Side side = (Side) pass[1];
                Thread sampler = new Thread(() -> {
                    try {
                        for (int n = 1; n <= 4; n++) {
                            Thread.sleep(1500);
                            Process p = new ProcessBuilder("jcmd", Long.toString(javaPid), "Thread.print").redirectErrorStream(true)
                                    .redirectOutput(dumps.resolve(String.format(Locale.ROOT, "%s-%d.txt", name, n)).toFile()).start();
                            p.waitFor(30, TimeUnit.SECONDS);
                        }
                    } catch (IOException | InterruptedException e) {
                        log("jcmd: " + e);
                    }
                });
                sampler.start();
                side.run(9);
                sampler.join();
            }
            out.note("thread dumps of a separate, unmeasured pass per side: " + dumps);
        }
        out.print();
    }

    // ---------------------------------------------------------------- measuring

    interface Call {
        Answer call() throws Exception;
    }

    record Metric(Stats ours, Stats stock, List<Double> ourRounds, List<Double> stockRounds) {
    }

    record Stats(long ok, long errors, double seconds, double p50, double p99, Map<Integer, Long> statuses) {
        double throughput() {
            return ok / seconds;
        }
    }

    /** One side of a metric: closed-loop threads for a fixed time; latencies of successful requests kept. */
    static final class Side {
        final String name;
        final Call call;
        final List<Long> latencies = new ArrayList<>();
        long ok;
        long errors;
        double seconds;
        final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        final List<String> sampleErrors = new ArrayList<>();

        /** The status a request of this side is meant to get (200, or 401 for the enumeration metric's refusals). */
        final int expected;

        Side(String name, Call call) {
            this(name, 200, call);
        }

        Side(String name, int expected, Call call) {
            this.name = name;
            this.expected = expected;
            this.call = call;
        }

        /** Runs for the given time; returns requests/s of this run; records only when asked. */
        double run(int runSeconds, boolean record) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            long end = start + runSeconds * 1_000_000_000L;
            List<Future<long[]>> futures = new ArrayList<>();
            List<List<Long>> perThread = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                perThread.add(mine);
                futures.add(pool.submit(() -> {
                    long good = 0;
                    long bad = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        Answer a;
                        try {
                            a = call.call();
                        } catch (IOException e) {
                            a = new Answer(-1, e.toString());
                        }
                        long t1 = System.nanoTime();
                        statuses.merge(a.status(), 1L, Long::sum);
                        if (a.status() == expected) {
                            good++;
                            mine.add(t1 - t0);
                        } else {
                            bad++;
                            synchronized (sampleErrors) {
                                if (sampleErrors.size() < 3) {
                                    sampleErrors.add(a.status() + " " + abbreviate(a.body()));
                                }
                            }
                        }
                    }
                    return new long[]{good, bad};
                }));
            }
            long good = 0;
            long bad = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get();
                good += r[0];
                bad += r[1];
            }
            double elapsed = (System.nanoTime() - start) / 1e9;   // includes the last requests' tail
            pool.shutdown();
            if (record) {
                ok += good;
                errors += bad;
                seconds += elapsed;
                perThread.forEach(latencies::addAll);
            }
            if (bad > 0) {
                log(String.format(Locale.ROOT, "  %s: %d errors, e.g. %s", name, bad, sampleErrors));
            }
            return good / elapsed;
        }

        void run(int runSeconds) throws Exception {
            run(runSeconds, false);
        }

        Stats stats() {
            long[] v = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Stats(ok, errors, seconds, percentile(v, 0.50), percentile(v, 0.99), statuses);
        }
    }

    static Metric measure(String label, Side ours, Side stock) throws Exception {
        log(label + ": warm-up " + warmupSeconds + " s per side");
        ours.run(warmupSeconds, false);
        stock.run(warmupSeconds, false);
        ours.statuses.clear();
        stock.statuses.clear();
        List<Double> ourRounds = new ArrayList<>();
        List<Double> stockRounds = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Side first = r % 2 == 1 ? ours : stock;
            Side second = first == ours ? stock : ours;
            double a = first.run(seconds, true);
            double b = second.run(seconds, true);
            double o = first == ours ? a : b;
            double s = first == ours ? b : a;
            ourRounds.add(o);
            stockRounds.add(s);
            log(String.format(Locale.ROOT, "%s round %d/%d (%s first): ours %.1f req/s, stock %.1f req/s, ratio %.2f",
                    label, r, rounds, first.name, o, s, o / s));
        }
        Metric m = new Metric(ours.stats(), stock.stats(), ourRounds, stockRounds);
        log(String.format(Locale.ROOT, "%s: ours %.1f req/s p50 %.1f p99 %.1f ms (%d errors); stock %.1f req/s p50 %.1f p99 %.1f ms (%d errors)",
                label, m.ours.throughput(), m.ours.p50, m.ours.p99, m.ours.errors, m.stock.throughput(), m.stock.p50, m.stock.p99, m.stock.errors));
        return m;
    }

    // ---------------------------------------------------------------- admin set-up

    static final class Admin {
        private final BenchSupport.AdminToken adminToken = new BenchSupport.AdminToken(base);

        String token() throws Exception {
            return adminToken.get();
        }

        String adminUrl(String path) {
            return base + "/admin/realms/" + realm + path;
        }

        /** Raises the lockout step's per-IP and per-username limits; returns what it set. */
        String raiseLockoutLimits() throws Exception {
            String executions = expectOk(get(adminUrl("/authentication/flows/" + enc(FLOW).replace("+", "%20") + "/executions"), token()),
                    "executions of " + FLOW);
            Matcher m = Pattern.compile("\\{[^{}]*\"providerId\"\\s*:\\s*\"" + STEP + "\"[^{}]*\\}").matcher(executions);
            if (!m.find()) {
                throw new IllegalStateException("no " + STEP + " step in " + FLOW + ": " + abbreviate(executions));
            }
            String execution = m.group();
            String id = jsonString(execution, "id");
            String config = "{\"requestsPerUsernamePerMinute\":\"1000000\",\"requestsPerIpPerMinute\":\"1000000\",\"failuresPerIpPerMinute\":\"1000000\","
                    + "\"maxFailures\":\"1000000\"}";
            Matcher existing = Pattern.compile("\"authenticationConfig\"\\s*:\\s*\"([^\"]+)\"").matcher(execution);
            if (existing.find()) {
                String configId = existing.group(1);
                String current = expectOk(get(adminUrl("/authentication/config/" + configId), token()), "step config");
                String alias = jsonString(current, "alias");
                // keep the other settings of the existing config, override the three limits
                Map<String, String> merged = new LinkedHashMap<>();
                Matcher c = Pattern.compile("\"config\"\\s*:\\s*\\{([^}]*)\\}").matcher(current);
                if (c.find()) {
                    Matcher kv = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(c.group(1));
                    while (kv.find()) {
                        merged.put(kv.group(1), kv.group(2));
                    }
                }
                merged.put("requestsPerUsernamePerMinute", "1000000");
                merged.put("requestsPerIpPerMinute", "1000000");
                merged.put("failuresPerIpPerMinute", "1000000");
                merged.put("maxFailures", "1000000"); // the enumeration metric's wrong passwords must not lock
                StringBuilder b = new StringBuilder("{");
                merged.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
                config = b.append('}').toString();
                expectStatus(put(adminUrl("/authentication/config/" + configId), "{\"id\":\"" + configId + "\",\"alias\":\"" + alias
                        + "\",\"config\":" + config + "}", token()), 204, "update step config");
            } else {
                expectStatus(post(adminUrl("/authentication/executions/" + id + "/config"), "application/json",
                        "{\"alias\":\"bench\",\"config\":" + config + "}", token()), 201, "create step config");
            }
            log("lockout step " + id + " config: " + config);
            return "realm " + realm + ", flow '" + FLOW + "', step " + STEP + " (execution " + id + "): " + config
                    + " (defaults: 10 per username and 300 per IP per minute)";
        }

        /** bench-user-001.. with a non-temporary password; existing ones are reused (their password is set again). */
        List<String> createUsers() throws Exception {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= users; i++) {
                names.add(String.format(Locale.ROOT, "bench-user-%03d", i));
            }
            log("creating " + users + " users in " + realm + " with the realm role " + ROLE);
            String role = expectOk(get(adminUrl("/roles/" + ROLE), token()), "role " + ROLE);
            String roleRef = "[{\"id\":\"" + jsonString(role, "id") + "\",\"name\":\"" + ROLE + "\"}]";
            long t0 = System.nanoTime();
            parallel(users, i -> {
                String u = names.get(i);
                String body = "{\"username\":\"" + u + "\",\"email\":\"" + u + "@bench.example.com\",\"firstName\":\"Bench\",\"lastName\":\"User"
                        + i + "\",\"enabled\":true,\"emailVerified\":true,\"credentials\":[{\"type\":\"password\",\"value\":\"" + PASSWORD
                        + "\",\"temporary\":false}]}";
                Answer a = post(adminUrl("/users"), "application/json", body, token());
                if (a.status() != 201 && a.status() != 409) {
                    throw new IllegalStateException("create " + u + ": " + a.status() + " " + abbreviate(a.body()));
                }
                String found = expectOk(get(adminUrl("/users?exact=true&username=" + enc(u)), token()), "find " + u);
                String id = jsonString(found, "id");
                if (a.status() == 409) {   // from an earlier run: the same password again (history refuses it when unchanged)
                    Answer reset = put(adminUrl("/users/" + id + "/reset-password"),
                            "{\"type\":\"password\",\"value\":\"" + PASSWORD + "\",\"temporary\":false}", token());
                    if (reset.status() != 204 && !reset.body().contains("invalidPasswordHistoryMessage")) {
                        expectStatus(reset, 204, "reset " + u);
                    }
                }
                // GET /users/me needs profile:read (guest and above); userinfo needs no role
                expectStatus(post(adminUrl("/users/" + id + "/role-mappings/realm"), "application/json", roleRef, token()), 204, "role " + u);
            });
            log(String.format(Locale.ROOT, "users ready in %.1f s", (System.nanoTime() - t0) / 1e9));
            return names;
        }
    }

    // ---------------------------------------------------------------- results

    static final class Results {
        final List<String> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> goals = new ArrayList<>();

        void metric(String label, Metric m) {
            rows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | **%.2f** | %.1f / %.1f | %.1f / %.1f | %s | %s | %d / %d |",
                    label, m.ours.throughput(), m.stock.throughput(), m.ours.throughput() / m.stock.throughput(),
                    m.ours.p50, m.ours.p99, m.stock.p50, m.stock.p99, rounds(m.ourRounds), rounds(m.stockRounds),
                    m.ours.errors, m.stock.errors));
        }

        void goal(String label, Metric m, double target) {
            double ratio = m.ours.throughput() / m.stock.throughput();
            List<Double> perRound = new ArrayList<>();
            for (int i = 0; i < m.ourRounds.size(); i++) {
                perRound.add(m.ourRounds.get(i) / m.stockRounds.get(i));
            }
            goals.add(String.format(Locale.ROOT, "goal: %s throughput >= %.2fx stock: %.2fx -> %s (per-round ratios %s)", label, target, ratio,
                    ratio >= target ? "MET" : "MISSED", perRound.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
        }

        /** Known and unknown accounts must not be told apart by time: medians within {@code tolerance}. */
        void sameTiming(String label, Metric m, double tolerance) {
            double ratio = m.ours.p50 / m.stock.p50;
            goals.add(String.format(Locale.ROOT, "goal: %s p50 known / unknown within %.0f%%: %.1f / %.1f ms = %.3f -> %s",
                    label, tolerance * 100, m.ours.p50, m.stock.p50, ratio, Math.abs(ratio - 1) <= tolerance ? "MET" : "MISSED"));
        }

        void note(String note) {
            notes.add(note);
        }

        static String rounds(List<Double> values) {
            StringBuilder b = new StringBuilder();
            for (double v : values) {
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
            }
            return b.toString();
        }

        void print() throws IOException {
            StringBuilder b = new StringBuilder();
            b.append("\n## Auth benchmark, ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16)).append("\n\n");
            b.append("| metric | ours req/s | stock req/s | ours/stock | ours p50 / p99 (ms) | stock p50 / p99 (ms) | ours per round | stock per round | errors ours / stock |\n");
            b.append("|---|---:|---:|---:|---:|---:|---|---|---:|\n");
            rows.forEach(r -> b.append(r).append('\n'));
            b.append('\n');
            goals.forEach(g -> b.append("- ").append(g).append('\n'));
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
            System.out.print(b);
            if (results != null) {
                Files.writeString(results, b.toString());
                log("results written to " + results);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static void parse(String[] args) {
        for (Map.Entry<String, String> o : options(args).entrySet()) {
            String v = o.getValue();
            switch (o.getKey()) {
                case "base" -> base = v.replaceAll("/+$", "");
                case "realm" -> realm = v;
                case "users" -> users = Integer.parseInt(v);
                case "threads" -> threads = Integer.parseInt(v);
                case "rounds" -> rounds = Integer.parseInt(v);
                case "seconds" -> seconds = Integer.parseInt(v);
                case "warmup-seconds" -> warmupSeconds = Integer.parseInt(v);
                case "java-pid" -> javaPid = Long.parseLong(v);
                case "dumps" -> dumps = Path.of(v);
                case "results" -> results = Path.of(v);
                case "metrics" -> metrics = List.of(v.split(","));
                default -> throw new IllegalArgumentException("unknown option --" + o.getKey());
            }
        }
        if (users < 1 || users > 5000 || threads < 1 || threads > 256 || rounds < 1 || seconds < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--users 1..5000, --threads 1..256, --rounds >= 1, --seconds >= 1, --warmup-seconds >= 0");
        }
        if (!URI.create(base).getHost().matches("localhost|127\\.0\\.0\\.1")) {
            throw new IllegalArgumentException("the benchmark only talks to localhost; --base " + base);
        }
    }

    static Answer wrongPassword(boolean viaApi, String api, String oidc, String username) throws Exception {
        return viaApi
                ? post(api + "/auth/login", "application/json", "{\"username\":\"" + username + "\",\"password\":\"Wrong-" + PASSWORD + "\"}", null)
                : post(oidc + "/token", "application/x-www-form-urlencoded", "grant_type=password&scope=openid&client_id=" + CLIENT
                        + "&username=" + enc(username) + "&password=" + enc("Wrong-" + PASSWORD), null);
    }
}
