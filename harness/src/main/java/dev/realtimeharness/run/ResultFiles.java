package dev.realtimeharness.run;

import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.results.JunitXmlWriter;
import dev.realtimeharness.results.ReportWriter;
import dev.realtimeharness.results.ResolvedScenario;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.RunInfoWriter;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryWriter;
import dev.realtimeharness.scenario.Scenario;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one sequence that writes a run's result files at its end: summary.json, run.json, junit.xml (when there is a
 * verdict) and report.html. Each is attempted; a file that cannot be written is reported ({@link ResultWrites}) and
 * the run then ends with exit 3, whatever its verdict.
 */
final class ResultFiles {
    private final RunDirectory dir;
    private final Scenario scenario;
    private final Instant startedAt;
    private final MeasurementOptions options;
    private final ResultWrites writes;

    ResultFiles(RunDirectory dir, Scenario scenario, Instant startedAt, MeasurementOptions options,
            ResultWrites writes) {
        this.writes = writes;
        this.dir = dir;
        this.scenario = scenario;
        this.startedAt = startedAt;
        this.options = options;
    }

    void write(Summary summary) {
        writes.attempt("summary.json", () -> SummaryWriter.write(dir.file("summary.json"), summary));
        writeRunInfo(Instant.now());
        if (summary.gate() != null) {
            writes.attempt("junit.xml", () -> JunitXmlWriter.write(dir.file("junit.xml"), scenario.name(),
                    summary.gate(), Duration.between(startedAt, Instant.now()).toMillis() / 1000.0));
        }
        writes.attempt("report.html", () -> ReportWriter.write(dir.path()));
    }

    void writeRunInfo(Instant endedAt) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("target", options.remote() == null ? "embedded" : options.targetDescription());
        extra.put("tlsInsecure", options.tlsInsecure());
        if (scenario.shard() != null) {
            // Which part of run.json's (whole) scenario this directory holds: what harness merge reads.
            Map<String, Object> shard = new LinkedHashMap<>();
            shard.put("index", scenario.shard().index());
            shard.put("count", scenario.shard().count());
            shard.put("drivers", scenario.drivers());
            extra.put("shard", shard);
        }
        Map<String, Object> start = options.start().record();
        if (start != null) {
            extra.put("start", start); // --start-at / --ready-dir: the common start and when publishing began
        }
        if (!"harness".equals(options.loadGenerator())) {
            extra.put("loadGenerator", options.loadGenerator());
        }
        writes.attempt("run.json", () -> RunInfoWriter.write(dir.file("run.json"),
                ResolvedScenario.of(scenario, EventLoops.transportName()), RunInfoWriter.gitCommit(), startedAt,
                endedAt, extra));
    }

}
