package dev.realtimeharness.run;

import dev.realtimeharness.capture.SlotLagMonitor;
import dev.realtimeharness.metrics.EventLoopLag;
import dev.realtimeharness.metrics.HiccupMeter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.PostgresMemory;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.ProcessWatchdog;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.scenario.Scenario;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything a run measures with, as one value: the latency recorders, the counters, the probe ledger, the ready
 * board, the hiccup meter and watchdog, publish failures, and PostgreSQL's memory once the target is known.
 */
final class Instruments {
    final LatencyRecorders recorders = new LatencyRecorders();
    final RunCounters counters = new RunCounters();
    final ProbeLedger ledger;
    final ReadyBoard board;
    final WarmUp warmUp;
    final HiccupMeter hiccups = new HiccupMeter();
    final EventLoopLag loopLag = new EventLoopLag();
    final ProcessWatchdog watchdog = new ProcessWatchdog(hiccups, loopLag);
    final LongAdder publishFailures = new LongAdder();
    // Set when the publisher has opened; -1 before (and for a run that never published).
    private volatile int publisherConnections = -1;
    private volatile PostgresMemory pgMemory = PostgresMemory.none();

    final ResultWrites writes;

    Instruments(Scenario scenario, String runId, java.io.PrintStream err) {
        this.writes = new ResultWrites(err);
        this.ledger = new ProbeLedger(scenario.drivers() * scenario.channelsPerDriver());
        this.warmUp = new WarmUp(runId, scenario.drivers() * scenario.channelsPerDriver(), recorders);
        this.board = new ReadyBoard(scenario.drivers(), scenario.channelsPerDriver());
    }

    /** Set once the target's database is known to run on this machine. */
    void measurePostgres(PostgresMemory memory) {
        this.pgMemory = memory;
    }

    PostgresMemory pgMemory() {
        return pgMemory;
    }

    /** The publisher's connections, once it has opened (summary.json publisher.connections). */
    void publishingOver(int connections) {
        this.publisherConnections = connections;
    }

    private Summary.HarnessStats harnessStats() {
        List<String> saturatedBy = watchdog.saturatedBy();
        return new Summary.HarnessStats(watchdog.maxHeapUsedBytes(), watchdog.maxCpuRatio(),
                Summary.LatencyStats.roundMillis(hiccups.p99Millis()), !saturatedBy.isEmpty(),
                Summary.LatencyStats.roundMillis(hiccups.maxMillis()),
                Math.round(watchdog.maxThreadCpuRatio() * 1000) / 1000.0, watchdog.maxThreadName(), saturatedBy,
                roundMillis(watchdog.eventLoopLagP99Millis()), roundMillis(watchdog.eventLoopLagMaxMillis()),
                watchdog.heapSlopeMiBPerHour());
    }

    private static Double roundMillis(Double millis) {
        return millis == null ? null : Summary.LatencyStats.roundMillis(millis);
    }

    /** The figures so far, as summary.json has them (without the gate's verdict). */
    Summary summarize(Scenario s, String runId, Instant startedAt, Instant endedAt, RunTarget target) {
        return new Summary(runId, s.name(), target.name(), startedAt.toString(), endedAt.toString(), s.drivers(),
                s.channelsPerDriver(), Summary.Connections.from(counters), Summary.Channels.from(counters,
                        (long) s.drivers() * s.channelsPerDriver()),
                Summary.Messages.from(ledger.counts()),
                Summary.LatencyStats.of(recorders.cumulative(Metric.PUB_TO_RECV)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.PUB_TO_RECV_RAW)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.JOIN)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.READY)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.CONNECT)),
                harnessStats(),
                new Summary.Errors(counters.protocolErrors()),
                new Summary.Memory(watchdog.maxHeapUsedBytes(), watchdog.heapLimitBytes(), target.localClock(),
                        pgMemory.maxBytes()),
                null, new Summary.Publisher(publisherConnections < 0 ? null : publisherConnections,
                        publishFailures.sum(), Summary.LatencyStats.of(recorders.cumulative(Metric.PUBLISH_LAG))),
                null, null, capture(target.capture()), warmUp.stats());
    }

    private static dev.realtimeharness.results.CaptureStats capture(SlotLagMonitor c) {
        return c == null ? null : new dev.realtimeharness.results.CaptureStats(c.bytesMax(), Math.round(c.secondsMax() * 1000) / 1000.0,
                c.reconnects(), c.failure().orElse(null));
    }
}
