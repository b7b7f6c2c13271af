package dev.multimodal.usermanagement.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One line of the report: a scenario's two sides, their ratio and the goals judged on it. Throughput rows come
 * from {@link #compare}; other figures (memory, create times) from {@link #figures}.
 */
public record Row(
        String scenario,
        String compares,
        String unit,
        double ours,
        double stock,
        double oursP50,
        double oursP99,
        double stockP50,
        double stockP99,
        double ratio,
        List<Check> checks,
        String detail,
        Side oursSide,
        Side stockSide) {

    /** A goal and the figure it is judged on. */
    public record Check(Goal goal, double value) {
        boolean met() {
            return goal.met(value);
        }
    }

    /** ours/stock throughput of paired rounds, their median (the ratio the goals use) and the latencies. */
    public static Row compare(String scenario, String compares, Side ours, Side stock, List<Goal> goals) {
        List<Double> perRound = perRoundRatios(ours, stock);
        double ratio = Stats.median(perRound);
        double oursP50 = ours.percentile(0.50);
        double stockP50 = stock.percentile(0.50);
        List<Check> checks = new ArrayList<>();
        for (Goal g : goals) {
            double value = switch (g.kind()) {
                case ADDED_P50_MS_AT_MOST -> oursP50 - stockP50;
                case P50_WITHIN -> Stats.ratio(oursP50, stockP50);
                case VALUE_AT_MOST -> oursP50;
                default -> ratio;
            };
            checks.add(new Check(g, value));
        }
        String detail = "per round "
                + perRound.stream()
                        .map(r -> String.format(Locale.ROOT, "%.2f", r))
                        .collect(Collectors.joining(", "))
                + (ours.errors() + stock.errors() > 0 ? "; errors " + ours.errors() + " / " + stock.errors() : "");
        return new Row(
                scenario,
                compares,
                "req/s",
                ours.throughput(),
                stock.throughput(),
                oursP50,
                ours.percentile(0.99),
                stockP50,
                stock.percentile(0.99),
                ratio,
                List.copyOf(checks),
                detail,
                ours,
                stock);
    }

    /** Two figures (e.g. MiB, ms) without latencies; goals judged on ours/stock, ours-stock or ours. */
    public static Row figures(
            String scenario, String compares, String unit, double ours, double stock, List<Goal> goals, String detail) {
        double ratio = Stats.ratio(ours, stock);
        List<Check> checks = new ArrayList<>();
        for (Goal g : goals) {
            double value = switch (g.kind()) {
                case ADDED_AT_MOST, ADDED_P50_MS_AT_MOST -> ours - stock;
                case VALUE_AT_MOST -> ours;
                default -> ratio;
            };
            checks.add(new Check(g, value));
        }
        return new Row(
                scenario,
                compares,
                unit,
                ours,
                stock,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                ratio,
                List.copyOf(checks),
                detail,
                null,
                null);
    }

    /** A scenario that could not be measured (e.g. a setting missing on this server). */
    public static Row notAvailable(String scenario, String compares, List<Goal> goals, String why) {
        List<Check> checks = goals.stream().map(g -> new Check(g, Double.NaN)).toList();
        return new Row(
                scenario,
                compares,
                "",
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                checks,
                why,
                null,
                null);
    }

    static List<Double> perRoundRatios(Side ours, Side stock) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(ours.rounds().size(), stock.rounds().size()); i++) {
            ratios.add(Stats.ratio(
                    ours.rounds().get(i).throughput(), stock.rounds().get(i).throughput()));
        }
        return ratios;
    }

    /** "met", "not met", "n/a" (nothing measured), "—" (no goal), or "not judged" in a smoke run. */
    public String verdict(boolean judge) {
        if (checks.isEmpty()) {
            return "—";
        }
        if (checks.stream().anyMatch(c -> Double.isNaN(c.value()))) {
            return "n/a";
        }
        if (!judge) {
            return "not judged (smoke)";
        }
        return checks.stream().allMatch(Check::met) ? "**met**" : "**not met**";
    }

    public String goalText() {
        return checks.isEmpty() ? "" : checks.stream().map(c -> c.goal().text()).collect(Collectors.joining("; "));
    }
}
