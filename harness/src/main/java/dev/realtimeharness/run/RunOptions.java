package dev.realtimeharness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the CLI passes to a run. {@code duration}, {@code runId} and {@code resultsDir} may be null (defaults). */
public record RunOptions(Path scenarioFile, List<String> sets, Duration duration, Path resultsDir, String runId,
        String target) {

    public RunOptions {
        sets = sets == null ? List.of() : List.copyOf(sets);
        target = target == null ? "embedded" : target;
    }
}
