package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.realtimeharness.scenario.GateKeys.Kind;
import org.junit.jupiter.api.Test;

class GateKeysTest {

    @Test
    void knowsEveryDocumentedKeyWithItsKind() {
        for (String stat : new String[] {"min", "mean", "p50", "p90", "p95", "p99", "p999", "max"}) {
            assertThat(GateKeys.kind("latency." + stat)).isEqualTo(Kind.LATENCY_MAX_MS);
            assertThat(GateKeys.kind("latencyRaw." + stat)).isEqualTo(Kind.LATENCY_MAX_MS);
        }
        assertThat(GateKeys.kind("joinLatency.p99")).isEqualTo(Kind.LATENCY_MAX_MS);
        assertThat(GateKeys.kind("readyLatency.p99")).isEqualTo(Kind.LATENCY_MAX_MS);
        assertThat(GateKeys.kind("connectLatency.p99")).isEqualTo(Kind.LATENCY_MAX_MS);
        assertThat(GateKeys.kind("messages.lost")).isEqualTo(Kind.COUNT_MAX);
        assertThat(GateKeys.kind("messages.duplicated")).isEqualTo(Kind.COUNT_MAX);
        assertThat(GateKeys.kind("messages.outOfOrder")).isEqualTo(Kind.COUNT_MAX);
        assertThat(GateKeys.kind("errors.protocol")).isEqualTo(Kind.COUNT_MAX);
        assertThat(GateKeys.kind("connections.successRatio")).isEqualTo(Kind.RATIO_MIN);
        assertThat(GateKeys.kind("channels.successRatio")).isEqualTo(Kind.RATIO_MIN);
        assertThat(GateKeys.kind("messages.deliveredRatio")).isEqualTo(Kind.RATIO_MIN);
        assertThat(GateKeys.kind("harness.saturated")).isEqualTo(Kind.FLAG);
    }

    @Test
    void harnessSaturatedFalseMeansMustNotHappen() {
        assertThat(GateKeys.parseLimit("harness.saturated", "false")).isEqualTo(0.0);
        assertThat(GateKeys.parseLimit("harness.saturated", "true")).isEqualTo(1.0);
        assertThatIllegalArgumentException().isThrownBy(() -> GateKeys.parseLimit("harness.saturated", "0"))
                .withMessageContaining("must be false");
    }

    @Test
    void rejectsUnknownKeys() {
        assertThat(GateKeys.isKnown("latency.p98")).isFalse();
        assertThat(GateKeys.isKnown("latency")).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> GateKeys.kind("messages.late"));
    }

    @Test
    void parsesLimitsIntoCanonicalUnits() {
        assertThat(GateKeys.parseLimit("latency.p99", "1.5s")).isEqualTo(1500.0);
        assertThat(GateKeys.parseLimit("messages.lost", "0")).isEqualTo(0.0);
        assertThat(GateKeys.parseLimit("connections.successRatio", "0.99")).isEqualTo(0.99);
        assertThat(GateKeys.parseLimit("connections.successRatio", "99%")).isEqualTo(0.99);
        assertThatIllegalArgumentException().isThrownBy(() -> GateKeys.parseLimit("latency.p99", "200"));
        assertThatIllegalArgumentException().isThrownBy(() -> GateKeys.parseLimit("messages.lost", "1.5"));
        assertThatIllegalArgumentException().isThrownBy(() -> GateKeys.parseLimit("channels.successRatio", "101%"));
    }
}
