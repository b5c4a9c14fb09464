package dev.realtimeharness.metrics;

/**
 * The most events seen in any one 1-second bucket (whole seconds of {@link System#nanoTime()} since the origin), the
 * bucket still filling included. Written from event loops: the critical section is a few field updates, never I/O.
 * An event stamped in a bucket that has already been passed (threads race) counts in the current one.
 */
public final class PeakPerSecond {
    private static final long SECOND = 1_000_000_000L;

    private final long originNanos;
    private long bucket = Long.MIN_VALUE;
    private long count;
    private long peak;

    public PeakPerSecond(long originNanos) {
        this.originNanos = originNanos;
    }

    /** One event at {@code nowNanos}. */
    public synchronized void record(long nowNanos) {
        long b = Math.floorDiv(nowNanos - originNanos, SECOND);
        if (b > bucket) {
            bucket = b;
            count = 0;
        }
        count++;
        if (count > peak) {
            peak = count;
        }
    }

    /** Events in the busiest bucket so far; 0 before the first. */
    public synchronized long peak() {
        return peak;
    }
}
