package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.results.HlogTotals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up (scenario {@code warmup:}) on the embedded target: its probes go through the same publisher, target
 * and connections before t0, and none of them reaches the measured figures, the ledger or the gate; they are shown
 * apart.
 */
class WarmUpRunIT {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));

    @TempDir
    Path results;

    @Test
    void warmUpProbesAreDeliveredAndShownApartButNeverMeasured() throws Exception {
        // smoke.yaml: 2 drivers x 5 channels, 40 measured probes at 8/s; 3 s of warm-up at the same rate first.
        // The latency limit is moved out of the way: this is about accounting, on a machine that may be busy.
        InProcessRun o = InProcessRun.of(SCENARIOS.resolve("smoke.yaml"), results, "warm",
                List.of("warmup=3s", "gate.latency.p99=10s"), false);
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);

        JsonNode w = o.summary().get("warmup");
        assertThat(w).as("summary.json warmup").isNotNull();
        // 3 s at 8/s, the first due 50 ms after it starts: 24 probes (one fewer if the last due time falls at the end).
        assertThat(w.get("published").asLong()).isBetween(23L, 24L);
        assertThat(w.get("expectedDeliveries").asLong()).isEqualTo(5 * w.get("published").asLong());
        assertThat(w.get("delivered").asLong()).isEqualTo(w.get("expectedDeliveries").asLong());
        assertThat(w.get("lost").asLong()).isZero();
        // Publishing ends with the last probe due before 3 s (at 2.925 s); then at most the drain timeout (3 s).
        assertThat(w.get("seconds").asDouble()).isBetween(2.9, 3.0 + 3.0 + 1.0);
        assertThat(w.get("latency").get("count").asLong()).isEqualTo(w.get("delivered").asLong());

        // The measured figures are exactly the scenario's 40 probes: not one warm-up probe or delivery among them.
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("published").asLong()).isEqualTo(40);
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("delivered").asLong()).isEqualTo(200);
        assertThat(m.get("unexpected").asLong()).isZero();
        assertThat(m.get("late").asLong()).isZero();
        assertThat(o.summary().get("latency").get("count").asLong()).isEqualTo(200);
        // Not counted as another run's probes either.
        assertThat(o.stdout()).doesNotContain("probes of other runs");

        // latency.hlog: the warm-up under its own tag, the measured deliveries under pub-to-recv.
        HlogTotals hlog = HlogTotals.read(o.dir().resolve("latency.hlog"));
        assertThat(hlog.total("warmup").getTotalCount()).isEqualTo(w.get("delivered").asLong());
        assertThat(hlog.total("pub-to-recv").getTotalCount()).isEqualTo(200);

        // t0 comes after the warm-up: the measured run's first second of publishing is at least 3 s after the
        // warm-up's first (timeline.csv counts measured probes only).
        List<String> rows = Files.readAllLines(o.dir().resolve("timeline.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int publishedCol = header.indexOf("published");
        int firstPublished = -1;
        for (int i = 1; i < rows.size(); i++) {
            if (Long.parseLong(rows.get(i).split(",")[publishedCol]) > 0) {
                firstPublished = i;
                break;
            }
        }
        assertThat(firstPublished).as("a row with measured probes").isPositive();
        int firstWarm = firstWarmSecond(o.dir().resolve("latency.hlog"));
        assertThat(firstPublished - firstWarm).as("seconds between warm-up and measured publishing").isGreaterThanOrEqualTo(3);

        assertThat(o.stdout()).contains("warm-up: 3 s of unmeasured probes").contains("measuring from now")
                .contains("not in the verdict");
        String report = Files.readString(o.dir().resolve("report.html"));
        assertThat(report).contains("warm-up (not in the verdict)").contains("warm-up p99 (unmeasured)");
        assertThat(Files.readString(o.dir().resolve("run.json"))).contains("\"warmup\" : \"3s\"");
    }

    @Test
    void zeroSwitchesTheWarmUpOff() throws Exception {
        InProcessRun o = InProcessRun.of(SCENARIOS.resolve("smoke.yaml"), results, "cold",
                List.of("warmup=0", "gate.latency.p99=10s"), false);
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.summary().has("warmup")).as("no warmup section").isFalse();
        assertThat(o.stdout()).doesNotContain("warm-up");
        assertThat(HlogTotals.read(o.dir().resolve("latency.hlog")).total("warmup").getTotalCount()).isZero();
        assertThat(o.summary().get("messages").get("delivered").asLong()).isEqualTo(200);
    }

    // The 1-based timeline row (second) of the first hlog interval holding a warm-up delivery.
    private static int firstWarmSecond(Path hlog) throws Exception {
        try (var in = Files.newInputStream(hlog)) {
            var reader = new org.HdrHistogram.HistogramLogReader(in);
            int second = 0;
            org.HdrHistogram.EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                if ("pub-to-recv".equals(e.getTag())) {
                    second++;
                }
                if ("warmup".equals(e.getTag()) && ((org.HdrHistogram.Histogram) e).getTotalCount() > 0) {
                    return second;
                }
            }
        }
        return Integer.MAX_VALUE;
    }
}
