package dev.realtimeharness.run;

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
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The once-a-second work of a run: interval histograms to the hlog, a timeline row (with the heap and PostgreSQL's
 * resident memory), the live metrics' percentiles, the progress line (see {@link ProgressLine}) and summary.json
 * every few seconds. Owned by {@link Measurement}.
 */
final class RunTicker {
    private static final Logger log = LoggerFactory.getLogger(RunTicker.class);
    private static final long SECOND = 1_000_000_000L;
    private static final int SUMMARY_EVERY_SECONDS = 5;

    private final long runStart;
    private final Measurement m;
    private final Instruments in;
    private final IntervalLogWriter hlog;
    private final TimelineWriter timeline;
    private final LiveMetrics live;
    private long seconds;

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
        try {
            seconds++;
            LatencyRecorders.Interval interval = recorders.snapshot();
            hlog.write(interval);
            ProcessWatchdog.Sample sample = in.watchdog.sample();
            long pgRss = in.pgMemory().sampleBytes();
            var h = interval.histogram(Metric.PUB_TO_RECV);
            if (live != null) {
                live.update(h);
            }
            ProbeLedger.Counts c = ledger.counts();
            timeline.write(new TimelineWriter.Row((System.nanoTime() - runStart) / SECOND,
                    counters.connectionsOpen(), counters.channelsJoined(), c.published(), c.delivered(), c.lost(),
                    TimelineWriter.percentileMillis(h, 50), TimelineWriter.percentileMillis(h, 99),
                    counters.protocolErrors() + in.publishFailures.sum(), sample.heapUsedBytes(), sample.cpuRatio(),
                    pgRss));
            // Bounded memory: a delivery still missing drainTimeout after its probe was sent is lost.
            ledger.expireOlderThan(System.nanoTime() - s.drainTimeout().toNanos());
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
            if (seconds % SUMMARY_EVERY_SECONDS == 0) {
                SummaryWriter.write(m.directory().file("summary.json"), m.summarize(Instant.now()));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ticker: {}", e.toString());
        }
    }

    synchronized void finalTick() {
        m.progress().finishLine();
        try {
            hlog.write(in.recorders.snapshot());
        } catch (IOException e) {
            log.warn("final hlog interval: {}", e.toString());
        }
    }
}
