package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void reportOfThePassedRunNamesThePassedVerdict() throws Exception {
        String html = ReportWriter.render(RunFixtures.dir(RunFixtures.PASSED));
        assertThat(html).contains("<div id=\"verdict\" class=\"verdict pass\">PASSED — smoke</div>")
                .doesNotContain("class=\"verdict fail\"")
                .contains("smoke-passed");
    }

    @Test
    void reportOfTheDelayedRunNamesTheFailedVerdictAndTheFailedCheck() throws Exception {
        String html = ReportWriter.render(RunFixtures.dir(RunFixtures.DELAYED));
        assertThat(html).contains("<div id=\"verdict\" class=\"verdict fail\">FAILED — smoke</div>")
                .contains("latency.p99").contains("382.463");
    }

    @Test
    void writeLeavesASelfContainedReportHtmlWithChartsInTheRunDirectory(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        Path file = ReportWriter.write(run);
        assertThat(file).isEqualTo(run.resolve("report.html"));
        String html = Files.readString(file);
        assertThat(html).startsWith("<!doctype html>").contains("<svg")
                .doesNotContain("<script src").doesNotContain("<link ").doesNotContain("https://");
        assertThat(html).isEqualTo(ReportWriter.render(run));
    }

    @Test
    void anEmbeddedStreamRunIsReportedAsTheFloorWithHowToRehearseThePoller() throws Exception {
        // The fixture's run.json predates cdc: a streamed run, the only mode then.
        String html = ReportWriter.render(RunFixtures.dir(RunFixtures.PASSED));
        assertThat(html).contains("<p id=\"cdc\" class=\"warn\">embedded target, cdc: stream:")
                .contains("FLOOR of the harness's own measurement").contains("--set target.embedded.cdc=poll");
    }

    @Test
    void anEmbeddedPollRunIsReportedAsARehearsalWithItsSettings(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        ObjectNode info = (ObjectNode) Json.mapper().readTree(run.resolve("run.json").toFile());
        ObjectNode embedded = (ObjectNode) info.path("scenario").path("target").path("embedded");
        embedded.put("cdc", "poll");
        embedded.putObject("poll").put("interval", "100ms").put("maxChanges", 100).put("idleMultiplier", 5)
                .put("subscribeDelay", "10ms");
        Json.mapper().writeValue(run.resolve("run.json").toFile(), info);
        String html = ReportWriter.render(run);
        assertThat(html).contains("embedded target, cdc: poll:").contains("interval 100ms, idle x5, at most 100")
                .doesNotContain("FLOOR");
    }

    @Test
    void reportShowsThePeakJoinAndRejoinRatesWhenTheSummaryHasThem(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        assertThat(ReportWriter.render(run)).doesNotContain("joins/s");
        ObjectNode summary = (ObjectNode) Json.mapper().readTree(run.resolve("summary.json").toFile());
        ((ObjectNode) summary.get("channels")).put("peakJoinsPerSecond", 120).put("peakRejoinsPerSecond", 80);
        Json.mapper().writeValue(run.resolve("summary.json").toFile(), summary);
        assertThat(ReportWriter.render(run)).contains("<td>peak join rate</td>")
                .contains("120 joins/s, 80 rejoins/s");
    }

    @Test
    void reportRendersWithoutTimelineAndHlog(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.DELAYED, tmp);
        Files.delete(run.resolve("timeline.csv"));
        Files.delete(run.resolve("latency.hlog"));
        assertThat(ReportWriter.render(run)).contains("FAILED — smoke");
    }

    /**
     * A one-hour soak's hlog (3,600 one-second intervals of every tag): the report reads it interval by interval and
     * keeps only the per-second figures. Keeping every decoded interval (each holds its whole counts array) ran a
     * 1 GiB heap out of memory on the first real one-hour soak; this heap is 2 GiB, and that hlog needed about 7.
     */
    @Test
    void aOneHourHlogIsReportedSecondBySecondWithoutKeepingItsIntervals(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        long start = 1_764_547_200_000L;
        try (java.io.PrintStream out = new java.io.PrintStream(
                java.nio.file.Files.newOutputStream(run.resolve("latency.hlog")))) {
            org.HdrHistogram.HistogramLogWriter w = new org.HdrHistogram.HistogramLogWriter(out);
            w.outputLogFormatVersion();
            w.outputStartTime(start);
            w.outputLegend();
            for (int second = 0; second < 3600; second++) {
                for (dev.realtimeharness.metrics.Metric m : dev.realtimeharness.metrics.Metric.values()) {
                    org.HdrHistogram.Histogram h = dev.realtimeharness.metrics.LatencyRecorders.newHistogram();
                    h.setTag(m.tag());
                    h.setStartTimeStamp(start + second * 1000L);
                    h.setEndTimeStamp(start + second * 1000L + 1000L);
                    // pub-to-recv: 1..100 ms in the second, 3,600 ms once in the 1,800th.
                    for (int v = 1; v <= 100; v++) {
                        h.recordValue(v * 1000L);
                    }
                    if (second == 1800) {
                        h.recordValue(3_600_000L);
                    }
                    w.outputIntervalHistogram(h);
                }
            }
        }
        ReportWriter.LatencySeries series = ReportWriter.readLatencySeries(run.resolve("latency.hlog"),
                dev.realtimeharness.metrics.Metric.PUB_TO_RECV.tag());
        assertThat(series.xs()).hasSize(3600);
        assertThat(series.xs()[3599]).isEqualTo(3599.0);
        assertThat(series.p50()[0]).isBetween(49.9, 50.1);
        assertThat(series.max()[1800]).isBetween(3599.0, 3602.0);
        assertThat(series.total().getTotalCount()).isEqualTo(3600L * 100 + 1);
        assertThat(ReportWriter.render(run)).contains("Latency over time");
    }
}
