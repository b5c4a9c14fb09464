package dev.realtimeharness.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/** results/&lt;run-id&gt;/: where one run's files go. */
public final class RunDirectory {

    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path path;

    private RunDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates {@code resultsDir/runId}. Refuses a directory that exists and holds files: a second run must
     * never mix its files with an earlier run's.
     */
    public static RunDirectory create(Path resultsDir, String runId) {
        checkRunId(runId);
        Path dir = resultsDir.resolve(runId);
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException("results directory " + dir
                                + " already exists and is not empty; pass another --run-id or remove it");
                    }
                }
            } else if (Files.exists(dir)) {
                throw new IllegalStateException("results path " + dir + " exists and is not a directory");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create results directory " + dir + ": " + e.getMessage(), e);
        }
        return new RunDirectory(dir);
    }

    /**
     * {@code resultsDir/runId} unless {@code shard} is given: then {@code resultsDir/runId/shard-K}, the shards of one
     * run side by side under their shared run id (the shard's own directory must not hold files).
     */
    public static RunDirectory create(Path resultsDir, String runId, dev.realtimeharness.scenario.Shard shard) {
        if (shard == null) {
            return create(resultsDir, runId);
        }
        checkRunId(runId);
        return create(resultsDir.resolve(runId), "shard-" + shard.index());
    }

    /** An existing run directory (for gate, report, compare). */
    public static RunDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run directory " + dir + " does not exist");
        }
        return new RunDirectory(dir);
    }

    /** {@code <UTC yyyyMMdd-HHmmss>-<scenario name>}. */
    public static String defaultRunId(Instant start, String scenarioName) {
        return RUN_ID_TIME.format(start) + "-" + scenarioName;
    }

    /** {@code <UTC yyyyMMdd-HHmmss>-<scenario name>-shard-K-of-N}. */
    public static String defaultRunId(Instant start, String scenarioName, int shard, int shards) {
        return defaultRunId(start, scenarioName) + "-shard-" + shard + "-of-" + shards;
    }

    private static void checkRunId(String runId) {
        if (runId == null || runId.isBlank() || runId.equals(".") || runId.equals("..")
                || runId.contains("/") || runId.contains("\\")) {
            throw new IllegalArgumentException("run id '" + runId + "' must be a single, non-empty path segment");
        }
    }

    public Path path() {
        return path;
    }

    public Path file(String name) {
        return path.resolve(name);
    }
}
