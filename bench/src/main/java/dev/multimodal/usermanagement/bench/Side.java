package dev.multimodal.usermanagement.bench;

import java.util.ArrayList;
import java.util.List;

/** One side of a comparison (ours or stock) over its measured rounds. */
public record Side(String label, List<Round> rounds) {

    public Side {
        rounds = List.copyOf(rounds);
    }

    /** Requests per second: the median of the rounds'. */
    public double throughput() {
        return Stats.median(rounds.stream().map(Round::throughput).toList());
    }

    /** Latency percentile (ms) over every round's requests together. */
    public double percentile(double q) {
        return Stats.percentileMillis(pooled(), q);
    }

    public int errors() {
        return rounds.stream().mapToInt(Round::errors).sum();
    }

    public int requests() {
        return rounds.stream().mapToInt(r -> r.sortedNanos().length).sum();
    }

    private long[] pooled() {
        List<long[]> all = new ArrayList<>();
        int n = 0;
        for (Round r : rounds) {
            all.add(r.sortedNanos());
            n += r.sortedNanos().length;
        }
        long[] pooled = new long[n];
        int at = 0;
        for (long[] a : all) {
            System.arraycopy(a, 0, pooled, at, a.length);
            at += a.length;
        }
        java.util.Arrays.sort(pooled);
        return pooled;
    }
}
