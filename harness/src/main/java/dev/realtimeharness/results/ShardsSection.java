package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of report.html about a merged run ({@code harness merge}): one row per shard with its directory, its own
 * (informational) verdict and its counts, missing shards in red, and one p99 line per shard on the latency-over-time
 * chart, from each shard's own hlog. Nothing for a run that was not merged.
 */
final class ShardsSection {
    /** Beyond this many shards their lines would hide the merged ones: the table alone then. */
    static final int MAX_LINES = 8;
    private static final String[] COLORS = {"#ff7f0e", "#2ca02c", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
        "#17becf", "#aec7e8"};

    private ShardsSection() {
    }

    /**
     * Adds each merged shard's own p99 per second to {@code chart} (see {@link #series}); returns how many.
     */
    static int lines(SvgChart chart, Path runDir, double t0) throws IOException {
        List<SvgChart.Series> lines = series(runDir, t0);
        lines.forEach(l -> chart.add(l.name(), l.color(), l.xs(), l.ys()));
        return lines.size();
    }

    /**
     * Each merged shard's own p99 per second (x: seconds after {@code t0}, epoch seconds, the merged series' first
     * second), read from {@code latency.hlog} in the shard's directory as summary.json's {@code shards} names it, or
     * {@code shard-K} beside the merged directory; a shard whose directory is gone (only the merged one was copied)
     * is left out, and so are all when there are more than {@link #MAX_LINES}. None for a run that was not merged.
     */
    static List<SvgChart.Series> series(Path runDir, double t0) throws IOException {
        Path summaryJson = runDir.resolve("summary.json");
        JsonNode shards = Files.exists(summaryJson) ? Json.mapper().readTree(summaryJson.toFile()).path("shards")
                : null;
        List<SvgChart.Series> lines = new ArrayList<>();
        if (shards == null || !shards.isArray() || shards.size() > MAX_LINES) {
            return lines;
        }
        for (JsonNode s : shards) {
            int k = s.path("index").asInt();
            Path hlog = hlogOf(runDir, s, k);
            if (s.path("missing").asBoolean() || hlog == null) {
                continue;
            }
            ReportWriter.LatencySeries l = ReportWriter.readLatencySeries(hlog, Metric.PUB_TO_RECV.tag());
            double[] xs = l.xs().clone();
            for (int i = 0; i < xs.length; i++) {
                xs[i] += l.t0() - t0; // on the merged chart's clock: the shards' seconds line up by wall clock
            }
            lines.add(new SvgChart.Series("shard " + k + " p99", COLORS[lines.size() % COLORS.length], xs, l.p99()));
        }
        return lines;
    }

    private static Path hlogOf(Path runDir, JsonNode shard, int k) {
        String recorded = shard.path("runDirectory").asText("");
        for (Path d : new Path[] {recorded.isEmpty() ? null : Path.of(recorded),
            runDir.toAbsolutePath().getParent() == null ? null : runDir.toAbsolutePath().getParent()
                    .resolve("shard-" + k)}) {
            if (d != null && Files.isRegularFile(d.resolve("latency.hlog"))) {
                return d.resolve("latency.hlog");
            }
        }
        return null;
    }

    static void append(StringBuilder h, Path summaryJson) throws IOException {
        if (!Files.exists(summaryJson)) {
            return;
        }
        JsonNode shards = Json.mapper().readTree(summaryJson.toFile()).path("shards");
        if (!shards.isArray() || shards.isEmpty()) {
            return;
        }
        h.append("<h2>Shards</h2><p>").append(shards.size()).append(" shards merged by harness merge: latency from"
                + " their histograms added, counts summed; each shard's own verdict is informational</p>");
        h.append("<table id=\"shards\"><tr><th>shard</th><th>drivers</th><th>published</th><th>expected</th>"
                + "<th>delivered</th><th>lost</th><th>p99 ms</th><th>own gate</th><th>directory</th></tr>");
        for (JsonNode s : shards) {
            h.append("<tr><td>").append(s.path("index").asInt()).append("</td>");
            if (s.path("missing").asBoolean()) {
                h.append("<td colspan=\"8\" class=\"bad\">missing (not merged): the run is incomplete</td></tr>");
                continue;
            }
            for (String f : new String[] {"drivers", "published", "expectedDeliveries", "delivered", "lost"}) {
                h.append("<td>").append(s.path(f).asLong()).append("</td>");
            }
            JsonNode passed = s.path("passed");
            h.append("<td>").append(String.format(Locale.ROOT, "%.3f", s.path("latencyP99").asDouble()))
                    .append("</td><td>").append(passed.isBoolean() ? passed.asBoolean() ? "passed" : "failed" : "none")
                    .append("</td><td>").append(Comparison.esc(s.path("runDirectory").asText())).append("</td></tr>");
        }
        h.append("</table>");
    }
}
