package dev.multimodal.usermanagement.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles and medians: the only statistics the report uses. */
public final class Stats {

    private Stats() {}

    /** Nearest-rank percentile (q in 0..1) of sorted nanoseconds, in milliseconds; NaN when empty. */
    public static double percentileMillis(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.min(sortedNanos.length, Math.max(1, rank)) - 1] / 1e6;
    }

    /** The median (mean of the middle two for an even count); NaN when empty. NaN values are left out. */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (Double v : values) {
            if (v != null && !v.isNaN()) {
                sorted.add(v);
            }
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** a / b, NaN when either is missing or b is zero. */
    public static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
