package dev.realtimeharness.standin;

import java.util.function.DoubleSupplier;

/**
 * The jitter of one socket's deliveries: each delivery's jitter is uniform on [0, jitter), as the knob promises, and
 * yet no delivery becomes due before the one handed over before it, because Realtime writes one socket's frames over
 * one TCP connection in order.
 *
 * <p>Independent draws that are then clamped to the previous due time (the obvious way to keep order) make every
 * delivery wait for the largest jitter drawn before it, so the received median comes out several ms above the
 * injected one. Instead the previous draw {@code u} is carried over: a delivery handed over {@code g} ns after the
 * previous one gets {@code u - g} when that is not negative (it becomes due together with the previous one), and
 * otherwise a fresh uniform draw on [max(0, jitter - g), jitter). If {@code u} is uniform on [0, jitter) and
 * independent of {@code g}, both branches together give a uniform on [0, jitter) again (the carried values cover
 * [0, jitter - g), the fresh draws the top {@code g}), so every delivery's jitter is uniform while due times never
 * go backwards. The cost, documented in the README: deliveries closer together than the jitter arrive in bursts,
 * as frames held behind a late TCP segment do; their individual delays still follow the promised distribution.
 * With gaps of at least {@code jitter} every draw is fresh and independent.
 *
 * <p>Not thread-safe: the caller holds the socket's delivery lock.
 */
final class OrderedJitter {
    private final long jitterNanos;
    private final DoubleSupplier uniform;
    private boolean started;
    private long lastHandNanos;
    private long lastJitterNanos;

    /** {@code uniform} returns values uniform on [0, 1). */
    OrderedJitter(long jitterNanos, DoubleSupplier uniform) {
        this.jitterNanos = jitterNanos;
        this.uniform = uniform;
    }

    /** The jitter, in nanoseconds, of a delivery handed over at {@code nowNanos} (never before the previous one). */
    long next(long nowNanos) {
        if (jitterNanos <= 0) {
            return 0;
        }
        long j;
        if (!started) {
            started = true;
            j = draw(0, jitterNanos);
        } else {
            long gap = Math.max(0, nowNanos - lastHandNanos);
            long carried = lastJitterNanos - gap;
            if (carried >= 0) {
                j = carried;
            } else {
                long low = Math.max(0, jitterNanos - gap);
                j = draw(low, jitterNanos - low);
            }
        }
        lastHandNanos = nowNanos;
        lastJitterNanos = j;
        return j;
    }

    private long draw(long low, long width) {
        return low + Math.min(width - 1, (long) (uniform.getAsDouble() * width));
    }
}
