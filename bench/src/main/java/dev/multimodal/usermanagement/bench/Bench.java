package dev.multimodal.usermanagement.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The benchmark against a running server (bench/run.sh starts it): every scenario, ours beside stock, then the
 * report and charts. With {@code --memory-out FILE} it only measures memory (the stock server's run).
 */
public final class Bench {

    private static final long STARTED = System.nanoTime();

    private Bench() {}

    static void progress(String message) {
        System.out.printf(
                Locale.ROOT,
                "[bench %s +%ds] %s%n",
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
                (System.nanoTime() - STARTED) / 1_000_000_000L,
                message);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Http http = new Http(options.base());
        Load.resultsFolder(options.results().resolve("gatling"));
        Report report = new Report(options.mode(), !options.smoke());
        Scenarios scenarios = new Scenarios(options, http, report);

        if (options.memoryOut() != null) {
            Properties p = scenarios.memory();
            Files.createDirectories(options.memoryOut().toAbsolutePath().getParent());
            try (Writer w = Files.newBufferedWriter(options.memoryOut())) {
                p.store(w, "stock Keycloak memory, " + Instant.now());
            }
            System.exit(0); // see the end of main
        }

        double[] load = Machine.loadBeforeServers();
        int cores = Machine.cores();
        report.machine(Machine.describe());
        report.machine("started " + Instant.now() + "; load average before the benchmark's servers started "
                + Machine.text(load) + ", once they were up " + Machine.loadText() + " (" + cores + " cores)");
        if (Machine.busy(load[0], cores)) {
            String warning = String.format(
                    Locale.ROOT,
                    "**WARNING: the machine was busy at start (load average %.2f > %d cores): "
                            + "figures are unreliable.**",
                    load[0],
                    cores);
            if (!options.smoke() && !options.force()) {
                progress(
                        "refusing to start: load average " + load[0] + " > " + cores
                                + " cores (other work is running); "
                                + "wait for a quiet machine, or pass --force true to measure anyway with a warning in the report");
                System.exit(3);
            }
            report.machine(warning);
            progress(warning);
        }
        report.note(String.format(
                Locale.ROOT,
                "%d concurrent Gatling users per side (closed model), %d s warm-up per side, "
                        + "%d rounds x %d s per side, the sides alternating who goes first; throughput is the median of the rounds, "
                        + "the ratio the median of the per-round ratios, p50/p99 over every measured request; server %s",
                options.users(),
                options.warmupSeconds(),
                options.rounds(),
                options.seconds(),
                options.base()));

        List<String> failed = new ArrayList<>();
        if (options.runs("memory")) {
            run(
                    failed,
                    "memory",
                    () -> scenarios.memoryRows(scenarios.memory(), readStockMemory(options.stockMemory())));
        }
        scenarios.seedDemo();
        Map<String, Scenario> all = new LinkedHashMap<>();
        all.put("login", scenarios::login);
        all.put("refresh", scenarios::refresh);
        all.put("me", scenarios::me);
        all.put("registration", scenarios::registration);
        all.put("enumeration", scenarios::enumeration);
        all.put("lockout", () -> scenarios.lockout(options.runs("brute-force")));
        all.put("audit", scenarios::audit);
        all.put("writers", scenarios::writers);
        all.put("tenants", scenarios::tenants);
        all.forEach((name, scenario) -> {
            // brute force shares the lockout scenario's tenant and clients
            if (options.runs(name) || (name.equals("lockout") && options.runs("brute-force"))) {
                run(failed, name, scenario);
            }
        });

        report.machine("load average at end " + Machine.loadText());
        Path dir = options.results();
        Charts.write(report, dir);
        Path file = report.write(dir);
        progress("report: " + file.toAbsolutePath() + " (charts beside it)");
        System.out.println(report.markdown());
        if (!failed.isEmpty()) {
            progress("FAILED scenarios: " + failed);
            System.exit(1);
        }
        // Exit now: a thread the load generator or the chart library leaves behind must not keep the JVM (and
        // bench/run.sh, which waits for it) running after the report is written.
        System.exit(0);
    }

    interface Scenario {
        void run() throws Exception;
    }

    private static void run(List<String> failed, String name, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            failed.add(name);
            progress("scenario " + name + " failed: " + e);
            e.printStackTrace(System.out);
        }
    }

    private static Properties readStockMemory(Path file) throws IOException {
        if (file == null || !Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }
}
