package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.cli.Main;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.standin.HarnessTargetProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 simulated on one machine: one {@code harness target} process, the same small scenario run once unsharded
 * and once as three shards (three {@code harness run --shard K/3} processes from the runnable jar, started seconds
 * apart, agreeing on one start through {@code --ready-dir}), then {@code harness merge}. The shards must publish from
 * the same second, the merged run must count what the unsharded one counted, its
 * percentiles must be HdrHistogram's own on the union of the three shards' samples, a missing shard is refused, and
 * {@code gate} and {@code compare} take the merged directory like any run.
 */
class ShardMergeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    // 6 drivers x 5 channels; 60 probes in all, 10 per driver, whether sharded or not; judged per 2 s window too.
    private static final List<String> SETS = List.of("--set", "drivers=6", "--set", "publish.messages=60", "--set",
            "publish.rate=12/s", "--set", "gate.window=2s", "--set", "gate.maxFailedWindows=1", "--duration", "20s");

    @TempDir
    Path results;

    private Instant startAt;

    @Test
    void threeShardsMergeIntoTheUnshardedCountsWithTheUnionsPercentiles() throws Exception {
        try (HarnessTargetProcess target = HarnessTargetProcess.start(6)) {
            JsonNode t = target.info();
            List<String> remote = List.of("--target", t.get("wsUrl").asText(), "--apikey", t.get("apikey").asText(),
                    "--db-url", t.get("dbUrl").asText(), "--jwt-secret", t.get("jwtSecret").asText(),
                    "--results-dir", results.toString());

            JarRun whole = JarRun.start(args(remote, "--run-id", "whole"));
            int wholeExit = whole.waitFor(180);
            assertThat(wholeExit).as(whole.output()).isIn(ExitCodes.PASSED, ExitCodes.GATE_FAILED);

            // Three processes started one after another, a few seconds apart: they agree on their start through a
            // shared ready directory (as the Kubernetes Job does on its volume), not on a time given beforehand.
            Path readyDir = results.resolve("ready");
            List<JarRun> shards = new ArrayList<>();
            try {
                for (int k = 0; k < 3; k++) {
                    shards.add(JarRun.start(args(remote, "--run-id", "sharded", "--shard", k + "/3",
                            "--ready-dir", readyDir.toString(), "--ready-timeout", "3m")));
                    Thread.sleep(3_000);
                }
                for (JarRun s : shards) {
                    // A shard's own gate is informational: 0 even when one of its checks failed.
                    assertThat(s.waitFor(300)).as(s.output()).isEqualTo(ExitCodes.PASSED);
                    assertThat(s.output()).contains("verdict is informational").contains("all 3 shards ready");
                }
            } finally {
                shards.forEach(JarRun::close);
            }
            for (int k = 0; k < 3; k++) {
                assertThat(readyDir.resolve("sharded/ready-" + k + "-of-3")).isRegularFile();
            }
        }
        Path sharded = results.resolve("sharded");
        List<Path> dirs = List.of(sharded.resolve("shard-0"), sharded.resolve("shard-1"), sharded.resolve("shard-2"));
        List<Instant> readyAt = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            JsonNode info = JSON.readTree(dirs.get(k).resolve("run.json").toFile());
            JsonNode shard = info.get("shard");
            assertThat(shard.get("index").asInt()).isEqualTo(k);
            assertThat(shard.get("count").asInt()).isEqualTo(3);
            assertThat(shard.get("drivers").asInt()).isEqualTo(2);
            // Every shard agreed on the same start, and its measured publishing began in that second.
            JsonNode start = info.get("start");
            assertThat(start.get("rule").asText()).isEqualTo("ready-dir");
            Instant at = Instant.parse(start.get("at").asText());
            if (startAt == null) {
                startAt = at;
            }
            assertThat(at).as("shard " + k + "'s start").isEqualTo(startAt);
            assertThat(Instant.parse(start.get("publishingFrom").asText()).truncatedTo(ChronoUnit.SECONDS))
                    .as("shard " + k + " began publishing in the agreed second").isEqualTo(startAt);
            readyAt.add(Instant.parse(start.get("readyAt").asText()));
        }
        assertThat(startAt).isEqualTo(CommonStart.startAfter(readyAt));
        assertThat(startAt.getEpochSecond() % 60).as("a full minute").isZero();

        Path merged = results.resolve("merged");
        Cli merge = cli("merge", dirs.get(0).toString(), dirs.get(1).toString(), dirs.get(2).toString(), "--out",
                merged.toString());
        assertThat(merge.exit()).as(merge.err()).isIn(ExitCodes.PASSED, ExitCodes.GATE_FAILED);

        JsonNode m = JSON.readTree(merged.resolve("summary.json").toFile());
        JsonNode w = JSON.readTree(results.resolve("whole/summary.json").toFile());
        for (String field : new String[] {"published", "expectedDeliveries", "delivered", "lost"}) {
            assertThat(m.at("/messages/" + field).asLong()).as(field).isEqualTo(w.at("/messages/" + field).asLong());
        }
        assertThat(m.at("/messages/published").asLong()).isEqualTo(60);
        assertThat(m.at("/messages/expectedDeliveries").asLong()).isEqualTo(300);
        assertThat(m.get("drivers").asInt()).isEqualTo(w.get("drivers").asInt());
        assertThat(m.at("/connections/succeeded").asLong()).isEqualTo(w.at("/connections/succeeded").asLong());
        assertThat(m.get("shards")).hasSize(3);

        // The percentiles of the union of every sample of the three shards, by HdrHistogram itself.
        Histogram union = LatencyRecorders.newHistogram();
        long firstDelivery = Long.MAX_VALUE;
        for (Path d : dirs) {
            try (InputStream in = Files.newInputStream(d.resolve("latency.hlog"))) {
                HistogramLogReader reader = new HistogramLogReader(in);
                for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null;) {
                    if (Metric.PUB_TO_RECV.tag().equals(h.getTag())) {
                        union.add((Histogram) h);
                        if (((Histogram) h).getTotalCount() > 0) {
                            firstDelivery = Math.min(firstDelivery, h.getEndTimeStamp());
                        }
                    }
                }
            }
        }
        Summary.LatencyStats expected = Summary.LatencyStats.of(union);
        assertThat(firstDelivery).as("no shard published before the agreed start").isGreaterThanOrEqualTo(
                startAt.toEpochMilli());
        assertThat(union.getTotalCount()).isEqualTo(m.at("/messages/delivered").asLong());
        assertThat(m.at("/latency/p99").asDouble()).isEqualTo(expected.p99());
        assertThat(m.at("/latency/p999").asDouble()).isEqualTo(expected.p999());
        assertThat(m.at("/latency/max").asDouble()).isEqualTo(expected.max());
        assertThat(m.at("/latency/count").asLong()).isEqualTo(expected.count());

        // The windows are the union's, judged again from the common start: every owed delivery is in one of them.
        JsonNode windows = m.get("windows");
        assertThat(windows).isNotEmpty();
        long owed = 0;
        long lostInWindows = 0;
        for (JsonNode win : windows) {
            owed += win.at("/loss/expected").asLong();
            lostInWindows += win.at("/loss/lostByReason/inFlight").asLong()
                    + win.at("/loss/lostByReason/channelDown").asLong()
                    + win.at("/loss/lostByReason/neverReady").asLong()
                    + win.at("/loss/lostByReason/publishFailed").asLong();
        }
        assertThat(owed).isEqualTo(300);
        assertThat(lostInWindows).isEqualTo(m.at("/messages/lost").asLong());
        Instant firstWindow = Instant.parse(windows.get(0).get("start").asText());
        // Windows are dated from one (wall clock, nanoTime) pair taken when the shard opened: a fraction of a ms of
        // drift since then is allowed (seen: 0.7 ms before the start); a shard of its own would be seconds off.
        assertThat(firstWindow).isBetween(startAt.minusMillis(50), startAt.plusSeconds(1));
        assertThat(m.at("/gate/checks").findValuesAsText("name")).contains("windows.failed");

        Cli missing = cli("merge", dirs.get(0).toString(), dirs.get(2).toString(), "--out",
                results.resolve("partial").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("shard [1] of 3 missing");

        Cli gate = cli("gate", merged.toString());
        assertThat(gate.exit()).as(gate.out() + gate.err()).isEqualTo(merge.exit());
        Cli compare = cli("compare", merged.toString(), results.resolve("whole").toString());
        assertThat(compare.exit()).as(compare.out() + compare.err()).isIn(ExitCodes.PASSED, ExitCodes.GATE_FAILED);
        assertThat(compare.out()).contains("delivered");
        assertThat(merged.resolve("report.html")).exists();
    }

    private static List<String> args(List<String> remote, String... more) {
        List<String> a = new ArrayList<>(List.of("run", JarRun.SCENARIOS.resolve("smoke.yaml").toString()));
        a.addAll(SETS);
        a.addAll(remote);
        a.addAll(List.of(more));
        return a;
    }

    record Cli(int exit, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Cli c = new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(c.out() + c.err());
        return c;
    }
}
