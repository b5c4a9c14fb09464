package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateCounterTest {
    private static final Duration TICK = Duration.ofSeconds(5);

    private static void add(RateCounter c, int n) {
        for (int i = 0; i < n; i++) {
            c.increment();
        }
    }

    @Test
    void burstPassesUntilTheNextTick() {
        RateCounter c = new RateCounter(10, TICK);
        add(c, 1000);
        assertThat(c.triggered()).isFalse();
        assertThat(c.avg()).isZero();
        c.tick();
        assertThat(c.avg()).isEqualTo(200.0);
        assertThat(c.triggered()).isTrue();
    }

    @Test
    void averageIsSumOverBucketsTimesTick() {
        RateCounter c = new RateCounter(1000, TICK);
        add(c, 100);
        c.tick();
        assertThat(c.avg()).isEqualTo(20.0);
        add(c, 50);
        c.tick();
        assertThat(c.avg()).isEqualTo(15.0);
        c.tick();
        assertThat(c.avg()).isEqualTo(10.0);
    }

    @Test
    void triggersAtLimitAndReleasesBelowIt() {
        RateCounter c = new RateCounter(10, TICK);
        add(c, 49);
        c.tick();
        assertThat(c.avg()).isEqualTo(9.8);
        assertThat(c.triggered()).isFalse();
        add(c, 51);
        c.tick();
        // (49 + 51) / (2 × 5 s) = 10: avg >= limit triggers.
        assertThat(c.avg()).isEqualTo(10.0);
        assertThat(c.triggered()).isTrue();
        add(c, 50);
        c.tick();
        // 150 / 15 s = 10: still at the limit, still triggered.
        assertThat(c.triggered()).isTrue();
        c.tick();
        // 150 / 20 s = 7.5 < 10: released.
        assertThat(c.avg()).isEqualTo(7.5);
        assertThat(c.triggered()).isFalse();
    }

    @Test
    void keepsOnlyTheLastTwelveBuckets() {
        RateCounter c = new RateCounter(1, TICK);
        add(c, 120);
        c.tick();
        for (int i = 0; i < 11; i++) {
            c.tick();
        }
        // 120 events over 12 buckets of 5 s: 2/s, still triggered a minute later.
        assertThat(c.avg()).isEqualTo(2.0);
        assertThat(c.triggered()).isTrue();
        c.tick();
        assertThat(c.avg()).isZero();
        assertThat(c.triggered()).isFalse();
    }

    @Test
    void incrementsAfterATickGoToTheNextBucket() {
        RateCounter c = new RateCounter(100, Duration.ofSeconds(1));
        c.increment();
        c.increment();
        assertThat(c.avg()).isZero();
        c.tick();
        assertThat(c.avg()).isEqualTo(2.0);
        c.increment();
        c.tick();
        // Buckets 2 and 1: had the first tick not emptied the count, the second bucket would hold 3 (avg 2.5).
        assertThat(c.avg()).isEqualTo(1.5);
    }

    @Test
    void rejectsANonPositiveTick() {
        assertThatThrownBy(() -> new RateCounter(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
