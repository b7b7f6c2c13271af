package bench;

import static bench.BenchSupport.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Many tenants (issue 12): on ONE database, at each size (default 0, 1000, 2000 tenants), the same Keycloak
 * distribution started with our providers ({@code --ours KC_HOME}) and without ({@code --stock KC_HOME}), in turn,
 * {@code --starts} times each (default 3; a row gives the medians, a ratio row follows), each start measured for
 * start-up (kc.sh start → ready, and Keycloak's own "started in"), idle memory (RSS; after a full GC, RSS again, the
 * heap in use and the RSS outside the heap) and the creation and listing of tenants: ours through
 * {@code POST/GET /realms/master/api/v1/tenants}, stock Keycloak through {@code POST /admin/realms} (the same template)
 * and {@code GET /admin/realms?briefRepresentation=true} (the admin console's realm list). Between sizes the database
 * is filled through our API, with 4 clients. Only JDK 17; started by {@code bench/scale.sh}, which prepares both
 * distributions and the database.
 *
 * <pre>java -cp .run/bench-classes bench.ScaleBench --ours DIR --stock DIR --db-url URL [--sizes 0,1000,2000]
 *     [--creations 10] [--stock-creations 5] [--list-samples 20] [--stock-list-samples 20] [--settle-seconds 30] [--starts 3]
 *     [--http-port 18280]
 *     [--management-port 19200] [--redis-url URL] [--template FILE] [--log DIR] [--results FILE]</pre>
 */
public class ScaleBench {

    static final Duration START_TIMEOUT = Duration.ofMinutes(15);

    final Map<String, String> options;
    final String base;
    final String management;
    final String template;
    final AtomicInteger sequence = new AtomicInteger();
    final List<String> rows = new ArrayList<>();
    /** Per side, the samples of the starts at the current size: ready, "started in", RSS; after GC RSS, heap, RSS outside it. */
    final Map<String, List<double[]>> startSamples = new HashMap<>();
    /** Per side, the medians of those samples at the current size, for the ratio row. */
    final Map<String, double[]> startMedians = new HashMap<>();

    ScaleBench(Map<String, String> options) throws IOException {
        this.options = options;
        base = "http://localhost:" + option("http-port", "18280");
        management = "http://localhost:" + option("management-port", "19200");
        template = Files.readString(Path.of(option("template", "realm-config/tenant-template.json"))).trim();
    }

    String option(String name, String fallback) {
        String value = options.get(name);
        if (value == null && fallback == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value != null ? value : fallback;
    }

    int number(String name, int fallback) {
        return Integer.parseInt(option(name, Integer.toString(fallback)));
    }

    public static void main(String[] args) throws Exception {
        ScaleBench bench = new ScaleBench(options(args));
        bench.run();
    }

    void run() throws Exception {
        int[] sizes = Arrays.stream(option("sizes", "0,1000,2000").split(",")).mapToInt(Integer::parseInt).toArray();
        rows.add("| tenants | side | start → ready (s) | Keycloak \"started in\" (s) | RSS idle (MiB) | RSS after GC (MiB) "
                + "| heap after GC (MiB) | RSS outside the heap (MiB) | create median (ms) | create p95 (ms) | list median (ms) | list p95 (ms) | load |");
        rows.add("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // the first start on the empty database creates Keycloak's schema and ours: not part of any measurement
        start(Path.of(option("ours", null)), "schema").close();
        int existing = 0;
        for (int size : sizes) {
            if (size > existing) {
                fill(existing, size);
                existing = size;
            }
            // start-up and memory vary by a few percent from one start to the next: the row gives the median of
            // --starts starts of each side, taken in turn; creations and lists run on each side's last start
            int starts = number("starts", 3);
            for (int round = 1; round <= starts; round++) {
                for (String side : List.of("ours", "stock")) {
                    measure(size, side, Path.of(option(side, null)), round, round == starts);
                }
            }
        }
        write();
    }

    /** Tenants {@code from..to-1} through our API on a server with our providers, 4 at a time. */
    void fill(int from, int to) throws Exception {
        try (Server server = start(Path.of(option("ours", null)), "fill-" + to)) {
            AdminToken admin = new AdminToken(base);
            long t0 = System.nanoTime();
            AtomicInteger done = new AtomicInteger();
            parallel(to - from, i -> {
                createOurs(admin);
                if (done.incrementAndGet() % 100 == 0) {
                    log(String.format(Locale.ROOT, "filled %d/%d (%.0f s)", from + done.get(), to, (System.nanoTime() - t0) / 1e9));
                }
            });
            log(String.format(Locale.ROOT, "filled to %d tenants in %.0f s", to, (System.nanoTime() - t0) / 1e9));
        }
    }

    /** One start of one side: ready time, "started in", RSS and heap after GC; on the last, creations and lists too. */
    void measure(int size, String side, Path home, int round, boolean last) throws Exception {
        try (Server server = start(home, side + "-" + size + "-" + round)) {
            Thread.sleep(number("settle-seconds", 30) * 1000L);
            double[] memory = server.memory();
            double[] sample = {server.readySeconds, parse(server.startedIn()), memory[0], memory[1], memory[2], memory[3]};
            samples(side).add(sample);
            if (!last) {
                log(String.format(Locale.ROOT, "%s-%d start %d: ready %.1f s, RSS %.0f MiB (%.0f after GC), heap %.1f MiB,"
                        + " RSS outside the heap %.0f MiB", side, size, round, sample[0], memory[0], memory[1], memory[2], memory[3]));
                return;
            }
            AdminToken admin = new AdminToken(base);
            boolean ours = side.equals("ours");
            List<Double> creates = new ArrayList<>();
            for (int i = 0; i < number(ours ? "creations" : "stock-creations", ours ? 10 : 5); i++) {
                long t0 = System.nanoTime();
                if (ours) {
                    createOurs(admin);
                } else {
                    createStock(admin);
                }
                creates.add((System.nanoTime() - t0) / 1e6);
            }
            String list = ours ? base + "/realms/master/api/v1/tenants?page_size=100" : base + "/admin/realms?briefRepresentation=true";
            List<Double> lists = new ArrayList<>();
            // stock's list of every realm takes minutes at 1,000 realms: --stock-list-samples 0 leaves it out
            int listSamples = ours ? number("list-samples", 20) : number("stock-list-samples", number("list-samples", 20));
            for (int i = 0; i < listSamples; i++) {
                long t0 = System.nanoTime();
                expectOk(get(list, admin.get()), "list");
                lists.add((System.nanoTime() - t0) / 1e6);
            }
            List<double[]> all = samples(side);
            String row = String.format(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.0f | %.0f | %.1f | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f |",
                    size, side, median(all, 0), median(all, 1), median(all, 2), median(all, 3), median(all, 4), median(all, 5),
                    quantile(creates, 0.5), quantile(creates, 0.95),
                    quantile(lists, 0.5), quantile(lists, 0.95), loadAverage());
            log(row);
            rows.add(row);
            double[] medians = IntStream.range(0, 6).mapToDouble(column -> median(all, column)).toArray();
            startMedians.put(side, medians);
            if (!ours && startMedians.containsKey("ours")) {
                double[] mine = startMedians.get("ours");
                StringBuilder ratio = new StringBuilder("| " + size + " | ours / stock |");
                for (int column = 0; column < 6; column++) {
                    ratio.append(String.format(Locale.ROOT, " %.3f |", mine[column] / medians[column]));
                }
                rows.add(ratio.append(" | | | | |").toString());
                log(ratio.toString());
            }
            all.clear();
            write();
        }
    }

    private List<double[]> samples(String side) {
        return startSamples.computeIfAbsent(side, k -> new ArrayList<>());
    }

    static double parse(String figure) {
        try {
            return Double.parseDouble(figure);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static double median(List<double[]> samples, int column) {
        return quantile(samples.stream().map(sample -> sample[column]).toList(), 0.5);
    }

    void createOurs(AdminToken admin) throws Exception {
        String id = "scale-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet();
        expectStatus(post(base + "/realms/master/api/v1/tenants", "application/json", "{\"id\":\"" + id + "\",\"name\":\"Scale " + id
                + "\",\"admin_email\":\"boss@" + id + ".example\",\"admin_username\":\"boss\",\"admin_password\":\"Bench-Pass123\"}",
                admin.get()), 201, "tenant " + id);
    }

    /** The same template through Keycloak's admin API, realm name and display name put in front. */
    void createStock(AdminToken admin) throws Exception {
        String id = "stock-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet();
        expectStatus(post(base + "/admin/realms", "application/json", "{\"realm\":\"" + id + "\",\"displayName\":\"Stock " + id + "\","
                + template.substring(1), admin.get()), 201, "realm " + id);
    }

    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }

    void write() throws IOException {
        Path results = Path.of(option("results", "bench/results/scale.md"));
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results))) {
            out.println("# Many tenants: one database, Keycloak 26.7.3 with and without our providers");
            out.println();
            out.println("`bench/scale.sh --sizes " + option("sizes", "0,1000,2000") + " --starts " + number("starts", 3) + "`; "
                    + Runtime.getRuntime().availableProcessors() + " cores; start-up, RSS and heap: medians of the starts;"
                    + " load = 1-minute load average at the row's end.");
            out.println("Ours creates and lists through `/realms/master/api/v1/tenants` (first page of 100); stock through "
                    + "`POST /admin/realms` (same template) and `GET /admin/realms?briefRepresentation=true` (every realm).");
            out.println();
            rows.forEach(out::println);
        }
    }

    Server start(Path home, String name) throws Exception {
        Path log = Path.of(option("log", ".run")).resolve("scale-" + name + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = List.of("bash", home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-port=" + option("http-port", "18280"),
                "--http-management-port=" + option("management-port", "19200"), "--hostname=" + base,
                "--db-url=" + option("db-url", null), "--db-username=" + option("db-user", "postgres"),
                "--db-password=" + option("db-password", ""),
                "--spi-redis--default--url=" + option("redis-url", "redis://127.0.0.1:6379/3"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        log("starting " + name + " (" + home.getFileName() + ", log " + log + ")");
        long t0 = System.nanoTime();
        Server server = new Server(builder.start(), log);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        long deadline = t0 + START_TIMEOUT.toNanos();
        while (!ready()) {
            if (!server.process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException(name + " did not become ready; see " + log);
            }
            Thread.sleep(250);
        }
        server.readySeconds = (System.nanoTime() - t0) / 1e9;
        log(String.format(Locale.ROOT, "%s ready after %.1f s", name, server.readySeconds));
        return server;
    }

    boolean ready() {
        try {
            return get(management + "/health/ready", null).status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One Keycloak: kc.sh and its JVM, stopped with SIGTERM to kc.sh (which passes it on). */
    static final class Server implements AutoCloseable {
        private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");
        private static final Pattern MAPPING = Pattern.compile("(\\p{XDigit}+)-(\\p{XDigit}+) ");
        final Process process;
        final Path log;
        double readySeconds;

        Server(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        String startedIn() throws IOException {
            Matcher started = STARTED_IN.matcher(Files.readString(log));
            return started.find() ? started.group(1) : "?";
        }

        /**
         * In MiB: RSS; then, after a full GC ({@code jcmd GC.run}), RSS again, the heap in use and the RSS outside the
         * Java heap's address range. Before the GC the JVM is told to keep at most 10% of its heap free
         * ({@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio} are manageable flags), the same on both sides: with G1's
         * default of 70%, every heap page the start happened to touch stayed resident, and RSS after GC differed by up
         * to 130 MiB from one start to the next. The RSS outside the heap (metaspace, code, threads, malloc) does not
         * depend on that at all.
         */
        double[] memory() throws Exception {
            String pid = Long.toString(process.descendants()
                    .filter(child -> child.info().command().map(command -> command.endsWith("/java")).orElse(false))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no JVM under kc.sh")).pid());
            double rss = rssKiB(pid, 0, 0) / 1024.0;
            jcmd(pid, "VM.set_flag", "MinHeapFreeRatio", "0");
            jcmd(pid, "VM.set_flag", "MaxHeapFreeRatio", "10");
            jcmd(pid, "GC.run");
            String heapInfo = jcmd(pid, "GC.heap_info");
            Matcher used = Pattern.compile("used (\\d+)K").matcher(heapInfo);
            Matcher range = Pattern.compile("\\[0x(\\p{XDigit}+), 0x(\\p{XDigit}+)\\)").matcher(heapInfo);
            double heap = used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
            Thread.sleep(2000); // G1 gives regions back to the OS on a thread of its own
            double rssAfterGC = rssKiB(pid, 0, 0) / 1024.0;
            double outsideHeap = range.find()
                    ? rssKiB(pid, Long.parseUnsignedLong(range.group(1), 16), Long.parseUnsignedLong(range.group(2), 16)) / 1024.0
                    : Double.NaN;
            return new double[] {rss, rssAfterGC, heap, outsideHeap};
        }

        /** The process's resident KiB from {@code /proc/PID/smaps}, leaving out the mappings inside [from, to). */
        private static long rssKiB(String pid, long from, long to) throws IOException {
            long total = 0;
            boolean counted = true;
            for (String line : Files.readAllLines(Path.of("/proc", pid, "smaps"))) {
                Matcher mapping = MAPPING.matcher(line);
                if (mapping.lookingAt()) {
                    long start = Long.parseUnsignedLong(mapping.group(1), 16);
                    long end = Long.parseUnsignedLong(mapping.group(2), 16);
                    counted = !(Long.compareUnsigned(start, from) >= 0 && Long.compareUnsigned(end, to) <= 0 && from != to);
                } else if (counted && line.startsWith("Rss:")) {
                    total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return total;
        }

        private static String jcmd(String pid, String... command) throws Exception {
            List<String> line = new ArrayList<>(List.of("jcmd", pid));
            line.addAll(List.of(command));
            Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor(60, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(120, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
