package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderedJitterTest {
    private static final long JITTER = 10_000_000L;

    /** Draws 200,000 jitters with the given gaps and checks order and the uniform marginal in 10 equal bins. */
    private static void uniformAndOrdered(long maxGapNanos) {
        Random gaps = new Random(3);
        Random draws = new Random(5);
        OrderedJitter j = new OrderedJitter(JITTER, draws::nextDouble);
        int n = 200_000;
        int[] bins = new int[10];
        long now = 0;
        long lastDue = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            now += maxGapNanos == 0 ? 0 : (long) (gaps.nextDouble() * maxGapNanos);
            long d = j.next(now);
            assertThat(d).isBetween(0L, JITTER - 1);
            assertThat(now + d).as("due times never go backwards").isGreaterThanOrEqualTo(lastDue);
            lastDue = now + d;
            bins[(int) (d * 10 / JITTER)]++;
        }
        for (int b : bins) {
            assertThat(b).as("each tenth of the jitter gets a tenth of the deliveries, gaps up to %s ns", maxGapNanos)
                    .isBetween(n / 10 - n / 100, n / 10 + n / 100);
        }
    }

    @Test
    void jitterStaysUniformAndInOrderWhenDeliveriesAreCloserThanTheJitter() {
        uniformAndOrdered(3_000_000L);
    }

    @Test
    void jitterStaysUniformAndInOrderWhenGapsStraddleTheJitter() {
        uniformAndOrdered(25_000_000L);
    }

    @Test
    void zeroJitterIsZero() {
        OrderedJitter j = new OrderedJitter(0, () -> 0.5);
        assertThat(j.next(1)).isZero();
        assertThat(j.next(2)).isZero();
    }

    @Test
    void deliveriesHandedOverTogetherShareTheirDueTime() {
        OrderedJitter j = new OrderedJitter(JITTER, () -> 0.6);
        long first = j.next(1_000);
        assertThat(j.next(1_000)).isEqualTo(first);
        // 2 ms later the carried jitter is 2 ms smaller: both become due at the same moment.
        assertThat(j.next(2_001_000)).isEqualTo(first - 2_000_000);
    }
}
