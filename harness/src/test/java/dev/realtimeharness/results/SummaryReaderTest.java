package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.gate.Check;
import org.junit.jupiter.api.Test;

class SummaryReaderTest {

    @Test
    void readsEveryRecordedFigureOfThePassedSmokeRun() throws Exception {
        Summary s = SummaryReader.read(RunFixtures.dir(RunFixtures.PASSED).resolve("summary.json"));
        assertThat(s.runId()).isEqualTo("smoke-passed");
        assertThat(s.scenario()).isEqualTo("smoke");
        assertThat(s.target()).isEqualTo("embedded");
        assertThat(s.drivers()).isEqualTo(2);
        assertThat(s.channelsPerDriver()).isEqualTo(5);
        assertThat(s.connections()).isEqualTo(new Summary.Connections(2, 2, 0, 1.0, 0));
        assertThat(s.channels().joined()).isEqualTo(10);
        assertThat(s.channels().failureReasons()).isEmpty();
        assertThat(s.messages()).isEqualTo(new Summary.Messages(40, 200, 200, 0, 0, 0));
        assertThat(s.latency()).isEqualTo(
                new Summary.LatencyStats(200, 3.898, 10.474, 8.247, 14.375, 19.567, 75.135, 79.615, 79.615));
        assertThat(s.connectLatency().count()).isEqualTo(2);
        assertThat(s.memory().standInInHarnessJvm()).isTrue();
        assertThat(s.harness().saturated()).isFalse();
        assertThat(s.gate().passed()).isTrue();
        assertThat(s.gate().checks()).extracting(Check::name)
                .containsExactly("latency.p99", "messages.lost", "connections.successRatio");
    }

    @Test
    void readsTheFailedVerdictOfTheDelayedRunWithOnlyLatencyP99Failing() throws Exception {
        Summary s = SummaryReader.read(RunFixtures.dir(RunFixtures.DELAYED).resolve("summary.json"));
        assertThat(s.gate().passed()).isFalse();
        assertThat(s.gate().failures()).singleElement()
                .isEqualTo(new Check("latency.p99", 200.0, 382.463, false));
        assertThat(s.messages().lost()).isZero();
    }

    @Test
    void summaryWrittenBackFromWhatWasReadIsTheSameJson() throws Exception {
        for (String name : new String[] {RunFixtures.PASSED, RunFixtures.DELAYED}) {
            var file = RunFixtures.dir(name).resolve("summary.json");
            JsonNode recorded = Json.mapper().readTree(file.toFile());
            JsonNode rewritten = Json.mapper().readTree(SummaryWriter.toJson(SummaryReader.read(file)));
            // Recorded before summaries carried the contract's "shards": written back with it, null (not merged).
            assertThat(recorded.has("shards")).isFalse();
            assertThat(rewritten.get("shards").isNull()).isTrue();
            ((com.fasterxml.jackson.databind.node.ObjectNode) recorded).putNull("shards");
            assertThat(rewritten).as(name).isEqualTo(recorded);
        }
    }
}
