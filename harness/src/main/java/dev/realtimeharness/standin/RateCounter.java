package dev.realtimeharness.standin;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tenant rate as the real server's RateCounter measures it (protocol.md §9): events are counted as they happen; on
 * every tick the count becomes a bucket, the last {@link #MAX_BUCKETS} buckets are kept, and
 * {@code avg = sum(buckets) / (buckets × tick)} in events per second. The limit triggers when {@code avg >= limit}
 * and releases when {@code avg < limit}; between ticks the state does not change, so a burst passes until the next
 * tick and the average then lingers for up to 12 ticks.
 *
 * <p>{@link #increment} is safe from any thread; {@link #tick} is called by one ticker (the server's schedule, or a
 * test).
 */
final class RateCounter {
    /** The server's tick for tenant rates. */
    static final Duration DEFAULT_TICK = Duration.ofSeconds(5);
    static final int MAX_BUCKETS = 12;

    private final double limit;
    private final double tickSeconds;
    private final AtomicLong current = new AtomicLong();
    // Ring of the last MAX_BUCKETS counts; guarded by this.
    private final long[] buckets = new long[MAX_BUCKETS];
    private int size;
    private int next;
    private volatile double avg;
    private volatile boolean triggered;

    RateCounter(double limit, Duration tick) {
        if (tick.isZero() || tick.isNegative()) {
            throw new IllegalArgumentException("rate tick must be positive, was " + tick);
        }
        this.limit = limit;
        this.tickSeconds = tick.toNanos() / 1e9;
    }

    void increment() {
        current.incrementAndGet();
    }

    /** Closes the current bucket and recomputes the average and the trigger. */
    synchronized void tick() {
        // getAndSet loses no concurrent increment: each lands in this bucket or the next.
        buckets[next] = current.getAndSet(0);
        next = (next + 1) % MAX_BUCKETS;
        size = Math.min(size + 1, MAX_BUCKETS);
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += buckets[i];
        }
        double a = sum / (size * tickSeconds);
        avg = a;
        if (triggered) {
            if (a < limit) {
                triggered = false;
            }
        } else if (a >= limit) {
            triggered = true;
        }
    }

    /** The average as of the last tick, in events per second; 0 before the first tick. */
    double avg() {
        return avg;
    }

    boolean triggered() {
        return triggered;
    }
}
