package dev.realtimeharness.run;

import dev.realtimeharness.pg.ProductionGuard;
import dev.realtimeharness.results.RunHistory;
import dev.realtimeharness.pg.DbUrl;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code harness run}: what differs for the CLI around the one run engine ({@link Measurement}): loading the
 * scenario, resolving a remote target (credentials, TLS, the production guard), the history database, the pre-flight
 * check, and the harness's own fleet as the load ({@link FleetDrive}). Returns an {@link Outcome}; the CLI maps it to
 * an exit code.
 */
public final class Run {
    private static final Logger log = LoggerFactory.getLogger(Run.class);
    private static final long SECOND = 1_000_000_000L;

    private final RunOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean interrupted;
    private final CountDownLatch finished = new CountDownLatch(1);

    public Run(RunOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Asks a running run to stop early (SIGINT/SIGTERM): partial results are written, {@link Outcome#INTERRUPTED}. */
    public void interrupt() {
        interrupted = true;
    }

    /** Waits until {@link #execute()} has written its results (for the shutdown hook). */
    public boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    public Outcome execute() {
        try {
            return doExecute();
        } finally {
            finished.countDown();
        }
    }

    private Outcome doExecute() {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(options.scenarioFile(), options.sets());
            if (options.duration() != null) {
                scenario = ScenarioLoader.withDuration(scenario, options.duration());
            }
        } catch (ScenarioException e) {
            err.println("harness: " + e.getMessage());
            return Outcome.BAD_INPUT;
        }
        RunHistory history = null;
        if (options.historyDb() != null) {
            try {
                DbUrl db = DbUrl.parse(options.historyDb());
                // The history database is written, not loaded, but a typo must not write into production either.
                String refused = ProductionGuard.checkDatabase("--history-db", db, options.remote().allowHosts(),
                        scenario.allowedHosts(), String.valueOf(scenario.source()));
                if (refused != null) {
                    err.println("harness: " + refused);
                    return Outcome.BAD_INPUT;
                }
                history = new RunHistory(db);
            } catch (IllegalArgumentException e) {
                err.println("harness: --history-db: " + e.getMessage());
                return Outcome.BAD_INPUT;
            }
        }
        String runId = options.runId();
        CommonStart start = CommonStart.at(options.start().at());
        if (options.shard() != null) {
            runId = ShardRun.sharedRunId(runId, options.start().at(), scenario.name());
            if (runId == null) {
                err.println("harness: --shard " + options.shard().index() + "/" + options.shard().count()
                        + ": the shards of a run must share one run id: give each the same --run-id ID"
                        + (options.start().readyDir() != null ? " (with --ready-dir, --run-id is required)"
                        : " (or the same --start-at TIME, from which the run id is derived)"));
                return Outcome.BAD_INPUT;
            }
            start = options.start().of(runId, options.shard());
            String refused = start.refusal();
            if (refused != null) {
                err.println("harness: " + refused);
                return Outcome.BAD_INPUT;
            }
            out.printf("shard %d/%d of run %s; the pre-flight check below is the whole run's (all %d shards)%n",
                    options.shard().index(), options.shard().count(), runId, options.shard().count());
        }
        TargetSetup target;
        try {
            target = TargetSetup.resolve(scenario, options.embedded() ? TargetSetup.EMBEDDED : options.target(),
                    options.remote(), options.acceptLimits(), history != null, out, err);
        } catch (TargetSetup.Refused e) {
            err.println("harness: " + e.getMessage());
            return Outcome.BAD_INPUT;
        }
        if (options.shard() != null) {
            try {
                scenario = scenario.shard(options.shard().index(), options.shard().count());
            } catch (IllegalArgumentException e) {
                err.println("harness: --shard: " + e.getMessage());
                return Outcome.BAD_INPUT;
            }
            out.printf("shard %d/%d: drivers %d of %d (index mod %d = %d), publishing at %s%s%n",
                    options.shard().index(), options.shard().count(), scenario.drivers(), scenario.whole().drivers(),
                    options.shard().count(), options.shard().index(), scenario.publish().rate().format(),
                    scenario.publish().messages() == null ? "" : ", " + scenario.publish().messages() + " messages");
            if (history != null) {
                out.println("history: a shard is not recorded (its figures are a part of the run's)");
                history = null;
            }
        }
        return runIn(scenario, runId, target, history, start);
    }

    private Outcome runIn(Scenario scenario, String runId, TargetSetup target, RunHistory history,
            CommonStart start) {
        MeasurementOptions mo = new MeasurementOptions(runId, options.resultsDir(), out, err, options.progress(),
                options.metricsPort(), options.metricsBind(), "harness", target.remote(), target.ssl(),
                target.description(), start);
        Measurement m;
        try {
            m = Measurement.open(scenario, mo);
        } catch (Measurement.OpenFailed e) {
            err.println("harness: " + e.getMessage());
            return e.outcome();
        } catch (RuntimeException e) {
            log.error("the run could not start", e);
            err.println("harness: internal error: the run could not start: " + e);
            return Outcome.NOT_RUN;
        }
        Outcome outcome;
        try {
            outcome = ShardRun.outcome(scenario, FleetDrive.drive(m, () -> interrupted, err), out);
            if (history != null && !interrupted && outcome != Outcome.NOT_RUN) {
                record(history, m.finish().summary()); // finished already: the same result
            }
            if (interrupted) {
                out.println("run interrupted: these are partial results (deliveries still in flight count as lost)");
            }
        } catch (java.sql.SQLException e) {
            err.println("harness: cannot connect the publisher to PostgreSQL: " + e.getMessage());
            writeWhatWasMeasured(m);
            outcome = Outcome.NOT_RUN;
        } catch (RuntimeException e) {
            // A fault of the harness itself: named, with the results so far, and never taken for an interruption.
            log.error("the run failed", e);
            err.println("harness: internal error: the run failed: " + e + " (stack trace in harness.log)");
            writeWhatWasMeasured(m);
            outcome = Outcome.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.INTERRUPTED;
        } finally {
            m.close();
        }
        return outcome;
    }

    private void writeWhatWasMeasured(Measurement m) {
        try {
            m.finishUnmeasured();
            err.println("harness: the results so far are in " + m.runDirectory());
        } catch (RuntimeException e) {
            log.error("writing the results so far failed", e);
            err.println("harness: cannot write the results so far: " + e);
        }
    }

    /** Appends the run to the history database; a failure is reported but does not change the exit code. */
    private void record(RunHistory history, Summary summary) {
        try {
            history.append(summary);
            out.println("history: recorded in " + history.db() + " (table " + RunHistory.TABLE + ")");
        } catch (java.sql.SQLException | IOException e) {
            // The driver's messages name host and user, never the password; the URL is printed redacted.
            err.println("harness: --history-db " + history.db() + ": cannot record the run: " + e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
