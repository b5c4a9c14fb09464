package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {
    private final TenantLimits limits = new TenantLimits(new StandInLimits(2, 10, 1, 3), Duration.ofSeconds(1));

    @Test
    void usersCapCountsSocketsUntilTheyLeave() {
        limits.userJoined();
        assertThat(limits.usersAtCap()).isFalse();
        limits.userJoined();
        assertThat(limits.usersAtCap()).isTrue();
        limits.userLeft();
        assertThat(limits.usersAtCap()).isFalse();
        assertThat(limits.concurrentUsers()).isEqualTo(1);
    }

    @Test
    void channelsCapIsPerSocketCount() {
        assertThat(limits.channelsAtCap(2)).isFalse();
        assertThat(limits.channelsAtCap(3)).isTrue();
    }

    @Test
    void ratesTriggerOnlyAtTheNextTick() {
        for (int i = 0; i < 10; i++) {
            limits.countEvent();
        }
        limits.countJoin();
        assertThat(limits.eventsLimited()).isFalse();
        assertThat(limits.joinsLimited()).isFalse();
        limits.tick();
        assertThat(limits.eventsPerSecond()).isEqualTo(10.0);
        assertThat(limits.eventsLimited()).isTrue();
        assertThat(limits.joinsPerSecond()).isEqualTo(1.0);
        assertThat(limits.joinsLimited()).isTrue();
    }
}
