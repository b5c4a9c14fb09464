package dev.realtimeharness.run;

import java.util.concurrent.atomic.AtomicLong;

/** Lets one event through per interval (for logging repeated faults without flooding the log). */
final class Throttle {
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    Throttle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    boolean allow() {
        long now = System.nanoTime();
        long n = next.get();
        return (n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + intervalNanos);
    }
}
