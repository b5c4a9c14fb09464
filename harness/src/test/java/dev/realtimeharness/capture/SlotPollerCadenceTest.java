package dev.realtimeharness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The poller's reschedule rule, as the server's replication_poller.ex has it, with Supabase's defaults. */
class SlotPollerCadenceTest {
    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int IDLE = 5;

    @Test
    void aPollThatReachedASubscriberIsFollowedAtOnce() {
        assertThat(SlotPoller.waitAfter(new SlotPoller.Poll(30, 1), INTERVAL, IDLE)).isZero();
        assertThat(SlotPoller.waitAfter(new SlotPoller.Poll(100, 100), INTERVAL, IDLE)).isZero();
    }

    @Test
    void changesForNobodyWaitTheIntervalPlus50To100MsOfJitter() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            long ms = TimeUnit.NANOSECONDS.toMillis(SlotPoller.waitAfter(new SlotPoller.Poll(3, 0), INTERVAL, IDLE));
            assertThat(ms).isBetween(150L, 200L);
            seen.add(ms);
        }
        // Enum.random(50..100) includes both ends; 2,000 draws of 51 values see them all.
        assertThat(seen).contains(150L, 200L).hasSize(51);
    }

    @Test
    void anEmptySlotWaitsTheIntervalTimesTheIdleMultiplier() {
        assertThat(SlotPoller.waitAfter(new SlotPoller.Poll(0, 0), INTERVAL, IDLE))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(SlotPoller.waitAfter(new SlotPoller.Poll(0, 0), TimeUnit.MILLISECONDS.toNanos(20), IDLE))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }
}
