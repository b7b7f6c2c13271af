package dev.multimodal.usermanagement.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs phases through Gatling in this JVM and turns each phase's timings into a {@link Round}. A comparison is a
 * warm-up of each side, then rounds that alternate which side goes first.
 */
public final class Load {

    /** One closed-model phase: users concurrent users repeating the endpoint's request for seconds. */
    public record Phase(String name, Endpoint endpoint, int users, int seconds, Recorder recorder) {}

    /** How long and how hard each comparison runs. */
    public record Plan(int users, int warmupSeconds, int rounds, int seconds) {}

    private static volatile List<Phase> current = List.of();
    private static Path resultsFolder = Path.of(System.getProperty("java.io.tmpdir"), "um-bench-gatling");

    private Load() {}

    static List<Phase> current() {
        return current;
    }

    public static void resultsFolder(Path folder) {
        resultsFolder = folder;
    }

    /** Ours and stock over the plan: [ours, stock]. */
    public static Side[] compare(String scenario, Endpoint ours, Endpoint stock, Plan plan) {
        List<Phase> phases = new ArrayList<>();
        if (plan.warmupSeconds() > 0) {
            phases.add(new Phase(
                    id(scenario, "warmup-" + ours.label()), ours, plan.users(), plan.warmupSeconds(), new Recorder()));
            phases.add(new Phase(
                    id(scenario, "warmup-" + stock.label()),
                    stock,
                    plan.users(),
                    plan.warmupSeconds(),
                    new Recorder()));
        }
        List<Phase> oursPhases = new ArrayList<>();
        List<Phase> stockPhases = new ArrayList<>();
        for (int r = 1; r <= plan.rounds(); r++) {
            Phase o = new Phase(
                    id(scenario, "r" + r + "-" + ours.label()), ours, plan.users(), plan.seconds(), new Recorder());
            Phase s = new Phase(
                    id(scenario, "r" + r + "-" + stock.label()), stock, plan.users(), plan.seconds(), new Recorder());
            oursPhases.add(o);
            stockPhases.add(s);
            if (r % 2 == 1) {
                phases.add(o);
                phases.add(s);
            } else {
                phases.add(s);
                phases.add(o);
            }
        }
        Bench.progress(String.format(
                Locale.ROOT,
                "%s: %s vs %s, %d users, %d s warm-up per side, %d rounds x %d s alternating",
                scenario,
                ours.label(),
                stock.label(),
                plan.users(),
                plan.warmupSeconds(),
                plan.rounds(),
                plan.seconds()));
        run(phases);
        Side o = side(ours.label(), oursPhases, plan.seconds());
        Side s = side(stock.label(), stockPhases, plan.seconds());
        Bench.progress(String.format(
                Locale.ROOT,
                "%s: %s %.1f req/s (p50 %.1f ms, %d errors), %s %.1f req/s (p50 %.1f ms, %d errors)",
                scenario,
                o.label(),
                o.throughput(),
                o.percentile(0.5),
                o.errors(),
                s.label(),
                s.throughput(),
                s.percentile(0.5),
                s.errors()));
        for (Phase p : phases) {
            if (p.recorder().firstError() != null) {
                Bench.progress("  " + p.name() + ": first unexpected answer: "
                        + p.recorder().firstError());
            }
        }
        return new Side[] {o, s};
    }

    /** One side alone for seconds (e.g. a load while memory is sampled). */
    public static Round single(String name, Endpoint endpoint, int users, int seconds) {
        Phase p = new Phase(id(name, endpoint.label()), endpoint, users, seconds, new Recorder());
        run(List.of(p));
        return p.recorder().round(seconds);
    }

    private static Side side(String label, List<Phase> phases, int seconds) {
        return new Side(
                label, phases.stream().map(p -> p.recorder().round(seconds)).toList());
    }

    private static synchronized void run(List<Phase> phases) {
        current = List.copyOf(phases);
        int code = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
            "--simulation", PairSimulation.class.getName(),
            "--results-folder", resultsFolder.toAbsolutePath().toString(),
            "--no-reports"
        });
        if (code != 0) {
            throw new IllegalStateException(
                    "Gatling ended with code " + code + " for " + phases.get(0).name());
        }
    }

    private static String id(String scenario, String part) {
        return (scenario + "-" + part).replaceAll("[^A-Za-z0-9_.-]+", "_");
    }
}
