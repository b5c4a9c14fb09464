package dev.realtimeharness.standin;

import java.util.Random;

/**
 * The delivery fault knobs of design/measurement.md: drop, delay plus jitter, and a stall window; and the windows a
 * fault schedule opens while the server runs ({@link FaultWindows}), which take the place of the fixed knobs of their
 * kind while they last. Thread-safe: used by the replication thread and by every event loop that fans out a broadcast.
 */
final class Faults {
    private final long delayNanos;
    private final long jitterNanos;
    private final double dropRatio;
    private final double rejectJoinRatio;
    private final long stallStartNanos;
    private final long stallEndNanos;
    private final boolean stall;
    // java.util.Random is thread-safe (one CAS per draw); a seed makes a single-threaded run repeatable.
    private final Random random;
    private final FaultWindows windows = new FaultWindows();

    Faults(StandInConfig c, long startNanos) {
        this.delayNanos = c.delay().toNanos();
        this.jitterNanos = c.jitter().toNanos();
        this.dropRatio = c.dropRatio();
        this.rejectJoinRatio = c.rejectJoinRatio();
        this.stall = c.stallEnabled();
        this.stallStartNanos = startNanos + c.stallAfter().toNanos();
        this.stallEndNanos = stallStartNanos + c.stallFor().toNanos();
        this.random = new Random(c.seed());
    }

    /** Whether deliveries may need to wait at all; when not, they are written as soon as the event loop runs. */
    boolean timed(long nowNanos) {
        return delayNanos > 0 || jitterNanos > 0 || stall || windows.timedAt(nowNanos);
    }

    boolean drop() {
        FaultWindows.Window w = windows.dropAt(System.nanoTime());
        return draw(w != null ? w.value() : dropRatio);
    }

    boolean rejectJoin() {
        FaultWindows.Window w = windows.rejectJoinsAt(System.nanoTime());
        return draw(w != null ? w.value() : rejectJoinRatio);
    }

    /** Whether the frame written at {@code nowNanos} goes out malformed instead (a malformedFrames window). */
    boolean malform(long nowNanos) {
        FaultWindows.Window w = windows.malformedAt(nowNanos);
        if (w != null && draw(w.value())) {
            windows.malformedSent();
            return true;
        }
        return false;
    }

    FaultWindows windows() {
        return windows;
    }

    private boolean draw(double ratio) {
        return ratio > 0 && (ratio >= 1.0 || random.nextDouble() < ratio);
    }

    /** The jitter of one socket's deliveries: uniform per delivery, in order per socket (see OrderedJitter). */
    OrderedJitter newJitter() {
        return new OrderedJitter(jitterNanos, random::nextDouble);
    }

    /**
     * When a delivery handed over at {@code nowNanos} with {@code jitterNanosDrawn} (from the socket's
     * {@link OrderedJitter}) is due (System.nanoTime() scale). Non-decreasing in
     * {@code nowNanos + jitterNanosDrawn}, so the stall keeps the socket's order.
     */
    long dueNanos(long nowNanos, long jitterNanosDrawn) {
        FaultWindows.Window delayed = windows.delayAt(nowNanos);
        long due = nowNanos + (delayed != null ? (long) delayed.value() : delayNanos) + jitterNanosDrawn;
        // A delivery that would go out inside the stall window is held until the window ends.
        if (stall && due - stallStartNanos >= 0 && due - stallEndNanos < 0) {
            due = stallEndNanos;
        }
        FaultWindows.Window stalled = windows.stallAt(due);
        if (stalled != null) {
            due = stalled.endNanos();
        }
        return due;
    }
}
