package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.GatePolicy;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-evaluates a finished run: the latency figures are recomputed from {@code latency.hlog} (HdrHistogram's own
 * reader), the counts come from {@code summary.json}, and the limits are the ones the run was gated with
 * ({@code run.json}'s scenario gate) unless others are given. A run that did not finish (killed with SIGKILL, the
 * machine lost, still running) is told apart by {@link #unfinished}: its files are written as it goes, so they hold
 * counts up to its last second, but no end time, no verdict, and deliveries still pending that were never counted.
 */
public final class Regate {
    private Regate() {
    }

    /**
     * @param pendingCountedAsLost deliveries an unfinished run was still waiting for, added to {@code messages.lost}
     *                             ({@link #evaluateIncomplete}); 0 for a finished run
     */
    public record Result(Summary summary, Verdict verdict, Map<String, Double> limits, long pendingCountedAsLost) {
    }

    /**
     * What shows that the run did not finish, one phrase each; empty for a finished run. The end time is run.json's
     * {@code endedAt}, written only when the run ends (summary.json's is rewritten every second while the run
     * goes on, so it proves nothing); summary.json's when there is no run.json. The verdict is summary.json's
     * {@code gate}, null until the run's gate was evaluated at its end.
     */
    public static List<String> unfinished(Path runDir) throws IOException {
        List<String> missing = new ArrayList<>();
        Path runJson = runDir.resolve("run.json");
        if (Files.exists(runJson)) {
            if (!hasText(Json.mapper().readTree(runJson.toFile()).get("endedAt"))) {
                missing.add("no end time (run.json endedAt is null)");
            }
        } else if (!hasText(summaryTree(runDir).get("endedAt"))) {
            missing.add("no end time (summary.json endedAt is null, and there is no run.json)");
        }
        JsonNode gate = summaryTree(runDir).get("gate");
        if (gate == null || gate.isNull()) {
            missing.add("no verdict (summary.json gate is null)");
        }
        return missing;
    }

    /** The run's own gate limits, from run.json (in file order). */
    public static Map<String, Double> recordedLimits(Path runDir) throws IOException {
        Map<String, Double> limits = new LinkedHashMap<>();
        Path runJson = runDir.resolve("run.json");
        if (!Files.exists(runJson)) {
            return limits;
        }
        JsonNode gate = Json.mapper().readTree(runJson.toFile()).path("scenario").path("gate");
        gate.properties().forEach(e -> {
            if (!GatePolicy.KEYS.contains(e.getKey())) {
                limits.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return limits;
    }

    /**
     * The run's windows as run.json recorded them ({@code gate.window}, {@code maxFailedWindows}); the early stop is
     * not needed to re-judge (summary.json says whether it happened). None for a run judged once.
     */
    static GatePolicy recordedPolicy(Path runDir) throws IOException {
        Path runJson = runDir.resolve("run.json");
        if (!Files.exists(runJson)) {
            return GatePolicy.none();
        }
        JsonNode info = Json.mapper().readTree(runJson.toFile());
        JsonNode gate = info.path("scenario").path("gate");
        // A run merged before merges judged windows (no merge.windowsJudged) was judged over the whole run only.
        if (!gate.hasNonNull("window") || info.has("merge") && !info.path("merge").path("windowsJudged").asBoolean()) {
            return GatePolicy.none();
        }
        return new GatePolicy(Durations.parse(gate.get("window").asText()), gate.path("maxFailedWindows").asInt(0),
                java.util.Set.of());
    }

    /** The run's summary with its latency statistics recomputed from the hlog (when there is one). */
    public static Summary recompute(Path runDir) throws IOException {
        return withHlogLatency(runDir, SummaryReader.read(runDir.resolve("summary.json")));
    }

    private static Summary withHlogLatency(Path runDir, Summary s) throws IOException {
        Path hlog = runDir.resolve("latency.hlog");
        if (!Files.exists(hlog)) {
            return s;
        }
        HlogTotals t = HlogTotals.read(hlog);
        return new Summary(s.runId(), s.scenario(), s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(),
                Summary.LatencyStats.of(t.total(Metric.PUB_TO_RECV.tag())),
                Summary.LatencyStats.of(t.total(Metric.PUB_TO_RECV_RAW.tag())),
                Summary.LatencyStats.of(t.total(Metric.JOIN.tag())),
                Summary.LatencyStats.of(t.total(Metric.READY.tag())),
                Summary.LatencyStats.of(t.total(Metric.CONNECT.tag())),
                s.harness(), s.errors(), s.memory(), s.gate(), s.publisher(), s.windows(), s.stoppedEarly(),
                s.capture(), s.warmup());
    }

    public static Result evaluate(Path runDir, Map<String, Double> overrides) throws IOException {
        return evaluate(runDir, overrides, recompute(runDir), 0);
    }

    /**
     * {@link #evaluate} for a run that did not finish: the deliveries it was still waiting for when it stopped
     * ({@code expectedDeliveries - delivered - lost} of summary.json) count as lost, as the run's own drain would have
     * counted them once their drain timeout passed. Without that, a run killed with deliveries in flight would pass
     * {@code messages.lost: 0}.
     */
    public static Result evaluateIncomplete(Path runDir, Map<String, Double> overrides) throws IOException {
        ObjectNode tree = summaryTree(runDir);
        JsonNode m = tree.path("messages");
        long pending = Math.max(0, m.path("expectedDeliveries").asLong() - m.path("delivered").asLong()
                - m.path("lost").asLong());
        if (pending > 0) {
            // Through the JSON tree, so that every other figure of summary.json stays exactly as written.
            ((ObjectNode) m).put("lost", m.path("lost").asLong() + pending);
        }
        Summary s = withHlogLatency(runDir, Json.mapper().treeToValue(tree, Summary.class));
        return evaluate(runDir, overrides, s, pending);
    }

    private static Result evaluate(Path runDir, Map<String, Double> overrides, Summary s, long pending)
            throws IOException {
        Map<String, Double> limits = recordedLimits(runDir);
        limits.putAll(overrides);
        // Windows keep the verdicts they were judged with (their figures are not in the files to judge again); the
        // count of failed ones is checked anew, and a run that was stopped early still fails.
        Verdict v = Gate.evaluate(limits, recordedPolicy(runDir), s);
        if (s.stoppedEarly() != null) {
            v = Gate.stoppedBy(v, s.stoppedEarly().check(), s.stoppedEarly().elapsedSeconds());
        }
        return new Result(s.withGate(v), v, limits, pending);
    }

    private static ObjectNode summaryTree(Path runDir) throws IOException {
        JsonNode tree = Json.mapper().readTree(runDir.resolve("summary.json").toFile());
        if (!(tree instanceof ObjectNode o)) {
            throw new IOException(runDir.resolve("summary.json") + ": not a JSON object");
        }
        return o;
    }

    private static boolean hasText(JsonNode n) {
        return n != null && !n.isNull() && !n.asText().isBlank();
    }
}
