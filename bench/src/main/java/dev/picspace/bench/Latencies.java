package dev.picspace.bench;

import java.util.Arrays;

/** The durations of one measured series, in nanoseconds; percentiles by nearest rank. Thread-safe. */
final class Latencies {
    private long[] nanos = new long[256];
    private int count;

    synchronized void add(long durationNanos) {
        if (count == nanos.length) nanos = Arrays.copyOf(nanos, count * 2);
        nanos[count++] = durationNanos;
    }

    synchronized int count() { return count; }

    void addAll(Latencies other) {
        long[] theirs;
        synchronized (other) {
            theirs = Arrays.copyOf(other.nanos, other.count);
        }
        for (long n : theirs) add(n);
    }

    /** {@code p} in (0, 100]; NaN when nothing was recorded. */
    synchronized double percentileMillis(double p) {
        if (count == 0) return Double.NaN;
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }

    double p50() { return percentileMillis(50); }

    double p99() { return percentileMillis(99); }
}
