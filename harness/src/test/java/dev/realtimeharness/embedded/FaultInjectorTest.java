package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.scenario.FaultSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How applied faults are written for people, and which entries of a schedule a shorter run leaves out. */
class FaultInjectorTest {

    @Test
    void anAppliedFaultReadsAsItsMomentOfTheRunWhatItIsAndWhatItDid() {
        FaultSpec disconnect = new FaultSpec(FaultSpec.Kind.DISCONNECT, Duration.ofMinutes(2), null, 0.1, null, null);
        assertThat(new FaultInjector.Applied(Duration.ofMillis(120_004), Instant.EPOCH, disconnect, "5 of 50 closed")
                .line()).isEqualTo("fault at 2m00s: disconnect 10% of sockets (5 of 50 closed)");
        FaultSpec delay = new FaultSpec(FaultSpec.Kind.DELAY, Duration.ofMinutes(14), null, 0, Duration.ofMillis(250),
                Duration.ofSeconds(2));
        assertThat(new FaultInjector.Applied(Duration.ofMillis(840_020), Instant.EPOCH, delay, "").line())
                .isEqualTo("fault at 14m00s: delay deliveries by 250ms for 2s");
    }

    @Test
    void theClockRoundsToTheNearestSecondAndCountsHours() {
        assertThat(FaultInjector.clock(Duration.ZERO)).isEqualTo("0m00s");
        assertThat(FaultInjector.clock(Duration.ofMillis(4_999))).isEqualTo("0m05s");
        assertThat(FaultInjector.clock(Duration.ofSeconds(3_725))).isEqualTo("1h02m05s");
    }

    @Test
    void entriesThatFirstFireAtOrAfterTheEndOfPublishingAreTheOnesThatNeverWill() {
        FaultSpec at = new FaultSpec(FaultSpec.Kind.STALL, Duration.ofSeconds(10), null, 0, Duration.ofSeconds(1),
                null);
        FaultSpec every = new FaultSpec(FaultSpec.Kind.DISCONNECT, null, Duration.ofSeconds(5), 0.1, null, null);
        FaultSpec late = new FaultSpec(FaultSpec.Kind.RESTART_DATABASE, Duration.ofSeconds(30), null, 0, null, null);
        assertThat(FaultInjector.beyond(List.of(at, every, late), Duration.ofSeconds(10))).containsExactly(at, late);
        assertThat(FaultInjector.beyond(List.of(at, every, late), Duration.ofMinutes(1))).isEmpty();
    }
}
