package dev.realtimeharness.run;

import dev.realtimeharness.publish.Probe;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * What {@code harness run --shard K/N} and {@code --start-at TIME} change around a run: the shared run id, the probe
 * ids that carry the shard, the common wall-clock start of publishing, and the shard's own verdict, which is
 * informational (the run's verdict is {@code harness merge}'s).
 */
public final class ShardRun {

    /** {@code --shard K/N}: this process runs shard {@code index} of {@code count}. */
    public record Spec(int index, int count) {
    }

    /**
     * How the shards' publishing start is set: {@code --start-at} ({@code at}), or {@code --ready-dir} (the start the
     * shards agree on in {@code readyDir}, waiting at most {@code readyTimeout} for the others); neither: at once.
     */
    public record StartRule(Instant at, Path readyDir, Duration readyTimeout) {
        public static final StartRule NOW = new StartRule(null, null, null);

        /** The start of shard {@code shard} of run {@code runId}. */
        CommonStart of(String runId, Spec shard) {
            if (readyDir == null) {
                return CommonStart.at(at);
            }
            return CommonStart.agreed(readyDir, runId, shard.index(), shard.count(), readyTimeout);
        }
    }

    private ShardRun() {
    }

    /** What this run's probe ids start with: {@code <runId>} or, for a shard, {@code <runId>:<K>}. */
    static String ids(String runId, Scenario scenario) {
        return Probe.runPart(runId, scenario);
    }

    /**
     * The run id every shard of a run shares: {@code --run-id}, else derived from {@code --start-at} (every shard is
     * given the same), as {@code <UTC yyyyMMdd-HHmmss of the start>-<scenario name>}; null when neither is given
     * (a shard cannot make one up that the others would agree on).
     */
    static String sharedRunId(String runId, Instant startAt, String scenarioName) {
        if (runId != null) {
            return runId;
        }
        return startAt == null ? null : RunDirectory.defaultRunId(startAt, scenarioName);
    }

    /**
     * {@code --start-at}: an ISO-8601 instant ({@code 2026-12-02T14:00:00Z}) or a UTC time of day ({@code HH:mm:ss},
     * today's, or tomorrow's when today's passed more than 12 hours ago).
     */
    public static Instant parseStartAt(String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // not an instant: a time of day
        }
        try {
            LocalTime time = LocalTime.parse(text);
            Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atTime(time).toInstant(ZoneOffset.UTC);
            return today.isBefore(now.minus(Duration.ofHours(12))) ? today.plus(Duration.ofDays(1)) : today;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an ISO instant (2026-12-02T14:00:00Z) or a UTC time of day"
                    + " (14:00:00), got '" + text + "'");
        }
    }

    /** A shard's exit: its own gate is informational, so a failed check does not fail the shard. */
    static Outcome outcome(Scenario scenario, Outcome outcome, PrintStream out) {
        if (scenario.shard() == null || outcome != Outcome.PASSED && outcome != Outcome.GATE_FAILED) {
            return outcome;
        }
        out.printf("shard %d/%d: this gate verdict is informational (exit 0 either way); the run's verdict is"
                + " harness merge's over all %d shards%n", scenario.shard().index(), scenario.shard().count(),
                scenario.shard().count());
        return Outcome.PASSED;
    }
}
