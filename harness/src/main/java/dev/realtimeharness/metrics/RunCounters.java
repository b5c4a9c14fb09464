package dev.realtimeharness.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connection, channel, heartbeat and error counters, written from event loops and read by the ticker.
 * Counters only grow; the {@code …Open}/{@code …Ready} gauges go up and down.
 */
public final class RunCounters {

    private final LongAdder connectionsAttempted = new LongAdder();
    private final LongAdder connectionsSucceeded = new LongAdder();
    private final LongAdder connectionsFailed = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final AtomicLong connectionsOpen = new AtomicLong();

    private final LongAdder channelsAttempted = new LongAdder();
    private final LongAdder channelsJoined = new LongAdder();
    private final LongAdder channelsFailed = new LongAdder();
    private final AtomicLong channelsReady = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> joinFailureReasons = new ConcurrentHashMap<>();
    private final LongAdder channelsEverReady = new LongAdder();
    private final LongAdder channelsClosedByServer = new LongAdder();
    private final LongAdder channelsRejoined = new LongAdder();
    // phx_join frames sent, all and rejoins only, in the busiest second: the join rate the target saw.
    private final PeakPerSecond joinsPerSecond = new PeakPerSecond(System.nanoTime());
    private final PeakPerSecond rejoinsPerSecond = new PeakPerSecond(System.nanoTime());

    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder heartbeatsSent = new LongAdder();
    private final LongAdder heartbeatsReplied = new LongAdder();

    public void connectionAttempted() {
        connectionsAttempted.increment();
    }

    /** The WebSocket handshake completed; also opens the gauge. */
    public void connectionSucceeded() {
        connectionsSucceeded.increment();
        connectionsOpen.incrementAndGet();
    }

    public void connectionFailed() {
        connectionsFailed.increment();
    }

    /** A previously succeeded connection closed. */
    public void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    public void reconnect() {
        reconnects.increment();
    }

    public void channelAttempted() {
        channelAttempted(false);
    }

    /**
     * A phx_join was sent; {@code rejoin}: for a subscription that had sent one before (after a reconnect, a refusal,
     * a timeout or phx_error). Counted into the peak joins (and rejoins) per second.
     */
    public void channelAttempted(boolean rejoin) {
        channelsAttempted.increment();
        long now = System.nanoTime();
        joinsPerSecond.record(now);
        if (rejoin) {
            rejoinsPerSecond.record(now);
        }
    }

    /** phx_join frames sent in the busiest 1-second bucket of the run, rejoins included. */
    public long peakJoinsPerSecond() {
        return joinsPerSecond.peak();
    }

    /** Rejoin phx_join frames sent in the busiest 1-second bucket of the run. */
    public long peakRejoinsPerSecond() {
        return rejoinsPerSecond.peak();
    }

    public void channelJoined() {
        channelsJoined.increment();
    }

    /** A join was refused; {@code reason} is the server's reason string, counted {@link Reasons#normalise}d. */
    public void channelFailed(String reason) {
        channelsFailed.increment();
        joinFailureReasons.computeIfAbsent(Reasons.normalise(reason), k -> new LongAdder()).increment();
    }

    /** The channel became ready for deliveries (see measurement.md, readiness). */
    public void channelReady() {
        channelsReady.incrementAndGet();
    }

    /** A ready channel closed or left. */
    public void channelNotReady() {
        channelsReady.decrementAndGet();
    }

    /** A subscription was ready for the first time in this run (counted once per subscription by the caller). */
    public void channelEverReady() {
        channelsEverReady.increment();
    }

    /** The server closed a joining or joined channel (phx_close). */
    public void channelClosedByServer() {
        channelsClosedByServer.increment();
    }

    /** A subscription that had been joined before joined again (after phx_error, a refusal, a reconnect). */
    public void channelRejoined() {
        channelsRejoined.increment();
    }

    public long channelsEverReady() {
        return channelsEverReady.sum();
    }

    public long channelsClosedByServer() {
        return channelsClosedByServer.sum();
    }

    public long channelsRejoined() {
        return channelsRejoined.sum();
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    public void heartbeatSent() {
        heartbeatsSent.increment();
    }

    public void heartbeatReplied() {
        heartbeatsReplied.increment();
    }

    public long connectionsAttempted() {
        return connectionsAttempted.sum();
    }

    public long connectionsSucceeded() {
        return connectionsSucceeded.sum();
    }

    public long connectionsFailed() {
        return connectionsFailed.sum();
    }

    public long reconnects() {
        return reconnects.sum();
    }

    public long connectionsOpen() {
        return connectionsOpen.get();
    }

    public long channelsAttempted() {
        return channelsAttempted.sum();
    }

    public long channelsJoined() {
        return channelsJoined.sum();
    }

    public long channelsFailed() {
        return channelsFailed.sum();
    }

    public long channelsReady() {
        return channelsReady.get();
    }

    /** Join failure counts by reason, sorted by reason so summary.json is stable. */
    public Map<String, Long> joinFailureReasons() {
        Map<String, Long> copy = new TreeMap<>();
        joinFailureReasons.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    public long protocolErrors() {
        return protocolErrors.sum();
    }

    public long heartbeatsSent() {
        return heartbeatsSent.sum();
    }

    public long heartbeatsReplied() {
        return heartbeatsReplied.sum();
    }
}
