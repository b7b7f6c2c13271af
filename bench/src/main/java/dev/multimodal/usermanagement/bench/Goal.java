package dev.multimodal.usermanagement.bench;

import java.util.Locale;

/** A goal of an earlier issue, judged on a measured figure. */
public record Goal(Kind kind, double target, String source) {

    public enum Kind {
        /** ours/stock throughput (median of the per-round ratios) at least the target */
        RATIO_AT_LEAST,
        /** ours/stock at most the target (memory under load, create time growth) */
        RATIO_AT_MOST,
        /** ours p50 minus stock p50 at most the target in ms */
        ADDED_P50_MS_AT_MOST,
        /** |ours p50 / stock p50 - 1| at most the target (enumeration timing) */
        P50_WITHIN,
        /** ours minus stock at most the target (MiB of memory) */
        ADDED_AT_MOST,
        /** a value of ours alone at most the target (ms) */
        VALUE_AT_MOST
    }

    public static Goal ratioAtLeast(double target, String source) {
        return new Goal(Kind.RATIO_AT_LEAST, target, source);
    }

    public boolean met(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        return switch (kind) {
            case RATIO_AT_LEAST -> value >= target;
            case P50_WITHIN -> Math.abs(value - 1) <= target;
            default -> value <= target;
        };
    }

    public String text() {
        String t = switch (kind) {
            case RATIO_AT_LEAST -> String.format(Locale.ROOT, "≥ %.2fx", target);
            case RATIO_AT_MOST -> String.format(Locale.ROOT, "≤ %.2fx", target);
            case ADDED_P50_MS_AT_MOST -> String.format(Locale.ROOT, "p50 +≤ %.0f ms", target);
            case P50_WITHIN -> String.format(Locale.ROOT, "p50 within %.0f%%", target * 100);
            case ADDED_AT_MOST -> String.format(Locale.ROOT, "+≤ %.0f MiB", target);
            case VALUE_AT_MOST -> String.format(Locale.ROOT, "≤ %.0f ms", target);
        };
        return source == null ? t : t + " (" + source + ")";
    }
}
