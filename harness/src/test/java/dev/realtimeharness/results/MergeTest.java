package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.gate.Check;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards made from the committed smoke run (its counts) with generated hlogs whose intervals start at different
 * milliseconds: the merged latency must be HdrHistogram's own figures of the union of every sample, exactly.
 */
class MergeTest {
    private static final long T0 = Instant.parse("2026-12-01T07:30:18.359Z").toEpochMilli();

    @TempDir
    Path tmp;

    private final Histogram unionPubToRecv = LatencyRecorders.newHistogram();
    private final Histogram unionJoin = LatencyRecorders.newHistogram();
    // Each shard's pub-to-recv interval histograms, by shard and second.
    private final List<List<Histogram>> pubToRecv = new ArrayList<>();

    @BeforeEach
    void shards() throws IOException {
        Random random = new Random(13);
        for (int k = 0; k < 3; k++) {
            shard(k, 3, "run-13", random, T0 + k * 337);
        }
    }

    @Test
    void mergedPercentilesAreThoseOfTheUnionOfAllSamplesAndCountsAreSummed() throws Exception {
        Summary one = SummaryReader.read(tmp.resolve("shard-0/summary.json"));
        Merge.Result r = Merge.merge(dirs(0, 1, 2), tmp.resolve("merged"), false);

        Summary.LatencyStats union = Summary.LatencyStats.of(unionPubToRecv);
        assertThat(r.summary().latency()).isEqualTo(union);
        assertThat(r.summary().latency().count()).isEqualTo(unionPubToRecv.getTotalCount());
        assertThat(r.summary().joinLatency()).isEqualTo(Summary.LatencyStats.of(unionJoin));
        // The merged hlog, read back as gate reads it, holds exactly the union: every count of every bucket.
        HlogTotals back = HlogTotals.read(r.directory().resolve("latency.hlog"));
        assertThat(back.total(Metric.PUB_TO_RECV.tag())).isEqualTo(unionPubToRecv);
        assertThat(back.total(Metric.PUB_TO_RECV.tag()).getValueAtPercentile(99.9))
                .isEqualTo(unionPubToRecv.getValueAtPercentile(99.9));
        assertThat(back.total(Metric.JOIN.tag())).isEqualTo(unionJoin);

        assertThat(r.summary().messages().delivered()).isEqualTo(3 * one.messages().delivered());
        assertThat(r.summary().messages().published()).isEqualTo(3 * one.messages().published());
        assertThat(r.summary().messages().expectedDeliveries()).isEqualTo(3 * one.messages().expectedDeliveries());
        assertThat(r.summary().connections().attempted()).isEqualTo(3 * one.connections().attempted());
        assertThat(r.summary().drivers()).isEqualTo(3 * one.drivers());
        assertThat(r.summary().startedAt()).isEqualTo(Instant.ofEpochMilli(T0).toString());
        assertThat(r.missing()).isEmpty();

        JsonNode written = Json.mapper().readTree(r.directory().resolve("summary.json").toFile());
        assertThat(written.path("shards")).hasSize(3);
        assertThat(written.path("shards").get(2).path("runDirectory").asText()).endsWith("shard-2");
        assertThat(written.path("shards").get(1).path("passed").asBoolean()).isTrue();
        assertThat(written.has("incomplete")).isFalse();
        // A complete run directory: gate, report and compare read it like any other.
        assertThat(Files.readString(r.directory().resolve("report.html"))).contains("id=\"shards\"")
                .contains(tmp.resolve("shard-1").toAbsolutePath().toString());
        assertThat(r.directory().resolve("junit.xml")).exists();
        assertThat(Regate.unfinished(r.directory())).isEmpty();
        Regate.Result again = Regate.evaluate(r.directory(), java.util.Map.of());
        assertThat(again.verdict()).isEqualTo(r.verdict());
        assertThat(again.summary().latency()).isEqualTo(union);
        List<String> timeline = Files.readAllLines(r.directory().resolve("timeline.csv"));
        assertThat(timeline.get(0)).startsWith("elapsedSeconds,connectionsOpen");
        assertThat(timeline).hasSizeGreaterThan(5);
    }

