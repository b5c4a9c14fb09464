package dev.realtimeharness.run;

import dev.realtimeharness.metrics.LiveMetrics;
import io.netty.handler.ssl.SslContext;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a {@link Measurement} is opened. {@code runId} null for the default, {@code resultsRoot} null for
 * {@code results/}; {@code metricsPort} null serves no live metrics; {@code loadGenerator} names who drives the
 * connections ("harness", "gatling"); {@code remote} null for the embedded target, else the resolved remote target
 * with its {@code ssl} context (null for ws://) and its description for run.json; {@code start} when the measured
 * publishing starts (null: as soon as ready and warm).
 */
public record MeasurementOptions(String runId, Path resultsRoot, PrintStream out, PrintStream err,
        ProgressLine.Mode progress, Integer metricsPort, String metricsBind, String loadGenerator, RemoteSetup remote,
        SslContext ssl, Map<String, Object> targetDescription, CommonStart start) {

    public MeasurementOptions(String runId, Path resultsRoot, PrintStream out, PrintStream err,
            ProgressLine.Mode progress, Integer metricsPort, String metricsBind, String loadGenerator,
            RemoteSetup remote, SslContext ssl, Map<String, Object> targetDescription) {
        this(runId, resultsRoot, out, err, progress, metricsPort, metricsBind, loadGenerator, remote, ssl,
                targetDescription, null);
    }

    public MeasurementOptions {
        out = out == null ? System.out : out;
        err = err == null ? System.err : err;
        progress = progress == null ? ProgressLine.Mode.detect() : progress;
        metricsBind = metricsBind == null ? LiveMetrics.DEFAULT_BIND : metricsBind;
        loadGenerator = loadGenerator == null ? "harness" : loadGenerator;
        start = start == null ? CommonStart.NOW : start;
    }

    boolean tlsInsecure() {
        return remote != null && remote.insecure();
    }
}
