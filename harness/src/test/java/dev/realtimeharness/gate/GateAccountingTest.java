package dev.realtimeharness.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryFixtures;
import dev.realtimeharness.scenario.GateKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** channels.readyRatio and messages.lostByReason.*: the readiness and loss figures a scenario may gate on. */
class GateAccountingTest {

    // 10 x 50 subscriptions, 400 of them ever ready; of 50,000 owed deliveries 10,000 lost as never ready, 1 in flight.
    static Summary fifthNeverReady() {
        Summary base = SummaryFixtures.t030(1);
        return new Summary(base.runId(), base.scenario(), base.target(), base.startedAt(), base.endedAt(), 10, 50,
                base.connections(),
                new Summary.Channels(500, 400, 0, Map.of(), 400L, 0.8, 100L, 0L, 0L, null, null),
                new Summary.Messages(100, 50_000, 39_999, 10_001, 0, 0,
                        new Summary.Messages.LostByReason(1, 0, 10_000, 0), 0L, 0L, 0L),
                base.latency(), base.latencyRaw(), base.joinLatency(), base.readyLatency(), base.connectLatency(),
                base.harness(), base.errors(), null);
    }

    @Test
    void readyRatioFailsWhenFewerSubscriptionsThanTheLimitWereEverReady() {
        Verdict verdict = Gate.evaluate(Map.of("channels.readyRatio", 0.99), fifthNeverReady());

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.checks()).containsExactly(new Check("channels.readyRatio", 0.99, 0.8, false));
        assertThat(verdict.describe()).isEqualTo("FAIL channels.readyRatio: 0.8000 < 0.9900");
    }

    @Test
    void readyRatioPassesAtOrAboveTheLimit() {
        assertThat(Gate.evaluate(Map.of("channels.readyRatio", 0.8), fifthNeverReady()).passed()).isTrue();
    }

    @Test
    void lostByReasonKeysJudgeEachReasonApart() {
        Summary s = fifthNeverReady();

        assertThat(Gate.evaluate(Map.of("messages.lostByReason.inFlight", 1.0), s).passed()).isTrue();
        assertThat(Gate.evaluate(Map.of("messages.lostByReason.inFlight", 0.0), s).passed()).isFalse();
        assertThat(Gate.evaluate(Map.of("messages.lostByReason.neverReady", 0.0), s).checks())
                .containsExactly(new Check("messages.lostByReason.neverReady", 0, 10_000, false));
        assertThat(Gate.evaluate(Map.of("messages.lostByReason.channelDown", 0.0,
                "messages.lostByReason.publishFailed", 0.0), s).passed()).isTrue();
        // The total still counts every reason.
        assertThat(Gate.evaluate(Map.of("messages.lost", 1.0), s).passed()).isFalse();
    }

    @Test
    void summaryWithoutReadinessFiguresCannotPassAReadinessCheck() {
        // Written before channels.ready existed (like the committed fixtures): nothing was measured, so no pass.
        Verdict verdict = Gate.evaluate(Map.of("channels.readyRatio", 0.0001), SummaryFixtures.t030(1));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.checks().get(0).actual()).isZero();
    }

    @Test
    void summaryWithoutTheSplitBoundsEveryReasonByTheTotalLost() {
        // t030 lost 1 delivery without saying why: a check on any one reason sees that 1.
        for (String reason : GateKeys.LOST_REASONS) {
            Verdict verdict = Gate.evaluate(Map.of("messages.lostByReason." + reason, 0.0), SummaryFixtures.t030(1));
            assertThat(verdict.checks().get(0).actual()).as(reason).isEqualTo(1.0);
            assertThat(verdict.passed()).as(reason).isFalse();
        }
    }

    @Test
    void newKeysAreKnownWithTheirKinds() {
        assertThat(GateKeys.kind("channels.readyRatio")).isEqualTo(GateKeys.Kind.RATIO_MIN);
        assertThat(GateKeys.kind("messages.lostByReason.neverReady")).isEqualTo(GateKeys.Kind.COUNT_MAX);
        assertThat(GateKeys.parseLimit("channels.readyRatio", "99%")).isEqualTo(0.99);
        assertThat(Gate.isKnownKey("messages.lostByReason.other")).isFalse();
    }
}
