package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.results.Summary.LatencyStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryJsonTest {

    @TempDir
    Path dir;

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void summaryJsonHasTheContractsFieldNames() throws Exception {
        Summary summary = SummaryFixtures.t030(312.451)
                .withGate(Verdict.of(List.of(new Check("latency.p99", 200.0, 312.451, false))));

        String json = SummaryWriter.toJson(summary);
        JsonNode root = Json.mapper().readTree(json);

        assertThat(keys(root)).containsExactly("runId", "scenario", "target", "startedAt", "endedAt", "drivers",
                "channelsPerDriver", "connections", "channels", "messages", "latency", "latencyRaw", "joinLatency",
                "readyLatency", "connectLatency", "harness", "errors", "memory", "shards", "gate");
        assertThat(root.get("shards").isNull()).as("a run that was not merged").isTrue();
        assertThat(keys(root.get("connections")))
                .containsExactly("attempted", "succeeded", "failed", "successRatio", "reconnects");
        assertThat(keys(root.get("channels"))).containsExactly("attempted", "joined", "failed", "failureReasons");
        assertThat(keys(root.get("messages"))).containsExactly("published", "expectedDeliveries", "delivered",
                "lost", "duplicated", "outOfOrder");
        for (String latency : List.of("latency", "latencyRaw", "joinLatency", "readyLatency", "connectLatency")) {
            assertThat(keys(root.get(latency)))
                    .containsExactly("count", "min", "mean", "p50", "p90", "p95", "p99", "p999", "max");
        }
        assertThat(keys(root.get("harness"))).containsExactly("heapMaxBytes", "cpuMaxRatio", "hiccupP99", "saturated");
        assertThat(keys(root.get("errors"))).containsExactly("protocol");
        assertThat(keys(root.get("gate"))).containsExactly("passed", "checks");
        assertThat(keys(root.get("gate").get("checks").get(0))).containsExactly("name", "limit", "actual", "passed");
        assertThat(json).contains("\"p99\" : 312.451").contains("\"Unauthorized\" : 2");
    }

    @Test
    void harnessSaturationReasonsAndThreadFiguresRoundTrip() throws Exception {
        Summary.HarnessStats harness = new Summary.HarnessStats(1 << 20, 0.4, 2_812.5, true, 3_001.2, 0.98,
                "fleet-3-1", List.of("thread fleet-3-1 at 98 % of a core for 4 s", "a stall of 3001.200 ms"));
        Summary s = SummaryFixtures.t030(10);
        Summary summary = new Summary(s.runId(), s.scenario(), s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(), s.latencyRaw(),
                s.joinLatency(), s.readyLatency(), s.connectLatency(), harness, s.errors(), null);
        Path file = dir.resolve("summary.json");

        SummaryWriter.write(file, summary);
        JsonNode written = Json.mapper().readTree(file.toFile()).get("harness");

        assertThat(keys(written)).containsExactly("heapMaxBytes", "cpuMaxRatio", "hiccupP99", "saturated",
                "hiccupMax", "threadCpuMaxRatio", "threadCpuMaxName", "saturatedBy");
        assertThat(written.get("saturatedBy").get(0).asText()).isEqualTo("thread fleet-3-1 at 98 % of a core for 4 s");
        assertThat(SummaryReader.read(file).harness()).isEqualTo(harness);
        assertThat(SummaryReader.read(file).harness().saturatedReason())
                .isEqualTo("thread fleet-3-1 at 98 % of a core for 4 s; a stall of 3001.200 ms");
    }

    @Test
    void publisherLagIsWrittenWithTheLatencyKeysAndReadBack() throws Exception {
        Summary s = SummaryFixtures.t030(10);
        LatencyStats lag = new LatencyStats(1_000, 0.001, 0.2, 0.05, 0.3, 0.5, 2.0, 9.5, 12.0);
        Summary summary = new Summary(s.runId(), s.scenario(), s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(), s.latencyRaw(),
                s.joinLatency(), s.readyLatency(), s.connectLatency(), s.harness(), s.errors(), null, null,
                new Summary.Publisher(lag));
        Path file = dir.resolve("summary.json");

        SummaryWriter.write(file, summary);
        JsonNode root = Json.mapper().readTree(file.toFile());

        assertThat(keys(root.get("publisher"))).containsExactly("lag");
        assertThat(keys(root.get("publisher").get("lag")))
                .containsExactly("count", "min", "mean", "p50", "p90", "p95", "p99", "p999", "max");
        assertThat(SummaryReader.read(file).publisher().lag()).isEqualTo(lag);
    }

    @Test
    void publisherConnectionsAndFailuresAndTheHarnessLoopLagAndHeapSlopeRoundTrip() throws Exception {
        Summary s = SummaryFixtures.t030(10);
        LatencyStats lag = new LatencyStats(1_000, 0.001, 0.2, 0.05, 0.3, 0.5, 2.0, 9.5, 12.0);
        Summary.HarnessStats harness = new Summary.HarnessStats(1 << 20, 0.4, 0.2, false, 1.5, 0.3, "fleet-3-1",
                List.of(), 0.412, 7.25, -1.5);
        Summary summary = new Summary(s.runId(), s.scenario(), s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(), s.latencyRaw(),
                s.joinLatency(), s.readyLatency(), s.connectLatency(), harness, s.errors(), null, null,
                new Summary.Publisher(6, 3L, lag));
        Path file = dir.resolve("summary.json");

        SummaryWriter.write(file, summary);
        JsonNode root = Json.mapper().readTree(file.toFile());

        assertThat(keys(root.get("publisher"))).containsExactly("connections", "failed", "lag");
        assertThat(root.get("publisher").get("failed").asLong()).isEqualTo(3);
        assertThat(keys(root.get("harness"))).contains("eventLoopLagP99", "eventLoopLagMax", "heapSlopeMiBPerHour");
        assertThat(root.get("harness").get("heapSlopeMiBPerHour").asDouble()).isEqualTo(-1.5);
        Summary read = SummaryReader.read(file);
        assertThat(read.publisher()).isEqualTo(summary.publisher());
        assertThat(read.harness()).isEqualTo(harness);
    }

    @Test
    void summaryWithoutPublisherOrNewHarnessFieldsReadsAndLeavesThemOut() throws Exception {
        Path file = dir.resolve("summary.json");
        SummaryWriter.write(file, SummaryFixtures.t030(10));

        Summary read = SummaryReader.read(file);
        JsonNode root = Json.mapper().readTree(SummaryWriter.toJson(read));

        assertThat(read.publisher()).isNull();
        assertThat(read.harness().saturatedBy()).isNull();
        assertThat(root.has("publisher")).isFalse();
        assertThat(keys(root.get("harness"))).containsExactly("heapMaxBytes", "cpuMaxRatio", "hiccupP99", "saturated");
    }

    @Test
    void channelAndMessageAccountingFiguresHaveTheContractsNamesAndReadBack() throws Exception {
        Summary base = SummaryFixtures.t030(1);
        Summary summary = new Summary(base.runId(), base.scenario(), base.target(), base.startedAt(), base.endedAt(),
                10, 50, base.connections(),
                new Summary.Channels(520, 500, 20, Map.of(), 480L, 0.96, 20L, 3L, 20L, 40L, 20L),
                new Summary.Messages(100, 50_000, 47_990, 2_010, 1, 0,
                        new Summary.Messages.LostByReason(5, 300, 1_700, 5), 4L, 2L, 7L),
                base.latency(), base.latencyRaw(), base.joinLatency(), base.readyLatency(), base.connectLatency(),
                base.harness(), base.errors(), null);

        String json = SummaryWriter.toJson(summary);
        JsonNode root = Json.mapper().readTree(json);

        assertThat(keys(root.get("channels"))).containsExactlyInAnyOrder("attempted", "joined", "ready",
                "readyRatio", "neverReady", "closedByServer", "rejoined", "peakJoinsPerSecond", "peakRejoinsPerSecond",
                "failed", "failureReasons");
        assertThat(keys(root.get("messages"))).containsExactlyInAnyOrder("published", "expectedDeliveries",
                "delivered", "lost", "lostByReason", "late", "unexpected", "duplicated", "outOfOrder", "otherChanges");
        assertThat(keys(root.get("messages").get("lostByReason")))
                .containsExactly("inFlight", "channelDown", "neverReady", "publishFailed");
        assertThat(Json.mapper().readValue(json, Summary.class)).isEqualTo(summary);
    }

    @Test
    void gateIsNullBeforeEvaluation() throws Exception {
        JsonNode root = Json.mapper().readTree(SummaryWriter.toJson(SummaryFixtures.t030(10)));

        assertThat(root.get("gate").isNull()).isTrue();
    }

    @Test
    void summaryRoundTripsThroughTheFile() throws Exception {
        Summary summary = SummaryFixtures.t030(150.0)
                .withGate(Verdict.of(List.of(new Check("messages.lost", 0, 1, false))));
        Path file = dir.resolve("summary.json");

        SummaryWriter.write(file, summary);
        SummaryWriter.write(file, summary); // replacing an existing file works too

        assertThat(SummaryReader.read(file)).isEqualTo(summary);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temp file left behind
        }
    }

    @Test
    void latencyStatsAreMillisecondsWithThreeDecimals() {
        Histogram micros = new Histogram(1, 3_600_000_000L, 3);
        micros.recordValue(1_234); // 1.234 ms, exact at 3 significant digits
        micros.recordValue(1_235);
        micros.recordValue(1_237);

        LatencyStats stats = LatencyStats.of(micros);

        assertThat(stats.count()).isEqualTo(3);
        assertThat(stats.min()).isEqualTo(1.234);
        assertThat(stats.max()).isEqualTo(1.237);
        assertThat(stats.p50()).isEqualTo(1.235);
        assertThat(stats.mean()).isEqualTo(1.235); // 1235.33 µs rounds to 1.235 ms
        assertThat(LatencyStats.roundMillis(312.45149)).isEqualTo(312.451);
        assertThat(LatencyStats.roundMillis(312.4515)).isEqualTo(312.452);
        assertThat(LatencyStats.of(new Histogram(3))).isEqualTo(LatencyStats.EMPTY);
    }

    @Test
    void connectionRatioIsZeroWithoutAttempts() {
        assertThat(Summary.Connections.of(0, 0, 0, 0).successRatio()).isZero();
        assertThat(Summary.Connections.of(4, 3, 1, 0).successRatio()).isEqualTo(0.75);
        assertThat(new Summary.Channels(0, 0, 0, null).failureReasons()).isEqualTo(Map.of());
    }

    @Test
    void gateAndCompareReadASummaryWithShardsNullAsTheyReadOneWithout() throws Exception {
        Path old = RunFixtures.copy(RunFixtures.DELAYED, dir.resolve("old"));
        Path now = RunFixtures.copy(RunFixtures.DELAYED, dir.resolve("now"));
        SummaryWriter.write(now.resolve("summary.json"), SummaryReader.read(now.resolve("summary.json")));
        assertThat(Json.mapper().readTree(old.resolve("summary.json").toFile()).has("shards")).isFalse();
        assertThat(Json.mapper().readTree(now.resolve("summary.json").toFile()).get("shards").isNull()).isTrue();

        Regate.Result before = Regate.evaluate(old, Map.of());
        Regate.Result after = Regate.evaluate(now, Map.of());
        assertThat(after.verdict()).isEqualTo(before.verdict());
        assertThat(after.verdict().passed()).as("the delayed fixture fails its latency check").isFalse();
        Comparison c = Comparison.of(Regate.recompute(now), Regate.recompute(old), 0.10);
        assertThat(c.regressed()).isFalse();
        assertThat(c.rows()).isNotEmpty().allMatch(r -> r.value() == r.baseline());
        // No shards section in the report of a run that was not merged.
        assertThat(ReportWriter.render(now)).doesNotContain("id=\"shards\"");
    }
}
