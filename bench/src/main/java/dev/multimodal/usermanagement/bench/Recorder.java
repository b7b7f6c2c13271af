package dev.multimodal.usermanagement.bench;

import java.util.Arrays;

/** Latencies of one side in one phase, from many Gatling users at once. */
final class Recorder {

    private long[] nanos = new long[1024];
    private int count;
    private int errors;
    private String firstError;

    synchronized void record(long latencyNanos, boolean served, String unexpected) {
        if (served) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latencyNanos;
        } else {
            errors++;
            if (firstError == null) {
                firstError = unexpected.length() > 200 ? unexpected.substring(0, 200) : unexpected;
            }
        }
    }

    synchronized Round round(double seconds) {
        return new Round(seconds, Arrays.copyOf(nanos, count), errors);
    }

    synchronized String firstError() {
        return firstError;
    }
}
