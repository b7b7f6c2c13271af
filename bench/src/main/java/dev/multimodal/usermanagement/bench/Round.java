package dev.multimodal.usermanagement.bench;

import java.util.Arrays;

/** One side's requests in one measured round: sorted latencies (ns) of the answers as expected, and the others. */
public record Round(double seconds, long[] sortedNanos, int errors) {

    public Round {
        sortedNanos = sortedNanos.clone();
        Arrays.sort(sortedNanos);
    }

    public double throughput() {
        return seconds > 0 ? sortedNanos.length / seconds : Double.NaN;
    }
}
