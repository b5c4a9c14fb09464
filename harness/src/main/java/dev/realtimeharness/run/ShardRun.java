package dev.realtimeharness.run;

import dev.realtimeharness.publish.Probe;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.BooleanSupplier;

/**
 * What {@code harness run --shard K/N} and {@code --start-at TIME} change around a run: the shared run id, the probe
 * ids that carry the shard, the common wall-clock start of publishing, and the shard's own verdict, which is
 * informational (the run's verdict is {@code harness merge}'s).
 */
public final class ShardRun {

    /** {@code --shard K/N}: this process runs shard {@code index} of {@code count}. */
    public record Spec(int index, int count) {
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

    /**
     * Holds the start of publishing until {@code startAt} (connections are open and joined, heartbeats go on), so
     * that shards started apart publish in the same wall-clock window. Called after the warm-up, so that the shards'
     * measured publishing starts together however long each took to get ready and warm. Returns at once when it has
     * passed; returns how long it waited, in nanoseconds.
     */
    static long awaitStart(Instant startAt, BooleanSupplier stop, PrintStream out) throws InterruptedException {
        if (startAt == null) {
            return 0;
        }
        long waitMillis = Duration.between(Instant.now(), startAt).toMillis();
        if (waitMillis <= 0) {
            out.printf("--start-at %s: passed %.1f s ago, publishing now%n", startAt, -waitMillis / 1000.0);
            return 0;
        }
        out.printf("--start-at %s: publishing starts in %.1f s%n", startAt, waitMillis / 1000.0);
        long from = System.nanoTime();
        while (!stop.getAsBoolean() && Instant.now().isBefore(startAt)) {
            Thread.sleep(Math.max(1, Math.min(100, Duration.between(Instant.now(), startAt).toMillis())));
        }
        return System.nanoTime() - from;
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
