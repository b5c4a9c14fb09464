package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HeapTrendTest {
    private static final long MIB = 1 << 20;
    private static final long MINUTE = 60_000;

    @Test
    void aHeapThatKeepsTenMiBMorePerHourAfterEachCollectionHasASlopeOfTen() {
        HeapTrend trend = new HeapTrend();
        // One collection every 6 minutes for an hour, each leaving 1 MiB more behind, around a noisy baseline.
        long[] noise = {0, 300_000, -200_000, 100_000, -300_000, 200_000, 0, -100_000, 250_000, -250_000, 0};
        for (int i = 0; i <= 10; i++) {
            trend.observe(10_000 + i * 6 * MINUTE, 200 * MIB + i * MIB + noise[i]);
        }

        assertThat(trend.slopeMiBPerHour()).isCloseTo(10.0, within(0.5));
    }

    @Test
    void aFlatHeapHasNoSlopeAndAShrinkingOneANegativeSlope() {
        HeapTrend flat = new HeapTrend();
        HeapTrend shrinking = new HeapTrend();
        for (int i = 0; i < 5; i++) {
            flat.observe(i * MINUTE, 100 * MIB);
            shrinking.observe(i * MINUTE, 100 * MIB - i * MIB);
        }

        assertThat(flat.slopeMiBPerHour()).isEqualTo(0.0);
        assertThat(shrinking.slopeMiBPerHour()).isCloseTo(-60.0, within(0.01));
    }

    @Test
    void tooFewCollectionsOrTooShortASpanCannotTell() {
        HeapTrend two = new HeapTrend();
        two.observe(0, MIB);
        two.observe(10 * MINUTE, 50 * MIB);
        HeapTrend quick = new HeapTrend();
        for (int i = 0; i < 20; i++) {
            quick.observe(i * 1_000, i * MIB);
        }

        assertThat(two.slopeMiBPerHour()).isNull();
        assertThat(quick.slopeMiBPerHour()).isNull();
        assertThat(new HeapTrend().slopeMiBPerHour()).isNull();
    }

    @Test
    void realCollectionsAreTakenIn() {
        HeapTrend trend = new HeapTrend();
        trend.sample();
        System.gc();
        trend.sample();
        System.gc();
        trend.sample();
        // Each System.gc() ends a collection the next sample takes in, once; within a second: too short to tell.
        assertThat(trend.points()).isGreaterThanOrEqualTo(2);
        long seen = trend.points();
        trend.sample();
        assertThat(trend.points()).isEqualTo(seen);
        assertThat(trend.slopeMiBPerHour()).isNull();
    }
}
