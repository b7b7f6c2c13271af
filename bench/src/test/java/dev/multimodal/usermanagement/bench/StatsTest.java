package dev.multimodal.usermanagement.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    static long[] millis(long... ms) {
        return Arrays.stream(ms).map(m -> m * 1_000_000).toArray();
    }

    @Test
    void nearestRankPercentiles() {
        long[] sorted = millis(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertEquals(5.0, Stats.percentileMillis(sorted, 0.50));
        assertEquals(10.0, Stats.percentileMillis(sorted, 0.99));
        assertEquals(1.0, Stats.percentileMillis(sorted, 0.0));
        assertEquals(10.0, Stats.percentileMillis(sorted, 1.0));
        assertTrue(Double.isNaN(Stats.percentileMillis(new long[0], 0.5)));
    }

    @Test
    void medianOfOddAndEvenCountsLeavesOutNaN() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(1.0, Stats.median(List.of(Double.NaN, 1.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }

    @Test
    void ratioOfMissingOrZeroIsNaN() {
        assertEquals(0.5, Stats.ratio(1, 2));
        assertTrue(Double.isNaN(Stats.ratio(1, 0)));
        assertTrue(Double.isNaN(Stats.ratio(Double.NaN, 2)));
    }

    @Test
    void roundsSortTheirSamplesAndSidesPoolThem() {
        Round a = new Round(2.0, millis(30, 10, 20), 1);
        Round b = new Round(2.0, millis(40), 0);
        assertEquals(1.5, a.throughput());
        assertEquals(10_000_000L, a.sortedNanos()[0]);
        Side side = new Side("ours", List.of(a, b));
        assertEquals(1.0, side.throughput(), "median of 1.5 and 0.5");
        assertEquals(20.0, side.percentile(0.5));
        assertEquals(40.0, side.percentile(0.99));
        assertEquals(1, side.errors());
        assertEquals(4, side.requests());
    }
}
