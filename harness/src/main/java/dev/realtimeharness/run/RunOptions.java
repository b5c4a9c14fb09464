package dev.realtimeharness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the CLI passes to a run. {@code duration}, {@code runId} and {@code resultsDir} may be null (defaults).
 * {@code target} is "embedded" or a ws:// / wss:// URL; {@code remote} holds the settings for the latter.
 * {@code metricsPort} null serves no live metrics (0 picks a free port), {@code metricsBind} defaults to 127.0.0.1;
 * {@code historyDb} null records no history; {@code progress} null detects the terminal; {@code shard} null runs
 * the whole scenario ({@code --shard}), {@code start} says when publishing starts
 * ({@code --start-at}, {@code --ready-dir}; null: as soon as ready).
 */
public record RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
        String target, RemoteOptions remote, boolean acceptLimits, Integer metricsPort, String metricsBind,
        String historyDb, ProgressLine.Mode progress, ShardRun.Spec shard, ShardRun.StartRule start) {

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target, RemoteOptions remote, boolean acceptLimits, Integer metricsPort, String metricsBind,
            String historyDb, ProgressLine.Mode progress) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, remote, acceptLimits, metricsPort, metricsBind,
                historyDb, progress, null, null);
    }

    /** The same run as shard {@code shard} (null: unsharded), publishing from {@code start} (null: when ready). */
    public RunOptions withShard(ShardRun.Spec shard, ShardRun.StartRule start) {
        return new RunOptions(scenarioFile, sets, duration, resultsDir, runId, target, remote, acceptLimits,
                metricsPort, metricsBind, historyDb, progress, shard, start);
    }

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target, RemoteOptions remote, boolean acceptLimits) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, remote, acceptLimits, null, null, null, null);
    }

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target, RemoteOptions remote) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, remote, false);
    }

    public RunOptions {
        sets = sets == null ? List.of() : List.copyOf(sets);
        target = target == null ? "embedded" : target;
        remote = remote == null ? RemoteOptions.none() : remote;
        metricsBind = metricsBind == null ? dev.realtimeharness.metrics.LiveMetrics.DEFAULT_BIND : metricsBind;
        progress = progress == null ? ProgressLine.Mode.detect() : progress;
        start = start == null ? ShardRun.StartRule.NOW : start;
    }

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, null);
    }

    public RunOptions withLive(Integer port, String bind, String history, ProgressLine.Mode mode) {
        return new RunOptions(scenarioFile, sets, duration, resultsDir, runId, target, remote, acceptLimits, port, bind,
                history, mode, shard, start);
    }

    public boolean embedded() {
        return "embedded".equals(target);
    }
}
