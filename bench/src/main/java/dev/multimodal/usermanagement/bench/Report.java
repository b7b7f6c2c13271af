package dev.multimodal.usermanagement.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The markdown report: how it was run, on what, the table of scenarios and goals, the tenant curve, the charts. */
public final class Report {

    private final String mode;
    private final boolean judge;
    private final List<String> machine = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<TenantPoint> tenants = new ArrayList<>();
    private final List<String> charts = new ArrayList<>();

    /** judge=false (smoke) writes every figure but no met/not-met verdict. */
    public Report(String mode, boolean judge) {
        this.mode = mode;
        this.judge = judge;
    }

    public void machine(String line) {
        machine.add(line);
    }

    public void note(String line) {
        notes.add(line);
    }

    public void add(Row row) {
        rows.add(row);
    }

    public void tenants(TenantPoint point) {
        tenants.add(point);
    }

    public void chart(String fileName) {
        charts.add(fileName);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<TenantPoint> tenantPoints() {
        return List.copyOf(tenants);
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmark report (").append(mode).append(")\n\n");
        b.append(
                judge
                        ? ""
                        : "Smoke run: every scenario for a few seconds; figures are not stable and no goal is judged.\n\n");
        b.append("## Machine\n\n");
        machine.forEach(m -> b.append("- ").append(m).append('\n'));
        b.append("\n## Scenarios (ours beside stock, same server, same run)\n\n");
        b.append(
                "| scenario | compares | ours | stock | unit | ours p50 / p99 (ms) | stock p50 / p99 (ms) | ratio | goal | verdict | detail |\n");
        b.append("|---|---|---:|---:|---|---:|---:|---:|---|---|---|\n");
        for (Row r : rows) {
            b.append("| ")
                    .append(r.scenario())
                    .append(" | ")
                    .append(r.compares())
                    .append(" | ")
                    .append(num(r.ours()))
                    .append(" | ")
                    .append(num(r.stock()))
                    .append(" | ")
                    .append(r.unit())
                    .append(" | ")
                    .append(pair(r.oursP50(), r.oursP99()))
                    .append(" | ")
                    .append(pair(r.stockP50(), r.stockP99()))
                    .append(" | ")
                    .append(Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "%.3f", r.ratio()))
                    .append(" | ")
                    .append(r.goalText())
                    .append(" | ")
                    .append(r.verdict(judge))
                    .append(" | ")
                    .append(r.detail() == null ? "" : r.detail().replace("|", "/"))
                    .append(" |\n");
        }
        if (!tenants.isEmpty()) {
            b.append("\n## Tenants: creation and listing by tenant count\n\n");
            b.append(
                    "| tenants | ours create (ms) | stock create (ms) | ours list (ms) | stock list (ms) |\n|---:|---:|---:|---:|---:|\n");
            for (TenantPoint t : tenants) {
                b.append("| ")
                        .append(t.tenants())
                        .append(" | ")
                        .append(num(t.oursCreateMs()))
                        .append(" | ")
                        .append(num(t.stockCreateMs()))
                        .append(" | ")
                        .append(num(t.oursListMs()))
                        .append(" | ")
                        .append(num(t.stockListMs()))
                        .append(" |\n");
            }
        }
        if (!charts.isEmpty()) {
            b.append("\n## Charts\n\n");
            charts.forEach(c -> b.append("![").append(c).append("](").append(c).append(")\n"));
        }
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("report.md");
        Files.writeString(file, markdown());
        return file;
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pair(double p50, double p99) {
        return Double.isNaN(p50) ? "" : String.format(Locale.ROOT, "%.1f / %.1f", p50, p99);
    }
}
