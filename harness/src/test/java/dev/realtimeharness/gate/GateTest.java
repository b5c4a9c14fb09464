package dev.realtimeharness.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryFixtures;
import dev.realtimeharness.scenario.GateKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {

    private static Map<String, Double> limits(Object... pairs) {
        Map<String, Double> limits = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            limits.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return limits;
    }

    @Test
    void gateFailsWhenP99ExceedsLimit() {
        Verdict verdict = Gate.evaluate(limits("latency.p99", 200), SummaryFixtures.t030(312.451));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.checks()).containsExactly(new Check("latency.p99", 200.0, 312.451, false));
        assertThat(verdict.describe()).isEqualTo("FAIL latency.p99: 312.451 ms > limit 200.000 ms");
    }

    @Test
    void gateListsEveryCheckInLimitOrder() {
        Verdict verdict = Gate.evaluate(limits(
                "latency.p99", 200,
                "messages.lost", 0,
                "connections.successRatio", 0.99,
                "latencyRaw.p50", 100,
                "messages.duplicated", 5), SummaryFixtures.t030(312.451));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.checks()).extracting(Check::name).containsExactly("latency.p99", "messages.lost",
                "connections.successRatio", "latencyRaw.p50", "messages.duplicated");
        assertThat(verdict.checks()).extracting(Check::passed).containsExactly(false, false, true, true, true);
        assertThat(verdict.failures()).extracting(Check::name).containsExactly("latency.p99", "messages.lost");
        assertThat(verdict.describe()).isEqualTo(String.join("\n",
                "FAIL latency.p99: 312.451 ms > limit 200.000 ms",
                "FAIL messages.lost: 1 > 0",
                "PASS connections.successRatio: 1.0000 >= 0.9900",
                "PASS latencyRaw.p50: 18.003 ms <= limit 100.000 ms",
                "PASS messages.duplicated: 3 <= 5"));
    }

    @Test
    void everyLatencyKeyReadsItsField() {
        Summary summary = SummaryFixtures.t030(100.0);
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("latency.min", 0.512);
        expected.put("latency.mean", 20.125);
        expected.put("latency.p50", 18.003);
        expected.put("latency.p90", 40.0);
        expected.put("latency.p95", 60.0);
        expected.put("latency.p99", 100.0);
        expected.put("latency.p999", 400.0);
        expected.put("latency.max", 512.0);
        expected.put("latencyRaw.max", 512.0);
        expected.put("joinLatency.p99", 4.0);
        expected.put("readyLatency.p99", 4.0);
        expected.put("connectLatency.p99", 4.0);
        Map<String, Double> limits = new LinkedHashMap<>();
        expected.keySet().forEach(key -> limits.put(key, 1_000.0));

        Verdict verdict = Gate.evaluate(limits, summary);

        assertThat(verdict.passed()).isTrue();
        verdict.checks().forEach(check -> assertThat(check.actual()).as(check.name()).isEqualTo(expected.get(check.name())));
    }

    @Test
    void countKeysPassAtOrBelowLimit() {
        Verdict verdict = Gate.evaluate(limits("messages.lost", 1, "messages.outOfOrder", 0,
                "errors.protocol", 0, "messages.duplicated", 2), SummaryFixtures.t030(1));

        assertThat(verdict.checks()).extracting(Check::passed).containsExactly(true, true, true, false);
        assertThat(verdict.checks().get(0).describe()).isEqualTo("PASS messages.lost: 1 <= 1");
    }

    @Test
    void ratioKeysPassAtOrAboveLimit() {
        Verdict verdict = Gate.evaluate(limits("connections.successRatio", 1.0, "channels.successRatio", 0.999,
                "messages.deliveredRatio", 0.99), SummaryFixtures.t030(1));

        assertThat(verdict.checks()).extracting(Check::actual).containsExactly(1.0, 0.996, 0.99998);
        assertThat(verdict.checks()).extracting(Check::passed).containsExactly(true, false, true);
        assertThat(verdict.checks().get(1).describe()).isEqualTo("FAIL channels.successRatio: 0.9960 < 0.9990");
    }

    @Test
    void ratioWithZeroAttemptsIsZeroAndFailsUnlessLimitIsZero() {
        Summary base = SummaryFixtures.t030(1);
        Summary nothing = new Summary(base.runId(), base.scenario(), base.target(), base.startedAt(), base.endedAt(),
                0, 0, Summary.Connections.of(0, 0, 0, 0), new Summary.Channels(0, 0, 0, Map.of()),
                new Summary.Messages(0, 0, 0, 0, 0, 0), Summary.LatencyStats.EMPTY, Summary.LatencyStats.EMPTY,
                Summary.LatencyStats.EMPTY, Summary.LatencyStats.EMPTY, Summary.LatencyStats.EMPTY,
                base.harness(), base.errors(), null);

        Verdict verdict = Gate.evaluate(limits("connections.successRatio", 0.99, "channels.successRatio", 0,
                "messages.deliveredRatio", 0.5, "latency.p99", 200), nothing);

        assertThat(verdict.checks()).extracting(Check::actual).containsExactly(0.0, 0.0, 0.0, 0.0);
        assertThat(verdict.checks()).extracting(Check::passed).containsExactly(false, true, false, false);
        // A latency limit is not met by measuring nothing.
        assertThat(verdict.checks().get(3).describe()).isEqualTo("FAIL latency.p99: no samples (limit 200.000 ms)");
    }

    @Test
    void unknownKeyIsRejectedByName() {
        assertThatThrownBy(() -> Gate.evaluate(limits("latency.p98", 10), SummaryFixtures.t030(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency.p98");
        assertThat(Gate.isKnownKey("messages.deliveredRatio")).isTrue();
        assertThat(Gate.isKnownKey("bogus")).isFalse();
    }

    @Test
    void everyKeyAScenarioMayUseIsEvaluated() {
        // One table validates scenarios and evaluates runs: a key that validates is a key that evaluates.
        for (String key : GateKeys.all()) {
            Verdict verdict = Gate.evaluate(limits(key, 1e9), SummaryFixtures.t030(1));
            assertThat(verdict.checks()).as(key).hasSize(1);
            assertThat(verdict.checks().get(0).name()).isEqualTo(key);
        }
        // joinLatency.p95 used to validate in a scenario and be refused by the gate after the run.
        Verdict join = Gate.evaluate(limits("joinLatency.p95", 1e9), SummaryFixtures.t030(1));
        assertThat(join.checks().get(0).actual()).isEqualTo(SummaryFixtures.t030(1).joinLatency().p95());
    }

    @Test
    void emptyLimitsJudgeNothingAndSayNoChecksNeverPassed() {
        Verdict verdict = Gate.evaluate(Map.of(), SummaryFixtures.t030(1));

        // Nothing failed (exit 0), but nothing was judged either: the verdict must not read PASSED.
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.judged()).isFalse();
        assertThat(verdict.checks()).isEmpty();
        assertThat(verdict.label()).isEqualTo("NO CHECKS");
        assertThat(verdict.describe()).contains("nothing was judged");
    }

    @Test
    void aVerdictWithChecksIsLabelledByThem() {
        assertThat(Gate.evaluate(limits("latency.p99", 200), SummaryFixtures.t030(312)).label()).isEqualTo("FAILED");
        assertThat(Gate.evaluate(limits("latency.p99", 200), SummaryFixtures.t030(12)).label()).isEqualTo("PASSED");
    }

    private static Summary withHarness(Summary.HarnessStats harness) {
        Summary s = SummaryFixtures.t030(150.0);
        return new Summary(s.runId(), s.scenario(), s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(), s.latencyRaw(),
                s.joinLatency(), s.readyLatency(), s.connectLatency(), harness, s.errors(), null);
    }

    @Test
    void saturatedHarnessFailsAndTheLineBlamesTheHarnessWithItsReason() {
        Summary saturated = withHarness(new Summary.HarnessStats(1, 0.4, 0.2, true, 3.0, 0.98, "fleet-3-1",
                java.util.List.of("thread fleet-3-1 at 98 % of a core for 4 s")));

        Verdict verdict = Gate.evaluate(limits("latency.p99", 200, "harness.saturated", 0), saturated);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.failures()).singleElement().isEqualTo(new Check("harness.saturated", 0.0, 1.0, false,
                "thread fleet-3-1 at 98 % of a core for 4 s"));
        assertThat(verdict.describe()).endsWith("FAIL harness.saturated: the harness itself was saturated (thread "
                + "fleet-3-1 at 98 % of a core for 4 s); latency figures include its own delay");
    }

    @Test
    void harnessThatWasNotSaturatedPasses() {
        Verdict verdict = Gate.evaluate(limits("harness.saturated", 0), SummaryFixtures.t030(150.0));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.describe()).isEqualTo("PASS harness.saturated: the harness was not saturated");
    }

    @Test
    void saturatedHarnessPassesWhenTheLimitAllowsItButStillSaysSo() {
        // An older summary: saturated without reasons.
        Summary saturated = withHarness(new Summary.HarnessStats(1, 0.95, 0.2, true));

        Verdict verdict = Gate.evaluate(limits("harness.saturated", 1), saturated);

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.describe()).isEqualTo("PASS harness.saturated: the harness itself was saturated; latency "
                + "figures include its own delay (allowed by the limit true)");
    }
}
