package dev.realtimeharness.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How long a task waits before the harness's event loops run it: every {@value #INTERVAL_MILLIS} ms a meter thread
 * hands each loop a task that records the time from hand-over to run. A loop that is busy reading (or blocked) for
 * 300 ms makes the tasks handed to it during that time wait 300, 300 − interval, ... ms: the meter keeps handing
 * them over on its own clock, so a long block weighs as much as the time it took, as with the hiccup meter's
 * correction. Every frame a driver's socket receives waits the same way before the harness can stamp it, so a
 * high lag means the latency figures include the harness's own delay.
 *
 * <p>The loops are plain {@link Executor}s (a Netty event loop is one), so this package needs no Netty.
 */
public final class EventLoopLag {
    static final long INTERVAL_MILLIS = 20;

    // Written by the loops' threads (several writers); read by the ticker.
    private final Recorder recorder = new Recorder(1, TimeUnit.HOURS.toMicros(1), LatencyRecorders.SIGNIFICANT_DIGITS);
    private final Histogram cumulativeMicros = LatencyRecorders.newHistogram();
    private volatile boolean running;
    private Thread thread;

    /** Starts measuring {@code loops} (e.g. a Netty event-loop group, which is iterable over its loops). */
    public synchronized void start(Iterable<? extends Executor> loops) {
        if (thread != null) {
            throw new IllegalStateException("event-loop lag meter already started");
        }
        List<Executor> list = new ArrayList<>();
        loops.forEach(list::add);
        running = true;
        thread = new Thread(() -> run(list), "loop-lag-meter");
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

    /** Whether it ever ran (a load driven by Gatling has no harness event loops to measure). */
    public synchronized boolean measured() {
        return thread != null;
    }

    private void run(List<Executor> loops) {
        long next = System.nanoTime();
        while (running) {
            for (Executor loop : loops) {
                long handedOver = System.nanoTime();
                try {
                    loop.execute(() -> record(System.nanoTime() - handedOver));
                } catch (RejectedExecutionException e) {
                    // The loop is shutting down at the end of the run.
                    return;
                }
            }
            next += TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                // The meter itself fell behind (the whole JVM stalled: the hiccup meter reports that); start over.
                next = System.nanoTime();
            }
        }
    }

    /** Records one task's wait; package-private so tests can feed waits without blocking a loop. */
    void record(long waitNanos) {
        recorder.recordValue(LatencyRecorders.nanosToClampedMicros(Math.max(0, waitNanos)));
    }

    /** Everything measured so far, in microseconds. */
    public synchronized Histogram histogramMicros() {
        cumulativeMicros.add(recorder.getIntervalHistogram());
        return cumulativeMicros.copy();
    }

    /** p99 of the wait over the run so far, in milliseconds (0 before any sample). */
    public double p99Millis() {
        Histogram h = histogramMicros();
        return h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(99.0) / 1000.0;
    }

    /** The longest wait so far, in milliseconds. */
    public double maxMillis() {
        return histogramMicros().getMaxValue() / 1000.0;
    }
}
