package dev.realtimeharness.standin;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code withholdReadyRatio} knob: a share of postgres_changes joins get their ok reply but never the system
 * message "Subscribed to PostgreSQL", and no changes, as when the server's change listener never comes up for a
 * channel (the readiness gap of design/measurement.md). Broadcast and presence on that channel work as usual.
 *
 * <p>The pick is deterministic, so tests can predict it: postgres_changes join {@code n} (counted from 0 over the
 * server's life, rejoins included) is withheld when {@code ceil((n + 1) * ratio) > ceil(n * ratio)}. After any
 * {@code N} such joins exactly {@code ceil(N * ratio)} were withheld, spread evenly (ratio 0.5: the 1st, 3rd, 5th...).
 * Only joins that would get the "ok" message count; a join whose filter does not parse gets its error message as
 * usual. Thread-safe: joins arrive on every event loop.
 */
final class ReadyWithholding {
    private final double ratio;
    private final AtomicLong joins = new AtomicLong();
    private final AtomicLong withheld = new AtomicLong();

    ReadyWithholding(double ratio) {
        this.ratio = ratio;
    }

    /** Counts one postgres_changes join and says whether its readiness is withheld. */
    boolean withhold() {
        if (ratio <= 0) {
            return false;
        }
        long n = joins.getAndIncrement();
        if (share(n + 1, ratio) > share(n, ratio)) {
            withheld.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Joins whose "Subscribed to PostgreSQL" was withheld so far. */
    long withheld() {
        return withheld.get();
    }

    /** ceil(n * ratio), robust to the rounding of the product (0.3 * 10 is 3.0000000000000004). */
    static long share(long n, double ratio) {
        return (long) Math.ceil(n * ratio - 1e-9);
    }
}
