package dev.multimodal.usermanagement.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The report's PNG charts (XChart): throughput by scenario, latency percentiles, tenant-count curves. */
public final class Charts {

    private Charts() {}

    /** Writes the charts the figures allow into dir and names them in the report. */
    public static void write(Report report, Path dir) throws IOException {
        List<Row> measured =
                report.rows().stream().filter(r -> r.oursSide() != null).toList();
        if (!measured.isEmpty()) {
            save(throughput(measured), dir, "throughput.png", report);
            save(latency(measured), dir, "latency.png", report);
        }
        List<TenantPoint> points = report.tenantPoints();
        if (!points.isEmpty()) {
            save(tenants(points), dir, "tenants.png", report);
        }
    }

    static CategoryChart throughput(List<Row> rows) {
        CategoryChart c = new CategoryChartBuilder()
                .width(1200)
                .height(600)
                .title("Throughput by scenario (median of rounds)")
                .xAxisTitle("scenario")
                .yAxisTitle("requests/s")
                .build();
        style(c);
        List<String> names = rows.stream().map(Row::scenario).toList();
        c.addSeries("ours", names, rows.stream().map(r -> nanToZero(r.ours())).toList());
        c.addSeries("stock", names, rows.stream().map(r -> nanToZero(r.stock())).toList());
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(0.1);
        return c;
    }

    static CategoryChart latency(List<Row> rows) {
        CategoryChart c = new CategoryChartBuilder()
                .width(1200)
                .height(600)
                .title("Latency percentiles (ms, log scale)")
                .xAxisTitle("scenario")
                .yAxisTitle("ms")
                .build();
        style(c);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(0.1);
        List<String> names = rows.stream().map(Row::scenario).toList();
        for (double q : new double[] {0.50, 0.90, 0.99}) {
            String p = "p" + Math.round(q * 100);
            c.addSeries(
                    "ours " + p,
                    names,
                    rows.stream()
                            .map(r -> nanToZero(r.oursSide().percentile(q)))
                            .toList());
            c.addSeries(
                    "stock " + p,
                    names,
                    rows.stream()
                            .map(r -> nanToZero(r.stockSide().percentile(q)))
                            .toList());
        }
        return c;
    }

    static XYChart tenants(List<TenantPoint> points) {
        XYChart c = new XYChartBuilder()
                .width(1000)
                .height(600)
                .title("Tenant creation and listing by tenant count")
                .xAxisTitle("tenants")
                .yAxisTitle("ms (log scale)")
                .build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setYAxisLogarithmic(true);
        series(c, "ours create", points, TenantPoint::oursCreateMs);
        series(c, "stock create", points, TenantPoint::stockCreateMs);
        series(c, "ours list", points, TenantPoint::oursListMs);
        series(c, "stock list", points, TenantPoint::stockListMs);
        return c;
    }

    private static void series(
            XYChart c, String name, List<TenantPoint> points, java.util.function.ToDoubleFunction<TenantPoint> f) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (TenantPoint p : points) {
            double v = f.applyAsDouble(p);
            if (!Double.isNaN(v) && v > 0) {
                x.add((double) p.tenants());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            c.addSeries(name, x, y);
        }
    }

    private static void style(CategoryChart c) {
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisLabelRotation(30);
        c.getStyler().setAvailableSpaceFill(0.8);
    }

    /** A log axis cannot show zero or NaN: missing figures become the axis floor. */
    private static double nanToZero(double v) {
        return Double.isNaN(v) || v <= 0.1 ? 0.1 : v;
    }

    private static void save(
            org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path dir, String name, Report report)
            throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        report.chart(name);
    }
}
