package dev.realtimeharness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the CLI passes to a run. {@code duration}, {@code runId} and {@code resultsDir} may be null (defaults).
 * {@code target} is "embedded" or a ws:// / wss:// URL; {@code remote} holds the settings for the latter.
 */
public record RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
        String target, RemoteOptions remote, boolean acceptLimits) {

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target, RemoteOptions remote) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, remote, false);
    }

    public RunOptions {
        sets = sets == null ? List.of() : List.copyOf(sets);
        target = target == null ? "embedded" : target;
        remote = remote == null ? RemoteOptions.none() : remote;
    }

    public RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
            String target) {
        this(scenarioFile, sets, duration, resultsDir, runId, target, null);
    }

    public boolean embedded() {
        return "embedded".equals(target);
    }
}
