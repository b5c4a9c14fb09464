package dev.realtimeharness.run;

import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Figures;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.DueTally;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.scenario.GateKeys;
import dev.realtimeharness.scenario.GatePolicy;
import dev.realtimeharness.scenario.Scenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate while a run goes ({@link GatePolicy}): the windows judged as their deliveries are decided
 * ({@link WindowJudge}), and the early stop of {@code gate.abortOnFail}: once publishing started (the ramp is over),
 * a check named there that failed on the figures so far stops the run, as does {@code windows.failed} once more
 * windows failed than {@code maxFailedWindows}. Only checks that cannot pass again are accepted there
 * ({@link GateKeys#canStopEarly}), so a stop never ends a run that could still have passed.
 *
 * <p>The ticker calls {@link #tick} once a second; the publish thread reads {@link #stopping()}.
 */
final class GateWatch {
    private static final long SECOND = 1_000_000_000L;

    private final GatePolicy policy;
    private final Map<String, Double> abortChecks = new LinkedHashMap<>();
    private final WindowJudge windows;
    private volatile long publishingNanos;
    private volatile boolean publishing;
    private volatile Summary.StoppedEarly stopped;

    GateWatch(Scenario scenario, Instant baseInstant, long baseNanos) {
        this.policy = scenario.gatePolicy();
        scenario.gate().forEach((key, limit) -> {
            if (policy.abortsOn(key) && GateKeys.canStopEarly(key)) {
                abortChecks.put(key, limit);
            }
        });
        this.windows = policy.windowed()
                ? new WindowJudge(scenario.gate(), policy, scenario.drainTimeout(), baseInstant, baseNanos) : null;
    }

    /** Publishing starts now: windows count from here, and the ramp is over for the early stop. */
    void publishingStarts(ProbeLedger ledger, long nowNanos) {
        if (windows != null) {
            DueTally tally = new DueTally(nowNanos);
            ledger.tallyByDueSecond(tally);
            windows.start(tally);
        }
        publishingNanos = nowNanos;
        publishing = true;
    }

    /** Whether the run is windowed or can stop early, i.e. whether {@link #tick} needs the figures each second. */
    boolean active() {
        return windows != null || !abortChecks.isEmpty();
    }

    /**
     * One second of the run, ended at {@code nowNanos}: its latency interval joins the open window; the windows
     * decided by now are judged (and returned, for the screen); with {@code soFar} (the figures so far; null to skip)
     * the early-stop checks are evaluated. Once a check stopped the run, {@link #stopping()} is true.
     */
    synchronized List<Summary.Window> tick(LatencyRecorders.Interval interval, long nowNanos, Figures soFar) {
        List<Summary.Window> judgedNow = List.of();
        if (windows != null) {
            windows.add(interval, nowNanos);
            judgedNow = windows.judgeDue(nowNanos);
        }
        if (stopped == null && publishing) {
            checkAbort(soFar, nowNanos);
        }
        return judgedNow;
    }

    private void checkAbort(Figures soFar, long nowNanos) {
        if (policy.abortsOn(GatePolicy.WINDOWS_FAILED) && windows != null) {
            List<Summary.Window> judged = windows.judged();
            long failed = judged.stream().filter(w -> !w.passed()).count();
            if (failed > policy.maxFailedWindows()) {
                Summary.Window last = judged.stream().filter(w -> !w.passed()).reduce((a, b) -> b).orElseThrow();
                stop(new Check(GatePolicy.WINDOWS_FAILED, policy.maxFailedWindows(), failed, false,
                        "last: " + last.describeFailure()), nowNanos, "FAIL windows.failed: " + failed + " > "
                        + policy.maxFailedWindows() + " failed windows (last: " + last.describeFailure() + ")");
                return;
            }
        }
        if (soFar == null || abortChecks.isEmpty()) {
            return;
        }
        for (Check c : Gate.evaluate(abortChecks, soFar).checks()) {
            if (!c.passed()) {
                stop(c, nowNanos, c.describe());
                return;
            }
        }
    }

    private void stop(Check check, long nowNanos, String line) {
        stopped = new Summary.StoppedEarly(check.name(), Instant.now().toString(),
                (nowNanos - publishingNanos) / SECOND, line);
    }

    /** True once a check of {@code gate.abortOnFail} failed: publishing stops, the drain still runs. */
    boolean stopping() {
        return stopped != null;
    }

    Summary.StoppedEarly stopped() {
        return stopped;
    }

    /** The final verdict: a run that a check stopped never passes, and that check says so and when. */
    Verdict verdict(Verdict judged) {
        Summary.StoppedEarly s = stopped;
        return s == null ? judged : Gate.stoppedBy(judged, s.check(), s.elapsedSeconds());
    }

    /**
     * End of the run (every delivery decided): the windows left are judged; the summary carries the windows (null when
     * the run was not windowed) and the early stop, if any.
     */
    synchronized Summary finish(Summary summary, long nowNanos) {
        if (windows != null) {
            windows.finish(nowNanos);
        }
        return summary.withWindows(windowsSoFar(), stopped);
    }

    /** The summary as it stands mid-run, with the windows judged so far. */
    Summary current(Summary summary) {
        return summary.withWindows(windowsSoFar(), stopped);
    }

    private List<Summary.Window> windowsSoFar() {
        if (windows == null) {
            return null;
        }
        List<Summary.Window> judged = windows.judged();
        // Publishing never started: a windowed gate still says it judged nothing.
        return judged == null ? List.of() : judged;
    }
}
