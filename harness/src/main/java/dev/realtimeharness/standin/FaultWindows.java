package dev.realtimeharness.standin;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault knobs a schedule opens for a while (target.embedded.faults): delay, drop, join rejection, malformed frames
 * and a stall, each one window at a time. A window opened while one of its kind is open replaces it. Read on the
 * delivery path with one volatile read per kind; written by whoever applies the schedule. Thread-safe.
 */
final class FaultWindows {
    /**
     * What a malformed delivery carries instead of its frame: text that is not JSON, from its first value on (an
     * unquoted string), so that no reader can take the frame for anything else.
     */
    static final String MALFORMED_TEXT = "{\"topic\":realtime:malformed";

    /** {@code value}: a ratio (0..1) or nanoseconds; in force from {@code startNanos} until {@code endNanos}. */
    record Window(double value, long startNanos, long endNanos) {
        boolean covers(long nanos) {
            return nanos - startNanos >= 0 && nanos - endNanos < 0;
        }
    }

    private volatile Window delay;
    private volatile Window drop;
    private volatile Window rejectJoins;
    private volatile Window malformed;
    private volatile Window stall;
    private final AtomicLong malformedSent = new AtomicLong();

    void delay(long delayNanos, long startNanos, long lengthNanos) {
        delay = new Window(delayNanos, startNanos, startNanos + lengthNanos);
    }

    void drop(double ratio, long startNanos, long lengthNanos) {
        drop = new Window(ratio, startNanos, startNanos + lengthNanos);
    }

    void rejectJoins(double ratio, long startNanos, long lengthNanos) {
        rejectJoins = new Window(ratio, startNanos, startNanos + lengthNanos);
    }

    void malformed(double ratio, long startNanos, long lengthNanos) {
        malformed = new Window(ratio, startNanos, startNanos + lengthNanos);
    }

    void stall(long startNanos, long lengthNanos) {
        stall = new Window(0, startNanos, startNanos + lengthNanos);
    }

    /** The window of that kind in force at {@code nanos}, or null. */
    Window delayAt(long nanos) {
        return active(delay, nanos);
    }

    Window dropAt(long nanos) {
        return active(drop, nanos);
    }

    Window rejectJoinsAt(long nanos) {
        return active(rejectJoins, nanos);
    }

    Window malformedAt(long nanos) {
        return active(malformed, nanos);
    }

    Window stallAt(long nanos) {
        return active(stall, nanos);
    }

    /** Whether a delay or stall window has been opened and not yet ended at {@code nanos}. */
    boolean timedAt(long nanos) {
        Window d = delay;
        Window s = stall;
        return d != null && nanos - d.endNanos < 0 || s != null && nanos - s.endNanos < 0;
    }

    void malformedSent() {
        malformedSent.incrementAndGet();
    }

    long malformedSentCount() {
        return malformedSent.get();
    }

    private static Window active(Window w, long nanos) {
        return w != null && w.covers(nanos) ? w : null;
    }
}
