package bench;

import static bench.BenchSupport.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tenant benchmark (issue 3): our {@code POST/GET /realms/master/api/v1/tenants} beside stock Keycloak's
 * {@code POST/GET /admin/realms}, on the same server in the same run.
 *
 * <p>The program starts the server itself ({@code run.sh}, with the environment it is given: see
 * {@code bench/tenants.sh}), restarts it to measure start-up, and stops it by PID (SIGTERM to run.sh, which
 * forwards it to Keycloak). It only talks to localhost. Creations alternate one of ours and one stock realm
 * (who goes first alternates too), so both sides are measured with the same number of realms in the server
 * and under the same background noise; list requests are interleaved round-robin for the same reason.
 *
 * <pre>javac -d .run/bench-classes bench/*.java &amp;&amp; java -cp .run/bench-classes bench.TenantBench [--tenants 500] [--samples 50] [--http-port 18180] [--management-port 19100]
 *     [--run-sh ./run.sh] [--template realm-config/tenant-template.json] [--server-log FILE] [--results FILE]
 *     [--dumps DIR] [--dump-every-seconds 2] [--max-dumps 40]</pre>
 * Only JDK 17; no dependencies.
 */
public class TenantBench {

    // ---------------------------------------------------------------- options

    static int tenants = 500;
    static int samples = 50;
    static int httpPort = 18180;
    static int managementPort = 19100;
    static Path runSh = Path.of("run.sh");
    static Path template = Path.of("realm-config/tenant-template.json");
    static Path serverLog = Path.of(".run/bench-server.log");
    static Path results = null;
    static Path dumps = null;
    static int dumpEverySeconds = 2;
    static int maxDumps = 40;
    static boolean existing = false;

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    static final Duration START_TIMEOUT = Duration.ofSeconds(900);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
    static final int MAX_TENANTS = 5000;

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static String base() {
        return "http://localhost:" + httpPort;
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        parse(args);
        String templateJson = Files.readString(template);
        if (!templateJson.trim().startsWith("{")) {
            throw new IllegalStateException(template + " is not a JSON object");
        }
        Files.createDirectories(serverLog.toAbsolutePath().getParent());
        Results out = new Results();
        out.note("tenants per side: " + tenants + ", list samples per point: " + samples
                + ", server http://localhost:" + httpPort + " (management :" + managementPort + ")");

        Server server = new Server();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly));
        if (existing) {
            try {
                existingOnly(server, out);
            } finally {
                server.stopQuietly();
            }
            return;
        }
        try {
            log("starting the server (first start: empty database, migrations, demo realm import)");
            Startup first = server.start();
            out.note(String.format(Locale.ROOT, "first start on an empty database: %.1f s from run.sh, %.1f s from kc.sh start (not compared)",
                    first.fromRunSh, first.fromKcStart));

            Admin admin = new Admin();
            admin.raiseMasterTokenLifespan(3600);

            log("restart with 0 benchmark realms (baseline start-up)");
            server.stop();
            Startup baseline = server.start();

            Lists lists = new Lists(admin);
            lists.measure(0);

            List<Double> ours = new ArrayList<>();
            List<Double> stock = new ArrayList<>();
            long createStart = System.nanoTime();
            Sampler sampler = null;
            int samplerFrom = Math.max(1, tenants - Math.max(10, tenants / 10) + 1);
            for (int i = 1; i <= tenants; i++) {
                if (dumps != null && i == 1) {
                    sampler = new Sampler(server.javaPid(), dumps, "create-early");   // the first ten
                    sampler.start();
                }
                if (dumps != null && i == Math.min(11, samplerFrom)) {
                    sampler.stop();
                }
                if (dumps != null && i == samplerFrom) {
                    sampler = new Sampler(server.javaPid(), dumps, "create-late");   // the last tenth
                    sampler.start();
                }
                if (i % 2 == 1) {
                    ours.add(admin.createOurs(i));
                    stock.add(admin.createStock(i, templateJson));
                } else {
                    stock.add(admin.createStock(i, templateJson));
                    ours.add(admin.createOurs(i));
                }
                if (i % 50 == 0 || i == tenants) {
                    log(String.format(Locale.ROOT, "%d/%d tenants and %d/%d stock realms created (%.0f s); last 50: median ours %.0f ms, stock %.0f ms",
                            i, tenants, i, tenants, (System.nanoTime() - createStart) / 1e9,
                            median(tail(ours, 50)), median(tail(stock, 50))));
                }
                if (i == 100 && tenants > 100) {
                    lists.measure(100);
                }
            }
            if (sampler != null) {
                sampler.stop();
            }
            lists.measure(tenants);

            log("restart with " + tenants + " + " + tenants + " benchmark realms");
            server.stop();
            Startup loaded = server.start();
            admin.forceNewToken();
            lists.measureAfterRestart(tenants);

            // ------------------------------------------------------------ report
            int k = Math.min(10, tenants);
            double ourFirst = median(ours.subList(0, k));
            double ourLast = median(ours.subList(tenants - k, tenants));
            double stockFirst = median(stock.subList(0, k));
            double stockLast = median(stock.subList(tenants - k, tenants));
            String firstRange = "1–" + k;
            String lastRange = (tenants - k + 1) + "–" + tenants;
            out.row("create, median of " + firstRange + " (ms)", ourFirst, stockFirst);
            out.row("create, median of " + lastRange + " (ms)", ourLast, stockLast);
            out.row("create, growth " + lastRange + " / " + firstRange + " (x)", ourLast / ourFirst, stockLast / stockFirst);
            out.row("create, median of all " + tenants + " (ms)", median(ours), median(stock));
            out.row("create, p95 of all " + tenants + " (ms)", p95(ours), p95(stock));
            for (Lists.Point point : lists.points) {
                out.row("GET list, " + point.label + " (ms), stock full", point.ours, point.stockFull);
                out.row("GET list, " + point.label + " (ms), stock brief", point.ours, point.stockBrief);
            }
            out.row(String.format(Locale.ROOT, "start-up, kc.sh start → /health/ready, 0+0 realms (s)"), baseline.fromKcStart, Double.NaN);
            out.row(String.format(Locale.ROOT, "start-up, kc.sh start → /health/ready, %d+%d realms (s)", tenants, tenants), loaded.fromKcStart, Double.NaN);
            out.row(String.format(Locale.ROOT, "start-up, run.sh start → /health/ready, %d+%d realms (s)", tenants, tenants), loaded.fromRunSh, Double.NaN);
            out.row(String.format(Locale.ROOT, "start-up, Keycloak's own \"started in\", %d+%d realms (s)", tenants, tenants), loaded.keycloakSays, Double.NaN);
            out.row("start-up growth, " + tenants + "+" + tenants + " vs 0+0 realms (x)", loaded.fromKcStart / baseline.fromKcStart, Double.NaN);

            out.note("start-up is one server holding both sides' realms, so it has no stock column; "
                    + "its baseline is the same server with only master and demo");
            Lists.Point last = lists.points.stream().filter(p -> p.label.equals("p95 at " + tenants + " tenants")).findFirst().orElseThrow();
            boolean creationGoal = ourLast / ourFirst <= 2.0;
            boolean listGoal = last.ours < 100.0;
            out.note(String.format(Locale.ROOT, "goal: tenant %s no more than 2x slower than %s: %.2fx -> %s",
                    lastRange, firstRange, ourLast / ourFirst, creationGoal ? "MET" : "MISSED"));
            out.note(String.format(Locale.ROOT, "goal: GET /tenants p95 under 100 ms at %d tenants: %.1f ms -> %s",
                    tenants, last.ours, listGoal ? "MET" : "MISSED"));
            out.note(String.format(Locale.ROOT, "master access token at the end: %d bytes", admin.tokenBytes()));
            out.print();
        } finally {
            server.stopQuietly();
        }
    }

    /**
     * {@code --existing true}: no database reset and no creation; start the server on the realms a previous
     * (possibly interrupted) run left, time the start-up, measure the lists after that restart, stop.
     */
    static void existingOnly(Server server, Results out) throws Exception {
        log("starting the server on the existing database");
        Startup loaded = server.start();
        Admin admin = new Admin();
        admin.forceNewToken();
        String page = Admin.send(HttpRequest.newBuilder(URI.create(base() + Lists.OURS)).GET(), admin.token()).body();
        Matcher total = Pattern.compile("\"total\"\\s*:\\s*(\\d+)").matcher(page);
        String realms = total.find() ? total.group(1) : "?";
        out.note("existing database: GET /tenants total " + realms + " (ours and stock realms, plus demo)");
        Lists lists = new Lists(admin);
        lists.measureAfterRestart(-1);
        for (Lists.Point point : lists.points) {
            out.row("GET list, " + point.label + " (ms), stock full", point.ours, point.stockFull);
            out.row("GET list, " + point.label + " (ms), stock brief", point.ours, point.stockBrief);
        }
        out.row("start-up, kc.sh start → /health/ready (s)", loaded.fromKcStart, Double.NaN);
        out.row("start-up, run.sh start → /health/ready (s)", loaded.fromRunSh, Double.NaN);
        out.row("start-up, Keycloak's own \"started in\" (s)", loaded.keycloakSays, Double.NaN);
        out.print();
    }

    // ---------------------------------------------------------------- the server

    record Startup(double fromRunSh, double fromKcStart, double keycloakSays) {
    }

    static final class Server {
        private Process runSh;
        private volatile long kcStartNanos;
        private volatile double keycloakSays = Double.NaN;
        private Thread pump;

        Startup start() throws Exception {
            if (runSh != null && runSh.isAlive()) {
                throw new IllegalStateException("server already running");
            }
            if (ready()) {
                throw new IllegalStateException("something already answers on :" + managementPort + "/health/ready; stop it first");
            }
            kcStartNanos = 0;
            keycloakSays = Double.NaN;
            long t0 = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder("bash", TenantBench.runSh.toString()).redirectErrorStream(true);
            builder.environment().put("HTTP_PORT", Integer.toString(httpPort));
            builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
            runSh = builder.start();
            log("run.sh started, pid " + runSh.pid() + ", log " + serverLog);
            Pattern started = Pattern.compile("started in ([0-9.]+)s");
            PrintWriter writer = new PrintWriter(Files.newBufferedWriter(serverLog, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true);
            writer.println("===== " + LocalDateTime.now() + " run.sh start (pid " + runSh.pid() + ")");
            Process process = runSh;
            pump = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (kcStartNanos == 0 && line.contains("[4/4]")) {
                            kcStartNanos = System.nanoTime();
                        }
                        Matcher m = started.matcher(line);
                        if (m.find() && line.contains("Keycloak")) {
                            keycloakSays = Double.parseDouble(m.group(1));
                        }
                        writer.println(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                } finally {
                    writer.close();
                }
            }, "server-log");
            pump.setDaemon(true);
            pump.start();

            long deadline = t0 + START_TIMEOUT.toNanos();
            while (!ready()) {
                if (!runSh.isAlive()) {
                    throw new IllegalStateException("run.sh exited with " + runSh.exitValue() + " during start-up; see " + serverLog);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not ready after " + START_TIMEOUT.toSeconds() + " s; see " + serverLog);
                }
                Thread.sleep(200);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 50 && Double.isNaN(keycloakSays); i++) {
                Thread.sleep(100);   // the "started in" line may come a moment after readiness
            }
            Startup s = new Startup((t1 - t0) / 1e9, kcStartNanos == 0 ? Double.NaN : (t1 - kcStartNanos) / 1e9, keycloakSays);
            log(String.format(Locale.ROOT, "ready: %.1f s from run.sh, %.1f s from kc.sh start, Keycloak says %.1f s; java pid %s",
                    s.fromRunSh, s.fromKcStart, s.keycloakSays, javaPid()));
            return s;
        }

        static boolean ready() {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Keycloak's JVM: the java process under run.sh (kc.sh execs or forks it). */
        long javaPid() {
            if (runSh == null) {
                return -1;
            }
            return runSh.toHandle().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }

        void stop() throws InterruptedException {
            if (runSh == null || !runSh.isAlive()) {
                return;
            }
            log("stopping: SIGTERM to run.sh pid " + runSh.pid());
            List<ProcessHandle> children = runSh.toHandle().descendants().toList();
            runSh.destroy();   // SIGTERM; run.sh forwards it to Keycloak and waits for it
            if (!runSh.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                log("run.sh did not stop in " + STOP_TIMEOUT.toSeconds() + " s: killing it and its children by pid");
                children.forEach(ProcessHandle::destroyForcibly);
                runSh.destroyForcibly();
                runSh.waitFor(30, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {   // wait for Keycloak's JVM itself (bounded)
                try {
                    child.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    log("pid " + child.pid() + " still alive: killing it");
                    child.destroyForcibly();
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ready() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            log("stopped");
        }

        void stopQuietly() {
            try {
                stop();
            } catch (Exception e) {
                System.err.println("could not stop the server: " + e);
            }
        }
    }

    // ---------------------------------------------------------------- HTTP calls

    static final class Admin {
        private String token;
        private long tokenNanos;
        private long refreshAfterNanos = Duration.ofSeconds(30).toNanos();

        String token() {
            if (token == null || System.nanoTime() - tokenNanos > refreshAfterNanos) {
                forceNewToken();
            }
            return token;
        }

        int tokenBytes() {
            return token == null ? 0 : token.length();
        }

        void forceNewToken() {
            String form = "grant_type=password&client_id=admin-cli&username=" + enc("admin") + "&password=" + enc("admin");
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)), null);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token: HTTP " + r.statusCode() + " " + abbreviate(r.body()));
            }
            token = jsonString(r.body(), "access_token");
            tokenNanos = System.nanoTime();
        }

        /** One fixed lifespan for the whole run, so no request meets an expired token (we still renew every 30 s). */
        void raiseMasterTokenLifespan(int seconds) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/admin/realms/master"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"accessTokenLifespan\":" + seconds + "}")), token());
            if (r.statusCode() != 204) {
                throw new IllegalStateException("raising master's token lifespan: HTTP " + r.statusCode() + " " + abbreviate(r.body()));
            }
            forceNewToken();
        }

        double createOurs(int i) {
            String id = String.format(Locale.ROOT, "um-%04d", i);
            String body = "{\"id\":\"" + id + "\",\"name\":\"Bench tenant " + i + "\",\"description\":\"benchmark tenant\","
                    + "\"domain\":\"" + id + ".bench.test\",\"admin_email\":\"admin@" + id + ".bench.test\","
                    + "\"admin_username\":\"admin-" + id + "\",\"admin_password\":\"Bench-" + i + "-Pass\","
                    + "\"admin_first_name\":\"Bench\",\"admin_last_name\":\"Admin\"}";
            String auth = token();
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/realms/master/api/v1/tenants"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), auth);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /tenants " + id + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
            }
            return ms;
        }

        double createStock(int i, String templateJson) {
            String name = String.format(Locale.ROOT, "kc-%04d", i);
            // the same template, with realm (and displayName, as ours sets it) prepended: Jackson keeps the last
            // value of a repeated key, so the template must not name them itself (it does not)
            String body = "{\"realm\":\"" + name + "\",\"displayName\":\"Bench stock realm " + i + "\","
                    + templateJson.trim().substring(1);
            String auth = token();
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/admin/realms"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), auth);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /admin/realms " + name + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
            }
            return ms;
        }

        /** A GET, timed; fails on anything but 200. */
        double get(String path) {
            String auth = token();
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + path)).GET(), auth);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
            }
            return ms;
        }

        static HttpResponse<String> send(HttpRequest.Builder request, String bearer) {
            request.timeout(REQUEST_TIMEOUT);
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** p95 of our tenant page beside stock's realm list (full and brief), interleaved round-robin. */
    static final class Lists {
        record Point(String label, double ours, double stockFull, double stockBrief) {
        }

        static final String OURS = "/realms/master/api/v1/tenants?page=1&page_size=20&search=";
        static final String STOCK = "/admin/realms";
        static final String BRIEF = "/admin/realms?briefRepresentation=true";

        final Admin admin;
        final List<Point> points = new ArrayList<>();

        Lists(Admin admin) {
            this.admin = admin;
        }

        void measure(int count) {
            measure("p95 at " + count + " tenants", 5);
        }

        void measureAfterRestart(int count) {
            // the first request after a restart (cold caches) is worth seeing on its own
            double ours = admin.get(OURS);
            double full = admin.get(STOCK);
            double brief = admin.get(BRIEF);
            log(String.format(Locale.ROOT, "first list after restart: ours %.1f ms, stock full %.1f ms, stock brief %.1f ms", ours, full, brief));
            String at = count < 0 ? "existing tenants" : count + " tenants";
            points.add(new Point("1st request after restart, " + at, ours, full, brief));
            measure("p95 at " + at + " after restart", 5);
        }

        void measure(String label, int warmUp) {
            for (int i = 0; i < warmUp; i++) {
                admin.get(OURS);
                admin.get(STOCK);
                admin.get(BRIEF);
            }
            List<Double> ours = new ArrayList<>();
            List<Double> full = new ArrayList<>();
            List<Double> brief = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                // rotate the order so no side always runs right after another's request
                switch (i % 3) {
                    case 0 -> { ours.add(admin.get(OURS)); full.add(admin.get(STOCK)); brief.add(admin.get(BRIEF)); }
                    case 1 -> { full.add(admin.get(STOCK)); brief.add(admin.get(BRIEF)); ours.add(admin.get(OURS)); }
                    default -> { brief.add(admin.get(BRIEF)); ours.add(admin.get(OURS)); full.add(admin.get(STOCK)); }
                }
            }
            Point p = new Point(label, p95(ours), p95(full), p95(brief));
            points.add(p);
            log(String.format(Locale.ROOT, "GET lists, %s: ours %.1f ms (median %.1f), stock full %.1f ms (median %.1f), stock brief %.1f ms (median %.1f)",
                    label, p.ours, median(ours), p.stockFull, median(full), p.stockBrief, median(brief)));
        }
    }

    /** Optional thread dumps of Keycloak (jcmd Thread.print) at a fixed interval, bounded in number. */
    static final class Sampler {
        final long pid;
        final Path dir;
        final String prefix;
        volatile boolean running = true;
        Thread thread;

        Sampler(long pid, Path dir, String prefix) {
            this.pid = pid;
            this.dir = dir;
            this.prefix = prefix;
        }

        void start() throws IOException {
            if (pid <= 0) {
                log("no java pid found: no thread dumps");
                return;
            }
            Files.createDirectories(dir);
            log("thread dumps of pid " + pid + " every " + dumpEverySeconds + " s (at most " + maxDumps + ") into " + dir);
            thread = new Thread(() -> {
                for (int n = 1; n <= maxDumps && running; n++) {
                    try {
                        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print")
                                .redirectErrorStream(true)
                                .redirectOutput(dir.resolve(String.format(Locale.ROOT, "%s-%02d.txt", prefix, n)).toFile()).start();
                        if (!p.waitFor(30, TimeUnit.SECONDS)) {
                            p.destroyForcibly();
                        }
                        Thread.sleep(dumpEverySeconds * 1000L);
                    } catch (IOException e) {
                        log("jcmd failed: " + e.getMessage());
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.interrupt();
                thread.join(35_000);
            }
        }
    }

    // ---------------------------------------------------------------- results

    static final class Results {
        final List<String[]> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        void row(String metric, double ours, double stock) {
            String ratio = Double.isNaN(stock) || stock == 0 ? "—" : String.format(Locale.ROOT, "%.2f", ours / stock);
            rows.add(new String[]{metric, fmt(ours), Double.isNaN(stock) ? "—" : fmt(stock), ratio});
        }

        void note(String note) {
            notes.add(note);
        }

        void print() throws IOException {
            StringBuilder b = new StringBuilder();
            b.append("\n## Tenant benchmark, ").append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16)).append("\n\n");
            b.append("| metric | ours | stock | ours/stock |\n|---|---:|---:|---:|\n");
            for (String[] r : rows) {
                b.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            b.append('\n');
            for (String n : notes) {
                b.append("- ").append(n).append('\n');
            }
            System.out.print(b);
            if (results != null) {
                Files.writeString(results, b.toString());
                log("results written to " + results);
            }
        }

        static String fmt(double v) {
            return Double.isNaN(v) ? "—" : v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        }
    }

    // ---------------------------------------------------------------- helpers

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Nearest-rank p95: with 50 samples, the 48th smallest. */
    static double p95(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[(int) Math.ceil(0.95 * v.length) - 1];
    }

    static List<Double> tail(List<Double> values, int n) {
        return values.subList(Math.max(0, values.size() - n), values.size());
    }

    static void parse(String[] args) {
        for (Map.Entry<String, String> o : options(args).entrySet()) {
            String v = o.getValue();
            switch (o.getKey()) {
                case "tenants" -> tenants = Integer.parseInt(v);
                case "samples" -> samples = Integer.parseInt(v);
                case "http-port" -> httpPort = Integer.parseInt(v);
                case "management-port" -> managementPort = Integer.parseInt(v);
                case "run-sh" -> runSh = Path.of(v);
                case "template" -> template = Path.of(v);
                case "server-log" -> serverLog = Path.of(v);
                case "results" -> results = Path.of(v);
                case "dumps" -> dumps = Path.of(v);
                case "dump-every-seconds" -> dumpEverySeconds = Integer.parseInt(v);
                case "max-dumps" -> maxDumps = Integer.parseInt(v);
                case "existing" -> existing = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option --" + o.getKey());
            }
        }
        if (tenants < 10 || tenants > MAX_TENANTS || samples < 1 || samples > 10_000) {
            throw new IllegalArgumentException("--tenants must be 10.." + MAX_TENANTS + " and --samples 1..10000");
        }
        if (!Files.isRegularFile(runSh)) {
            throw new IllegalArgumentException(runSh + " not found");
        }
    }
}
