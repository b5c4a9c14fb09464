package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Re-evaluates a finished run: the latency figures are recomputed from {@code latency.hlog} (HdrHistogram's own
 * reader), the counts come from {@code summary.json}, and the limits are the ones the run was gated with
 * ({@code run.json}'s scenario gate) unless others are given.
 */
public final class Regate {
    private Regate() {
    }

    public record Result(Summary summary, Verdict verdict, Map<String, Double> limits) {
    }

    /** The run's own gate limits, from run.json (in file order). */
    public static Map<String, Double> recordedLimits(Path runDir) throws IOException {
        Map<String, Double> limits = new LinkedHashMap<>();
        Path runJson = runDir.resolve("run.json");
        if (!Files.exists(runJson)) {
            return limits;
        }
        JsonNode gate = Json.mapper().readTree(runJson.toFile()).path("scenario").path("gate");
        gate.properties().forEach(e -> limits.put(e.getKey(), e.getValue().asDouble()));
        return limits;
    }

    /** The run's summary with its latency statistics recomputed from the hlog (when there is one). */
    public static Summary recompute(Path runDir) throws IOException {
        Summary s = SummaryReader.read(runDir.resolve("summary.json"));
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
                s.harness(), s.errors(), s.memory(), s.gate(), s.publisher());
    }

    public static Result evaluate(Path runDir, Map<String, Double> overrides) throws IOException {
        Map<String, Double> limits = recordedLimits(runDir);
        limits.putAll(overrides);
        Summary s = recompute(runDir);
        Verdict v = Gate.evaluate(limits, s);
        return new Result(s.withGate(v), v, limits);
    }
}
