package dev.realtimeharness.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Measures the harness's own stalls the way jHiccup does: a daemon thread asks to sleep 1 ms and records
 * how much later than that it woke (GC pauses, safepoints, an overloaded machine). Every latency the
 * harness reports includes these stalls, so summary.json reports their p99.
 *
 * <p>A stall is recorded with HdrHistogram's expected-interval correction, as jHiccup does: while the meter
 * slept through a 1 s stall it missed the ~1000 wake-ups it would have made, each of which would have seen
 * a hiccup of 999, 998, ... 1 ms. Recorded as one sample, ten 1 s stalls in a 600 s run vanish below the
 * p99; corrected, they weigh as much as the time they took.
 */
public final class HiccupMeter {

    private static final long RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The meter's sampling interval, in microseconds: the expected interval of its corrected samples. */
    static final long RESOLUTION_MICROS = TimeUnit.NANOSECONDS.toMicros(RESOLUTION_NANOS);

    // Written only by the meter thread; the ticker reads intervals into the cumulative histogram.
    private final SingleWriterRecorder recorder =
            new SingleWriterRecorder(1, TimeUnit.HOURS.toMicros(1), LatencyRecorders.SIGNIFICANT_DIGITS);
    private final Histogram cumulativeMicros = LatencyRecorders.newHistogram();
    private volatile boolean running;
    private Thread thread;

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("hiccup meter already started");
        }
        running = true;
        thread = new Thread(this::run, "hiccup-meter");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(RESOLUTION_NANOS);
            recordHiccupNanos(System.nanoTime() - before - RESOLUTION_NANOS);
        }
    }

    /**
     * Records one wake-up that came {@code hiccupNanos} later than asked, with the missed wake-ups filled in.
     * Called by the meter thread only (single writer); package-private so tests can feed stalls without
     * stalling.
     */
    void recordHiccupNanos(long hiccupNanos) {
        recorder.recordValueWithExpectedInterval(
                LatencyRecorders.nanosToClampedMicros(Math.max(0, hiccupNanos)), RESOLUTION_MICROS);
    }

    /** Everything measured so far, in microseconds. */
    public synchronized Histogram histogramMicros() {
        cumulativeMicros.add(recorder.getIntervalHistogram());
        return cumulativeMicros.copy();
    }

    /** p99 of the wake-up delay over the run so far, in milliseconds (0 before any sample). */
    public double p99Millis() {
        Histogram histogram = histogramMicros();
        return histogram.getTotalCount() == 0 ? 0.0 : histogram.getValueAtPercentile(99.0) / 1000.0;
    }

    /** The longest wake-up delay over the run so far, in milliseconds. */
    public double maxMillis() {
        return histogramMicros().getMaxValue() / 1000.0;
    }
}
