package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.TargetLimits;
import dev.realtimeharness.standin.StandInConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedTargetConfigTest {
    private static EmbeddedConfig knobs(double disconnectRatio, Duration disconnectAfter, double withhold) {
        return new EmbeddedConfig(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, disconnectRatio, 0,
                TargetLimits.supabaseDefaults(), null, null, disconnectAfter, withhold);
    }

    @Test
    void accountingKnobsReachTheStandIn() {
        StandInConfig c = EmbeddedTarget.standInConfig(knobs(0.25, Duration.ofSeconds(3), 0.5), 0);
        assertThat(c.disconnectRatio()).isEqualTo(0.25);
        assertThat(c.disconnectAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.withholdReadyRatio()).isEqualTo(0.5);
    }

    @Test
    void anUnresolvedDisconnectAfterIsRefusedOnlyWhenDisconnectsAreAskedFor() {
        assertThat(EmbeddedTarget.standInConfig(knobs(0, null, 0), 0).disconnectAfter()).isZero();
        assertThatThrownBy(() -> EmbeddedTarget.standInConfig(knobs(0.5, null, 0), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resolvedFor");
    }
}