    @Test
    void theReportDrawsEachShardsOwnP99OnTheMergedClock() throws Exception {
        Merge.Result r = Merge.merge(dirs(0, 1, 2), tmp.resolve("merged"), false);
        ReportWriter.LatencySeries merged = ReportWriter.readLatencySeries(r.directory().resolve("latency.hlog"),
                Metric.PUB_TO_RECV.tag());
        List<SvgChart.Series> lines = ShardsSection.series(r.directory(), merged.t0());
        assertThat(lines).extracting(SvgChart.Series::name).containsExactly("shard 0 p99", "shard 1 p99",
                "shard 2 p99");
        for (int k = 0; k < 3; k++) {
            ReportWriter.LatencySeries own = ReportWriter.readLatencySeries(tmp.resolve("shard-" + k + "/latency.hlog"),
                    Metric.PUB_TO_RECV.tag());
            SvgChart.Series line = lines.get(k);
            // The shard's own p99 of each of its seconds, not the merged one's.
            assertThat(line.ys()).containsExactly(own.p99());
            assertThat(line.ys()).isNotEqualTo(merged.p99());
            // Shard k started k * 337 ms after shard 0, which started 359 ms into the merged log's first second.
            assertThat(line.xs()[0]).isCloseTo(0.359 + 0.337 * k, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(line.xs()[7] - line.xs()[0]).isCloseTo(7.0, org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(Files.readString(r.directory().resolve("report.html"))).contains("shard 0 p99", "shard 2 p99");

        // Only the merged directory kept (copied elsewhere, the shards gone): the chart has the merged lines only.
        Path alone = Files.createDirectories(tmp.resolve("elsewhere/merged"));
        try (var files = Files.list(r.directory())) {
            for (Path f : files.toList()) {
                Files.copy(f, alone.resolve(f.getFileName()));
            }
        }
        for (int k = 0; k < 3; k++) {
            Files.move(tmp.resolve("shard-" + k), tmp.resolve("gone-" + k));
        }
        assertThat(ShardsSection.series(alone, merged.t0())).isEmpty();
        assertThat(ReportWriter.render(alone)).doesNotContain("shard 0 p99").contains("id=\"shards\"");
        // A run that was not merged has none.
        assertThat(ShardsSection.series(RunFixtures.dir(RunFixtures.PASSED), 0)).isEmpty();
    }

    @Test
    void theGateIsTheRecordedScenariosJudgedOnTheMergedFigures() throws Exception {
        Merge.Result r = Merge.merge(dirs(0, 1, 2), tmp.resolve("merged"), false);
        Summary.LatencyStats union = Summary.LatencyStats.of(unionPubToRecv);
        assertThat(r.verdict().checks()).extracting(c -> c.name())
                .containsExactly("latency.p99", "messages.lost", "connections.successRatio");
        assertThat(r.verdict().checks().get(0).actual()).isEqualTo(union.p99());
        assertThat(r.verdict().passed()).isEqualTo(union.p99() <= 200.0);
    }

    @Test
    void aMissingShardIsRefusedUnlessAllowedAndThenTheVerdictFails() throws Exception {
        assertThatThrownBy(() -> Merge.merge(dirs(0, 2), tmp.resolve("merged"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("shard [1] of 3 missing");
        assertThat(tmp.resolve("merged")).doesNotExist();

        Merge.Result r = Merge.merge(dirs(0, 2), tmp.resolve("partial"), true);
        assertThat(r.missing()).containsExactly(1);
        assertThat(r.verdict().passed()).isFalse();
        assertThat(r.verdict().failures()).extracting(c -> c.name()).contains(Merge.MISSING_CHECK);
        JsonNode written = Json.mapper().readTree(r.directory().resolve("summary.json").toFile());
        assertThat(written.path("incomplete").asBoolean()).isTrue();
        assertThat(written.path("shards").get(1).path("missing").asBoolean()).isTrue();
    }

    @Test
    void shardsOfAnotherRunScenarioOrSplitAndDuplicatesAreRefused() throws Exception {
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 1), tmp.resolve("m1"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("shard 1 given twice");

        shard(1, 3, "run-other", new Random(1), T0).getFileName();
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 2), tmp.resolve("m2"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("different runs");

        shard(1, 3, "run-13", new Random(1), T0);
        edit(tmp.resolve("shard-1/summary.json"), o -> o.put("scenario", "other-scenario"));
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 2), tmp.resolve("m3"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("different scenarios");

        shard(1, 3, "run-13", new Random(1), T0);
        edit(tmp.resolve("shard-1/run.json"), o -> ((ObjectNode) o.get("scenario")).put("drivers", 99));
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 2), tmp.resolve("m4"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("other settings");

        shard(1, 4, "run-13", new Random(1), T0);
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 2), tmp.resolve("m5"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("split differently");

        assertThatThrownBy(() -> Merge.merge(List.of(RunFixtures.dir(RunFixtures.PASSED)), tmp.resolve("m6"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("only the shards of a run made with --shard");
    }

    @Test
    void aWindowedGateIsJudgedAgainPerWindowOnTheUnionOfTheShards() throws Exception {
        // 2 s windows from T0 (the shards shared a start), each shard with its own losses in its own windows:
        // shard 0 loses 2 in flight in window 1, shard 2 loses 3 with the channel down in window 3, shard 1 none;
        // shard 1 also judged a window 4 the others skipped (nothing due in it for them).
        long[][] expected = {{100, 100, 100, 100, 0}, {90, 90, 90, 90, 40}, {80, 80, 80, 80, 0}};
        long[][] inFlight = {{0, 2, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};
        long[][] channelDown = {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 3, 0}};
        for (int k = 0; k < 3; k++) {
            final int shard = k;
            edit(tmp.resolve("shard-" + k + "/run.json"), o -> ((ObjectNode) o.path("scenario").path("gate"))
                    .put("window", "2s").put("maxFailedWindows", 1));
            edit(tmp.resolve("shard-" + k + "/summary.json"), o -> {
                var windows = o.putArray("windows");
                for (int w = 0; w < 5; w++) {
                    if (expected[shard][w] == 0) {
                        continue; // skipped: nothing to judge
                    }
                    long lost = inFlight[shard][w] + channelDown[shard][w];
                    ObjectNode win = windows.addObject().put("start", Instant.ofEpochMilli(T0 + w * 2000L).toString())
                            .put("end", Instant.ofEpochMilli(T0 + w * 2000L + 2000).toString()).put("passed", lost == 0);
                    win.putArray("checks").addObject().put("name", "messages.lost").put("limit", 0.0)
                            .put("actual", (double) lost).put("passed", lost == 0);
                    win.putObject("loss").put("expected", expected[shard][w]).putObject("lostByReason")
                            .put("inFlight", inFlight[shard][w]).put("channelDown", channelDown[shard][w])
                            .put("neverReady", 0).put("publishFailed", 0);
                }
            });
        }
        Merge.Result r = Merge.merge(dirs(0, 1, 2), tmp.resolve("merged"), false);
        List<Summary.Window> windows = r.summary().windows();
        assertThat(windows).extracting(Summary.Window::start).containsExactly(
                Instant.ofEpochMilli(T0).toString(), Instant.ofEpochMilli(T0 + 2000).toString(),
                Instant.ofEpochMilli(T0 + 4000).toString(), Instant.ofEpochMilli(T0 + 6000).toString(),
                Instant.ofEpochMilli(T0 + 8000).toString());
        for (int w = 0; w < 5; w++) {
            WindowLoss loss = windows.get(w).loss();
            assertThat(loss.expected()).as("window " + w).isEqualTo(expected[0][w] + expected[1][w] + expected[2][w]);
            assertThat(loss.lostByReason().inFlight()).isEqualTo(inFlight[0][w] + inFlight[1][w] + inFlight[2][w]);
            assertThat(loss.lostByReason().channelDown())
                    .isEqualTo(channelDown[0][w] + channelDown[1][w] + channelDown[2][w]);
        }
        // The union's loss: windows 1 and 3 fail messages.lost (2 and 3 of the three shards' 270 owed).
        assertThat(windows).extracting(Summary.Window::passed).containsExactly(true, false, true, false, true);
        assertThat(check(windows.get(3), "messages.lost").actual()).isEqualTo(3.0);
        // The union's latency, per window: every second of every shard in the window its merged second mostly covers.
        for (int w = 0; w < 4; w++) {
            Histogram union = LatencyRecorders.newHistogram();
            for (int k = 0; k < 3; k++) {
                for (int sec = 0; sec < 8; sec++) {
                    long wallSecond = Math.floorDiv(T0 + k * 337L + sec * 1000L, 1000L);
                    if (Math.floorDiv(wallSecond * 1000 + 500 - T0, 2000L) == w) {
                        union.add(pubToRecv.get(k).get(sec));
                    }
                }
            }
            assertThat(check(windows.get(w), "latency.p99").actual()).as("window " + w + " p99")
                    .isEqualTo(Summary.LatencyStats.of(union).p99());
        }
        // Two failed windows, one allowed: the merged run fails windows.failed, and gate says the same.
        Check failed = r.verdict().checks().stream().filter(c -> c.name().equals("windows.failed")).findFirst()
                .orElseThrow();
        assertThat(failed.actual()).isEqualTo(2.0);
        assertThat(failed.passed()).isFalse();
        assertThat(Regate.evaluate(r.directory(), java.util.Map.of()).verdict()).isEqualTo(r.verdict());
        assertThat(Regate.evaluate(r.directory(), java.util.Map.of("messages.lost", 5.0)).verdict().checks())
                .filteredOn(c -> c.name().equals("windows.failed")).extracting(Check::actual).containsExactly(2.0);
        assertThat(Files.readString(r.directory().resolve("report.html"))).contains("id=\"windows\"");
    }

    private static Check check(Summary.Window w, String name) {
        return w.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theMergedRunStartsWithItsEarliestShardAsAnInstantNotAsText() throws Exception {
        // "…:18Z" is earlier than "…:18.359Z" but sorts after it as text.
        edit(tmp.resolve("shard-2/summary.json"), o -> o.put("startedAt", "2026-12-01T07:30:18Z"));
        Merge.Result r = Merge.merge(dirs(0, 1, 2), tmp.resolve("merged"), false);
        assertThat(r.summary().startedAt()).isEqualTo("2026-12-01T07:30:18Z");
    }

    @Test
    void anUnfinishedShardIsRefused() throws Exception {
        edit(tmp.resolve("shard-2/run.json"), o -> o.putNull("endedAt"));
        assertThatThrownBy(() -> Merge.merge(dirs(0, 1, 2), tmp.resolve("m"), false))
                .isInstanceOf(Merge.Refused.class).hasMessageContaining("shard 2 did not finish");
    }

    private List<Path> dirs(int... indexes) {
        List<Path> dirs = new ArrayList<>();
        for (int k : indexes) {
            dirs.add(tmp.resolve("shard-" + k));
        }
        return dirs;
    }

    /** shard-K: the smoke run's files, its run id and start replaced, shard K/N in run.json, a generated hlog. */
    private Path shard(int k, int n, String runId, Random random, long startMillis) throws IOException {
        Path dir = tmp.resolve("shard-" + k);
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        RunFixtures.copy(RunFixtures.PASSED, tmp);
        Files.move(tmp.resolve(RunFixtures.PASSED), dir);
        String start = Instant.ofEpochMilli(startMillis).toString();
        edit(dir.resolve("summary.json"), o -> o.put("runId", runId).put("startedAt", start));
        edit(dir.resolve("run.json"), o -> o.put("startedAt", start).putObject("shard").put("index", k).put("count", n));
        boolean record = runId.equals("run-13") && n == 3;
        if (record) {
            while (pubToRecv.size() <= k) {
                pubToRecv.add(new ArrayList<>());
            }
            pubToRecv.get(k).clear();
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("latency.hlog"));
             PrintStream print = new PrintStream(out, true, "US-ASCII")) {
            HistogramLogWriter w = new HistogramLogWriter(print);
            w.outputLogFormatVersion();
            w.outputStartTime(startMillis);
            w.setBaseTime(startMillis);
            w.outputBaseTime(startMillis);
            w.outputLegend();
            for (int sec = 0; sec < 8; sec++) {
                Histogram p = LatencyRecorders.newHistogram();
                Histogram j = LatencyRecorders.newHistogram();
                for (int i = 0; i < 500 + random.nextInt(500); i++) {
                    // Long tail: a few slow samples decide p99.9 and max.
                    long micros = (long) (2_000 * Math.exp(random.nextGaussian())) + (random.nextInt(200) == 0
                            ? random.nextInt(3_000_000) : 0);
                    p.recordValue(micros);
                    if (record) {
                        unionPubToRecv.recordValue(micros);
                    }
                }
                if (sec < 2) {
                    long join = 1_000 + random.nextInt(50_000);
                    j.recordValue(join);
                    if (record) {
                        unionJoin.recordValue(join);
                    }
                }
                p.setTag(Metric.PUB_TO_RECV.tag());
                j.setTag(Metric.JOIN.tag());
                if (record) {
                    pubToRecv.get(k).add(p.copy());
                }
                w.outputIntervalHistogram(sec, sec + 1, p, 1_000.0);
                w.outputIntervalHistogram(sec, sec + 1, j, 1_000.0);
            }
        }
        return dir;
    }

    private static void edit(Path json, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(json.toFile());
        change.accept(tree);
        Json.mapper().writeValue(json.toFile(), tree);
    }
}
