package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The part of report.html about a merged run ({@code harness merge}): one row per shard with its directory, its own
 * (informational) verdict and its counts, missing shards in red. Nothing for a run that was not merged.
 */
final class ShardsSection {
    private ShardsSection() {
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
