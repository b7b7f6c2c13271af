package dev.multimodal.usermanagement.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    static Side side(String label, double seconds, long[]... rounds) {
        return new Side(
                label,
                java.util.Arrays.stream(rounds)
                        .map(r -> new Round(seconds, r, 0))
                        .toList());
    }

    static long[] times(int count, long ms) {
        long[] t = new long[count];
        java.util.Arrays.fill(t, ms * 1_000_000);
        return t;
    }

    @Test
    void throughputGoalIsJudgedOnTheMedianPerRoundRatio() {
        Side ours = side("ours", 1, times(100, 10), times(90, 10), times(99, 10));
        Side stock = side("stock", 1, times(100, 10), times(100, 10), times(100, 10));
        Row row = Row.compare("login", "x vs y", ours, stock, List.of(Goal.ratioAtLeast(0.95, "API")));
        assertEquals(0.99, row.ratio(), 1e-9);
        assertEquals("**met**", row.verdict(true));
        assertEquals("not judged (smoke)", row.verdict(false));

        Row strict = Row.compare("login", "x vs y", ours, stock, List.of(Goal.ratioAtLeast(1.0, "API")));
        assertEquals("**not met**", strict.verdict(true));
    }

    @Test
    void addedLatencyAndSameTimingGoals() {
        Side ours = side("ours", 1, times(10, 201));
        Side stock = side("stock", 1, times(10, 200));
        assertEquals(
                "**met**",
                Row.compare("step", "", ours, stock, List.of(new Goal(Goal.Kind.ADDED_P50_MS_AT_MOST, 1, null)))
                        .verdict(true));
        Side slower = side("ours", 1, times(10, 203));
        assertEquals(
                "**not met**",
                Row.compare("step", "", slower, stock, List.of(new Goal(Goal.Kind.ADDED_P50_MS_AT_MOST, 1, null)))
                        .verdict(true));
        Side far = side("known", 1, times(10, 240));
        assertEquals(
                "**not met**",
                Row.compare("enum", "", far, stock, List.of(new Goal(Goal.Kind.P50_WITHIN, 0.10, null)))
                        .verdict(true));
        assertEquals(
                "**met**",
                Row.compare("enum", "", slower, stock, List.of(new Goal(Goal.Kind.P50_WITHIN, 0.10, null)))
                        .verdict(true));
    }

    @Test
    void figuresJudgeDifferencesAndRatios() {
        assertEquals(
                "**met**",
                Row.figures(
                                "memory idle",
                                "",
                                "MiB",
                                540,
                                500,
                                List.of(new Goal(Goal.Kind.ADDED_AT_MOST, 50, null)),
                                "")
                        .verdict(true));
        assertEquals(
                "**not met**",
                Row.figures(
                                "memory idle",
                                "",
                                "MiB",
                                560,
                                500,
                                List.of(new Goal(Goal.Kind.ADDED_AT_MOST, 50, null)),
                                "")
                        .verdict(true));
        assertEquals(
                "**not met**",
                Row.figures(
                                "memory load",
                                "",
                                "MiB",
                                560,
                                500,
                                List.of(new Goal(Goal.Kind.RATIO_AT_MOST, 1.10, null)),
                                "")
                        .verdict(true));
        assertEquals(
                "n/a",
                Row.figures(
                                "memory load",
                                "",
                                "MiB",
                                560,
                                Double.NaN,
                                List.of(new Goal(Goal.Kind.RATIO_AT_MOST, 1.10, null)),
                                "")
                        .verdict(true));
        assertEquals(
                "n/a",
                Row.notAvailable("audit", "", List.of(Goal.ratioAtLeast(0.6, null)), "no setting")
                        .verdict(true));
        assertEquals("—", Row.figures("list", "", "ms", 1, 2, List.of(), "").verdict(true));
    }

    @Test
    void writesTheTableTenantCurveAndCharts(@TempDir Path dir) throws Exception {
        Report report = new Report("full", true);
        report.machine("2 cores");
        report.add(Row.compare(
                "login",
                "POST /auth/login vs token",
                side("ours", 1, times(50, 20)),
                side("stock", 1, times(40, 25)),
                List.of(Goal.ratioAtLeast(0.95, "API"))));
        report.add(Row.figures(
                "memory idle",
                "RSS",
                "MiB",
                510,
                500,
                List.of(new Goal(Goal.Kind.ADDED_AT_MOST, 50, "issue 14")),
                "a|b"));
        report.tenants(new TenantPoint(0, Double.NaN, 900, 12, 40));
        report.tenants(new TenantPoint(10, 1000, 1500, 13, 90));
        Charts.write(report, dir);
        Path file = report.write(dir);

        String md = Files.readString(file);
        assertTrue(
                md.contains(
                        "| login | POST /auth/login vs token | 50.0 | 40.0 | req/s | 20.0 / 20.0 | 25.0 / 25.0 | 1.250 | ≥ 0.95x (API) | **met** |"),
                md);
        assertTrue(md.contains("| memory idle | RSS | 510 | 500 | MiB |"), md);
        assertTrue(md.contains("a/b"), "a pipe in a detail would break the table");
        assertTrue(md.contains("| 10 | 1000 | 1500 | 13.0 | 90.0 |"), md);
        for (String png : List.of("throughput.png", "latency.png", "tenants.png")) {
            assertTrue(md.contains("](" + png + ")"), png + " linked");
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png + " is a PNG");
        }
    }

    @Test
    void smokeReportsSayNothingIsJudged() {
        Report report = new Report("smoke", false);
        report.add(Row.compare(
                "login",
                "",
                side("ours", 1, times(5, 20)),
                side("stock", 1, times(5, 20)),
                List.of(Goal.ratioAtLeast(0.95, null))));
        assertTrue(report.markdown().contains("no goal is judged"));
        assertTrue(report.markdown().contains("not judged (smoke)"));
    }
}
