package dev.multimodal.usermanagement.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's options ({@code --name value}); the mode sets the defaults: {@code full} (the measured run, goals
 * judged) or {@code smoke} (every scenario for a few seconds, nothing judged).
 */
record Options(
        String mode,
        String base,
        Path results,
        long serverPid,
        int users,
        int warmupSeconds,
        int rounds,
        int seconds,
        int seedUsers,
        int writers,
        List<Integer> tenantSteps,
        int stockCreatesPerStep,
        int listCalls,
        Path template,
        Path stockMemory,
        Path memoryOut,
        boolean force,
        List<String> only) {

    static final List<String> SCENARIOS = List.of(
            "memory",
            "login",
            "refresh",
            "me",
            "registration",
            "lockout",
            "brute-force",
            "enumeration",
            "audit",
            "writers",
            "tenants");

    boolean smoke() {
        return mode.equals("smoke");
    }

    boolean runs(String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    Load.Plan plan() {
        return new Load.Plan(users, warmupSeconds, rounds, seconds);
    }

    static Options parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --option value ...; got " + Arrays.toString(args));
            }
            o.put(args[i].substring(2), args[++i]);
        }
        String mode = o.getOrDefault("mode", "full");
        if (!mode.equals("full") && !mode.equals("smoke")) {
            throw new IllegalArgumentException("--mode full|smoke");
        }
        boolean smoke = mode.equals("smoke");
        Options options = new Options(
                mode,
                o.getOrDefault("base", "http://localhost:18580").replaceAll("/+$", ""),
                Path.of(o.getOrDefault("results", "bench/results/latest")),
                Long.parseLong(o.getOrDefault("server-pid", "-1")),
                num(o, "users", smoke ? 4 : 8),
                num(o, "warmup-seconds", smoke ? 1 : 4),
                num(o, "rounds", smoke ? 2 : 4),
                num(o, "seconds", smoke ? 2 : 5),
                num(o, "seed-users", smoke ? 10 : 100),
                num(o, "writers", smoke ? 2 : 16),
                Arrays.stream(o.getOrDefault("tenant-steps", smoke ? "0,2,4" : "0,10,50,100,250,500")
                                .split(","))
                        .map(String::trim)
                        .map(Integer::parseInt)
                        .toList(),
                num(o, "stock-creates", smoke ? 1 : 3),
                num(o, "list-calls", smoke ? 2 : 5),
                Path.of(o.getOrDefault("template", "realm-config/tenant-template.json")),
                o.containsKey("stock-memory") ? Path.of(o.get("stock-memory")) : null,
                o.containsKey("memory-out") ? Path.of(o.get("memory-out")) : null,
                Boolean.parseBoolean(o.getOrDefault("force", "false")),
                o.containsKey("only") ? List.of(o.get("only").split(",")) : List.of());
        for (String known : List.of(
                "mode",
                "base",
                "results",
                "server-pid",
                "users",
                "warmup-seconds",
                "rounds",
                "seconds",
                "seed-users",
                "writers",
                "tenant-steps",
                "stock-creates",
                "list-calls",
                "template",
                "stock-memory",
                "memory-out",
                "force",
                "only")) {
            o.remove(known);
        }
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + o.keySet());
        }
        if (!options.only.stream().allMatch(SCENARIOS::contains)) {
            throw new IllegalArgumentException("--only takes " + SCENARIOS);
        }
        if (options.users < 1
                || options.rounds < 1
                || options.seconds < 1
                || options.seedUsers < options.users
                || options.writers < 1
                || options.tenantSteps.isEmpty()) {
            throw new IllegalArgumentException(
                    "--users >= 1, --rounds >= 1, --seconds >= 1, --seed-users >= --users, --writers >= 1");
        }
        if (!options.base.matches("https?://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?")) {
            throw new IllegalArgumentException("the benchmark only talks to localhost; --base " + options.base);
        }
        return options;
    }

    private static int num(Map<String, String> o, String name, int fallback) {
        return Integer.parseInt(o.getOrDefault(name, Integer.toString(fallback)));
    }
}
