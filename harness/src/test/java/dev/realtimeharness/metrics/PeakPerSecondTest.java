package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeakPerSecondTest {
    static final long MS = 1_000_000L;

    @Test
    void peakIsTheBusiestWholeSecondCountedFromTheOrigin() {
        PeakPerSecond p = new PeakPerSecond(1_000 * MS);
        assertThat(p.peak()).isZero();
        // Second 0: three events; second 1: five (a burst of rejoins); second 3: one.
        for (long t : new long[] {1_000, 1_400, 1_999}) {
            p.record(t * MS);
        }
        for (long t : new long[] {2_000, 2_001, 2_002, 2_003, 2_999}) {
            p.record(t * MS);
        }
        p.record(4_500 * MS);
        assertThat(p.peak()).isEqualTo(5);
    }

    @Test
    void eventsOnTheTwoSidesOfABucketEdgeAreCountedApart() {
        PeakPerSecond p = new PeakPerSecond(0);
        p.record(999 * MS);
        p.record(1_000 * MS);
        assertThat(p.peak()).isEqualTo(1);
    }

    @Test
    void anEventStampedInAPassedSecondCountsInTheCurrentOne() {
        PeakPerSecond p = new PeakPerSecond(0);
        p.record(1_500 * MS);
        p.record(900 * MS);
        assertThat(p.peak()).isEqualTo(2);
    }
}
