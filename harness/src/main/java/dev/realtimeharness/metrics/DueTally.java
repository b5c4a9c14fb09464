package dev.realtimeharness.metrics;

import java.util.Arrays;

/**
 * Expected and lost deliveries by the second their probe was due, counted from an origin (the start of publishing),
 * so that a window of a long run can be judged on the probes due in it ({@code gate.window}) whenever their loss is
 * decided (at once for a channel that was down, {@code drainTimeout} later for one in flight). Memory: five longs per
 * second of publishing (1.1 MB for 8 hours). Thread-safe; the ledger calls it on registration and on every loss.
 */
public final class DueTally {
    private static final long SECOND = 1_000_000_000L;
    private static final int REASONS = LostReason.values().length;

    private final long originNanos;
    private long[] expected = new long[64];
    private long[] lost = new long[64 * REASONS];
    private int seconds;

    /** @param originNanos second 0 starts here ({@link System#nanoTime()} time base) */
    public DueTally(long originNanos) {
        this.originNanos = originNanos;
    }

    public long originNanos() {
        return originNanos;
    }

    /** {@code n} deliveries owed by a probe due at {@code dueNanos}. */
    public synchronized void expected(long dueNanos, long n) {
        int s = second(dueNanos);
        expected[s] += n;
    }

    /** {@code n} deliveries of a probe due at {@code dueNanos} lost for {@code reason}. */
    public synchronized void lost(long dueNanos, LostReason reason, long n) {
        if (n == 0) {
            return;
        }
        int s = second(dueNanos);
        lost[s * REASONS + reason.ordinal()] += n;
    }

    /** Sums over the seconds {@code [from, to)}: expected, then lost per {@link LostReason} ordinal. */
    public synchronized Sums sums(int from, int to) {
        long e = 0;
        long[] byReason = new long[REASONS];
        for (int s = Math.max(0, from); s < Math.min(to, seconds); s++) {
            e += expected[s];
            for (int r = 0; r < REASONS; r++) {
                byReason[r] += lost[s * REASONS + r];
            }
        }
        return new Sums(e, byReason);
    }

    /** Expected and lost deliveries of some seconds. */
    public record Sums(long expected, long[] lostByReason) {
        public long lost() {
            long sum = 0;
            for (long l : lostByReason) {
                sum += l;
            }
            return sum;
        }

        public long lost(LostReason reason) {
            return lostByReason[reason.ordinal()];
        }
    }

    // Probes due before the origin (warm-up, a probe registered early) count in second 0.
    private int second(long dueNanos) {
        long s = Math.max(0, (dueNanos - originNanos) / SECOND);
        if (s >= Integer.MAX_VALUE / REASONS) {
            throw new IllegalArgumentException("probe due " + s + " s after the start of publishing");
        }
        int i = (int) s;
        if (i >= expected.length) {
            int size = Math.max(expected.length * 2, i + 1);
            expected = Arrays.copyOf(expected, size);
            lost = Arrays.copyOf(lost, size * REASONS);
        }
        seconds = Math.max(seconds, i + 1);
        return i;
    }
}
