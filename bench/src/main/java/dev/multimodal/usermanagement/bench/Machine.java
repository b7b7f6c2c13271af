package dev.multimodal.usermanagement.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a run measures on, its load, and a process's resident memory. */
final class Machine {

    private Machine() {}

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The 1, 5 and 15 minute load averages. */
    static double[] load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    static String loadText() {
        return text(load());
    }

    static String text(double[] l) {
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    }

    /**
     * The load averages before the benchmark started its own servers (bench/run.sh passes them in
     * UM_BENCH_START_LOAD): whether other work was running. Read later, they would count the servers' own start-up.
     */
    static double[] loadBeforeServers() {
        String given = System.getenv("UM_BENCH_START_LOAD");
        if (given == null || given.isBlank()) {
            return load();
        }
        try {
            String[] f = given.trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (RuntimeException e) {
            return load();
        }
    }

    /** Busy means the 1-minute load average is above the core count. */
    static boolean busy(double load1, int cores) {
        return load1 > cores;
    }

    static String describe() {
        String cpu = "unknown CPU";
        long memKb = -1;
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(cpu);
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            // leave the defaults
        }
        return String.format(
                Locale.ROOT,
                "%d cores (%s), %.1f GiB RAM, %s %s, Java %s",
                cores(),
                cpu,
                memKb / 1048576.0,
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("java.version"));
    }

    /** VmRSS of a process in MiB; NaN when unknown. */
    static double rssMib(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
