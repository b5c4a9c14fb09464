package dev.realtimeharness.run;

import dev.realtimeharness.capture.SlotLagMonitor;
import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.LiveMetrics;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.ProcessWatchdog;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.metrics.TimelineWriter;
import dev.realtimeharness.results.SummaryWriter;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.results.Summary;
import java.io.PrintStream;
import java.util.List;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The once-a-second work of a run: expiring probes, interval histograms to the hlog, a timeline row (with the heap
 * and PostgreSQL's resident memory), the live metrics' percentiles, the progress line (see {@link ProgressLine}), the
 * windows and the early stop ({@link GateWatch}) and summary.json. Owned by {@link Measurement}.
 */
final class RunTicker {
    private static final Logger log = LoggerFactory.getLogger(RunTicker.class);
    private static final long SECOND = 1_000_000_000L;

    private final long runStart;
    private final Measurement m;
    private final Instruments in;
    private final IntervalLogWriter hlog;
    private final TimelineWriter timeline;
    private final LiveMetrics live;
    private long seconds;
    private boolean stopReported;
    private boolean captureFailureReported;

    /** {@code live} null without {@code --metrics-port}. */
    RunTicker(long runStart, Measurement m, IntervalLogWriter hlog, TimelineWriter timeline, LiveMetrics live) {
        this.runStart = runStart;
        this.m = m;
        this.in = m.instruments();
        this.hlog = hlog;
        this.timeline = timeline;
        this.live = live;
    }

    synchronized void tick() {
        Scenario s = m.scenario();
        ProgressLine progress = m.progress();
        LatencyRecorders recorders = in.recorders;
        RunCounters counters = in.counters;
        ProbeLedger ledger = in.ledger;
        ResultWrites writes = in.writes;
        try {
            seconds++;
            // Bounded memory first, whatever happens to the files: a delivery still missing drainTimeout after its
            // probe was sent is lost.
            ledger.expireOlderThan(System.nanoTime() - s.drainTimeout().toNanos());
            LatencyRecorders.Interval interval = recorders.snapshot();
            // Each file on its own: one that cannot be written stops the run (ResultWrites), the others still get
            // this second.
            writes.attempt("latency.hlog", () -> hlog.write(interval));
            ProcessWatchdog.Sample sample = in.watchdog.sample();
            long pgRss = in.pgMemory().sampleBytes();
            SlotLagMonitor capture = m.target().capture();
            SlotLagMonitor.Sample lag = capture == null ? null : capture.latest();
            reportCaptureFailure(capture);
            var h = interval.histogram(Metric.PUB_TO_RECV);
            if (live != null) {
                live.update(h);
            }
            ProbeLedger.Counts c = ledger.counts();
            TimelineWriter.Row row = new TimelineWriter.Row((System.nanoTime() - runStart) / SECOND,
                    counters.connectionsOpen(), counters.channelsJoined(), c.published(), c.delivered(), c.lost(),
                    TimelineWriter.percentileMillis(h, 50), TimelineWriter.percentileMillis(h, 99),
                    counters.protocolErrors() + in.publishFailures.sum(), sample.heapUsedBytes(), sample.cpuRatio(),
                    pgRss, lag == null ? -1 : lag.bytes(), lag == null ? Double.NaN : lag.seconds());
            writes.attempt("timeline.csv", () -> timeline.write(row));
            if (progress.due(seconds)) {
                var cum = recorders.cumulative(Metric.PUB_TO_RECV);
                progress.show(String.format("[%4ds] connections %d/%d  ready %d/%d  published %d  delivered %d/%d"
                                + "  lost %d  publish failed %d  p50 %.1f ms  p99 %.1f ms  cpu %.0f%%",
                        (System.nanoTime() - runStart) / SECOND, counters.connectionsOpen(), s.drivers(),
                        in.board.readyCount(), s.drivers() * s.channelsPerDriver(), c.published(), c.delivered(),
                        c.expectedDeliveries(), c.lost(), in.publishFailures.sum(),
                        TimelineWriter.percentileMillis(cum, 50),
                        TimelineWriter.percentileMillis(cum, 99),
                        Double.isNaN(sample.cpuRatio()) ? 0 : 100 * sample.cpuRatio()));
            }
            // summary.json every second: after a SIGKILL it is at most a second behind the timeline.
            GateWatch watch = m.gateWatch();
            Summary soFar = m.summarize(Instant.now());
            showWindows(watch.tick(interval, System.nanoTime(), soFar), watch);
            Summary current = watch.current(soFar);
            writes.attempt("summary.json", () -> SummaryWriter.write(m.directory().file("summary.json"), current));
        } catch (RuntimeException e) {
            log.warn("ticker: {}", e.toString());
        }
    }

    // Once, loudly: a change capture that gave up loses every later change, which the run would otherwise only show
    // as loss.
    private void reportCaptureFailure(SlotLagMonitor capture) {
        if (capture == null || captureFailureReported) {
            return;
        }
        capture.failure().ifPresent(why -> {
            captureFailureReported = true;
            m.progress().finishLine();
            m.out().printf("change capture FAILED after %d s: %s; changes committed from now on are not delivered%n",
                    (System.nanoTime() - runStart) / SECOND, why);
        });
    }

    // Each window as it is judged, and once, the check that stopped the run.
    private void showWindows(List<Summary.Window> judged, GateWatch watch) {
        PrintStream out = m.out();
        for (Summary.Window w : judged) {
            m.progress().finishLine();
            out.println(w.passed() ? "window " + w.describeFailure() + " PASS" : "window FAILED: " + w.describeFailure());
            log.info("window {}-{}: {}", w.start(), w.end(), w.passed() ? "PASS" : "FAIL " + w.describeFailure());
        }
        Summary.StoppedEarly stopped = watch.stopped();
        if (stopped != null && !stopReported) {
            stopReported = true;
            m.progress().finishLine();
            out.printf("stopping early (gate.abortOnFail) after %d s of publishing: %s%n", stopped.elapsedSeconds(),
                    stopped.line());
            log.warn("stopping early after {} s of publishing: {}", stopped.elapsedSeconds(), stopped.line());
        }
    }

    synchronized void finalTick() {
        m.progress().finishLine();
        LatencyRecorders.Interval last = in.recorders.snapshot();
        in.writes.attempt("latency.hlog", () -> hlog.write(last));
    }
}
