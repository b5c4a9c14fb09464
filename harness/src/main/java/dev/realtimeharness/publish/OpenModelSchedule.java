package dev.realtimeharness.publish;

/**
 * The open-model schedule: probe {@code seq} is due at {@code t0 + seq / rate}, whatever the target does. A
 * publisher that falls behind sends late but keeps the due times, so the latency measured from the due time
 * includes the wait a real order would have had (coordinated-omission correction, as wrk2 does).
 */
public record OpenModelSchedule(long t0Nanos, double perSecond) {

    public OpenModelSchedule {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + perSecond);
        }
    }

    public long dueNanos(long seq) {
        return t0Nanos + (long) (seq * (1_000_000_000d / perSecond));
    }

    /** How many probes are due by {@code elapsedNanos} after t0 (the count, not the last seq). */
    public long dueBy(long elapsedNanos) {
        return elapsedNanos < 0 ? 0 : (long) Math.floor(elapsedNanos * perSecond / 1_000_000_000d) + 1;
    }
}
