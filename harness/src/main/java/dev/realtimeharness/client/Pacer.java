package dev.realtimeharness.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces actions (connects, joins) evenly at a fixed rate across the whole fleet: each caller reserves the next slot
 * and schedules itself for it, so no thread ever sleeps and no event loop blocks.
 */
public final class Pacer {
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    public Pacer(double perSecond) {
        this.intervalNanos = perSecond <= 0 || Double.isInfinite(perSecond) ? 0 : (long) (1_000_000_000L / perSecond);
    }

    /** Reserves the next slot and returns how many nanoseconds from {@code nowNanos} the action should wait. */
    public long reserveDelayNanos(long nowNanos) {
        while (true) {
            long cur = next.get();
            long slot = cur == Long.MIN_VALUE || cur - nowNanos < 0 ? nowNanos : cur;
            if (next.compareAndSet(cur, slot + intervalNanos)) {
                return slot - nowNanos;
            }
        }
    }
}
