package dev.realtimeharness.run;

import dev.realtimeharness.metrics.HiccupMeter;
import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.LiveMetrics;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.PostgresMemory;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.ProcessWatchdog;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.metrics.TimelineWriter;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.SummaryWriter;
import dev.realtimeharness.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The once-a-second work of a run: interval histograms to the hlog, a timeline row (with the heap and PostgreSQL's
 * resident memory), the live metrics' percentiles, the progress line (see {@link ProgressLine}) and summary.json
 * every few seconds. Shared by {@code harness run} and
 * {@link Measurement}.
 */
final class RunTicker {
    private static final Logger log = LoggerFactory.getLogger(RunTicker.class);
    private static final long SECOND = 1_000_000_000L;
    private static final int SUMMARY_EVERY_SECONDS = 5;

    private final long runStart;
    private final LatencyRecorders recorders;
    private final RunCounters counters;
    private final ProbeLedger ledger;
    private final ProcessWatchdog watchdog;
    private final HiccupMeter hiccups;
    private final PostgresMemory pgMemory;
    private final IntervalLogWriter hlog;
    private final TimelineWriter timeline;
    private final ProgressLine progress;
    private final LiveMetrics live;
    private long seconds;

    RunTicker(long runStart, LatencyRecorders recorders, RunCounters counters, ProbeLedger ledger,
            ProcessWatchdog watchdog, HiccupMeter hiccups, PostgresMemory pgMemory, IntervalLogWriter hlog,
            TimelineWriter timeline, PrintStream out) {
        this(runStart, recorders, counters, ledger, watchdog, hiccups, pgMemory, hlog, timeline,
                new ProgressLine(out, ProgressLine.Mode.detect()), null);
    }

    /** {@code live} null without {@code --metrics-port}. */
    RunTicker(long runStart, LatencyRecorders recorders, RunCounters counters, ProbeLedger ledger,
            ProcessWatchdog watchdog, HiccupMeter hiccups, PostgresMemory pgMemory, IntervalLogWriter hlog,
            TimelineWriter timeline, ProgressLine progress, LiveMetrics live) {
        this.runStart = runStart;
        this.recorders = recorders;
        this.counters = counters;
        this.ledger = ledger;
        this.watchdog = watchdog;
        this.hiccups = hiccups;
        this.pgMemory = pgMemory;
        this.hlog = hlog;
        this.timeline = timeline;
        this.progress = progress;
        this.live = live;
    }

    synchronized void tick(Scenario s, String runId, Instant startedAt, RunTarget target, RunDirectory dir,
            LongAdder publishFailures, ReadyBoard board) {
        try {
            seconds++;
            LatencyRecorders.Interval interval = recorders.snapshot();
            hlog.write(interval);
            ProcessWatchdog.Sample sample = watchdog.sample();
            long pgRss = pgMemory.sampleBytes();
            var h = interval.histogram(Metric.PUB_TO_RECV);
            if (live != null) {
                live.update(h);
            }
            ProbeLedger.Counts c = ledger.counts();
            timeline.write(new TimelineWriter.Row((System.nanoTime() - runStart) / SECOND,
                    counters.connectionsOpen(), counters.channelsJoined(), c.published(), c.delivered(), c.lost(),
                    TimelineWriter.percentileMillis(h, 50), TimelineWriter.percentileMillis(h, 99),
                    counters.protocolErrors() + publishFailures.sum(), sample.heapUsedBytes(), sample.cpuRatio(),
                    pgRss));
            // Bounded memory: a delivery still missing drainTimeout after its probe was sent is lost.
            ledger.expireOlderThan(System.nanoTime() - s.drainTimeout().toNanos());
            if (progress.due(seconds)) {
                var cum = recorders.cumulative(Metric.PUB_TO_RECV);
                progress.show(String.format("[%4ds] connections %d/%d  ready %d/%d  published %d  delivered %d/%d"
                                + "  lost %d  p50 %.1f ms  p99 %.1f ms  cpu %.0f%%",
                        (System.nanoTime() - runStart) / SECOND, counters.connectionsOpen(), s.drivers(),
                        board.readyCount(), s.drivers() * s.channelsPerDriver(), c.published(), c.delivered(),
                        c.expectedDeliveries(), c.lost(), TimelineWriter.percentileMillis(cum, 50),
                        TimelineWriter.percentileMillis(cum, 99),
                        Double.isNaN(sample.cpuRatio()) ? 0 : 100 * sample.cpuRatio()));
            }
            if (seconds % SUMMARY_EVERY_SECONDS == 0) {
                SummaryWriter.write(dir.file("summary.json"), Run.buildSummary(s, runId, startedAt, Instant.now(),
                        recorders, counters, ledger, watchdog, hiccups, pgMemory, target));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ticker: {}", e.toString());
        }
    }

    synchronized void finalTick() {
        progress.finishLine();
        try {
            hlog.write(recorders.snapshot());
        } catch (IOException e) {
            log.warn("final hlog interval: {}", e.toString());
        }
    }
}
