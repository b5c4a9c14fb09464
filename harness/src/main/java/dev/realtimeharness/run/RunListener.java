package dev.realtimeharness.run;

import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.Reasons;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.publish.Probe;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what the fleet sees into ledger entries, histograms and counters. Runs on event loops; never blocks. */
final class RunListener implements ClientListener {
    private static final Logger log = LoggerFactory.getLogger(RunListener.class);

    private final String runId;
    private final ProbeLedger ledger;
    private final LatencyRecorders recorders;
    private final RunCounters counters;
    private final ReadyBoard board;
    private final boolean commitClockIsLocal;
    private final WarmUp warmUp;
    private final Throttle protocolLog = new Throttle(1_000_000_000L);
    private final Throttle connectLog = new Throttle(1_000_000_000L);
    final LongAdder foreignProbes = new LongAdder();
    final LongAdder systemErrors = new LongAdder();
    final LongAdder presenceStates = new LongAdder();
    final LongAdder presenceDiffs = new LongAdder();
    final ConcurrentHashMap<String, LongAdder> connectFailures = new ConcurrentHashMap<>();

    RunListener(String runId, ProbeLedger ledger, LatencyRecorders recorders, RunCounters counters, ReadyBoard board,
            boolean commitClockIsLocal, WarmUp warmUp) {
        this.runId = runId;
        this.ledger = ledger;
        this.recorders = recorders;
        this.counters = counters;
        this.board = board;
        this.commitClockIsLocal = commitClockIsLocal;
        this.warmUp = warmUp;
    }

    @Override
    public void connectAttempted(int driver) {
        counters.connectionAttempted();
    }

    @Override
    public void connected(int driver, long connectNanos, boolean reconnect) {
        counters.connectionSucceeded();
        if (reconnect) {
            counters.reconnect();
        }
        recorders.recordNanos(Metric.CONNECT, connectNanos);
    }

    @Override
    public void connectFailed(int driver, String reason) {
        counters.connectionFailed();
        connectFailures.computeIfAbsent(Reasons.normalise(reason), k -> new LongAdder()).increment();
        if (connectLog.allow()) {
            log.warn("driver {}: connection failed: {}", driver, reason);
        }
    }

    @Override
    public void disconnected(int driver, String reason) {
        counters.connectionClosed();
        log.info("driver {}: disconnected ({})", driver, reason);
    }

    @Override
    public void joinAttempted(int subscription) {
        counters.channelAttempted(board.markAttempted(subscription));
    }

    @Override
    public void joined(int subscription, long joinNanos) {
        counters.channelJoined();
        if (board.markJoined(subscription)) {
            counters.channelRejoined();
        }
        recorders.recordNanos(Metric.JOIN, joinNanos);
    }

    @Override
    public void joinFailed(int subscription, String reason) {
        counters.channelFailed(reason);
        board.markRefused(subscription);
    }

    @Override
    public void ready(int subscription, long joinToReadyNanos) {
        if (board.markReady(subscription)) {
            counters.channelReady();
            recorders.recordNanos(Metric.READY, joinToReadyNanos);
        }
        if (board.markEverReady(subscription)) {
            counters.channelEverReady();
        }
    }

    @Override
    public void subscriptionClosed(int subscription, String reason) {
        if (board.markClosed(subscription)) {
            counters.channelNotReady();
        }
        // Expected deliveries still pending on a closed subscription can no longer arrive: they are lost.
        ledger.subscriptionClosed(subscription);
        log.debug("subscription {} closed: {}", subscription, reason);
    }

    @Override
    public void closedByServer(int subscription) {
        counters.channelClosedByServer();
    }

    @Override
    public void otherChangeReceived(int subscription, String probe, String changeType) {
        // Only this run's probe rows: another run's rows are foreign, whatever the change.
        if (Probe.parseSeq(runId, probe) < 0) {
            if (warmUp == null || !warmUp.isWarmUpProbe(probe)) {
                foreignProbes.increment();
            }
            return;
        }
        ledger.recordOtherChange();
    }

    @Override
    public void probeReceived(int subscription, String probe, long recvNanos, String commitTimestamp) {
        long seq = Probe.parseSeq(runId, probe);
        if (seq < 0) {
            // A warm-up probe is recorded by the warm-up alone; anything else is another run's.
            if (warmUp == null || !warmUp.received(probe, subscription, recvNanos)) {
                foreignProbes.increment();
            }
            return;
        }
        ProbeLedger.Delivery d = ledger.recordDelivery(seq, subscription, recvNanos);
        if (!d.delivered()) {
            return;
        }
        recorders.recordNanos(Metric.PUB_TO_RECV, recvNanos - d.dueNanos());
        if (d.hasSendTime()) {
            recorders.recordNanos(Metric.PUB_TO_RECV_RAW, recvNanos - d.sendNanos());
        }
        if (commitClockIsLocal && commitTimestamp != null) {
            // commit_timestamp has millisecond resolution and comes from the database's clock, so this figure is
            // recorded only when that clock is this machine's (embedded target).
            try {
                long commitMillis = Instant.parse(commitTimestamp).toEpochMilli();
                long lagMillis = System.currentTimeMillis() - commitMillis;
                recorders.recordNanos(Metric.COMMIT_TO_RECV, Math.max(0, lagMillis) * 1_000_000L);
            } catch (DateTimeParseException e) {
                counters.protocolError();
            }
        }
    }

    @Override
    public void presence(int subscription, String event) {
        (Events.PRESENCE_STATE.equals(event) ? presenceStates : presenceDiffs).increment();
    }

    @Override
    public void heartbeatRtt(int driver, long rttNanos) {
        counters.heartbeatReplied();
        recorders.recordNanos(Metric.HEARTBEAT_RTT, rttNanos);
    }

    @Override
    public void protocolError(int driver, String message, String head) {
        counters.protocolError();
        if (protocolLog.allow()) {
            log.warn("driver {}: unparseable frame ({}): {}", driver, message, head);
        }
    }

    @Override
    public void systemError(int subscription, String message) {
        systemErrors.increment();
        log.warn("subscription {}: system error: {}", subscription, message);
    }
}
