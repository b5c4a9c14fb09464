package dev.realtimeharness.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * The ordering rule of {@link ProbeLedger}: a delivery counts as out of order only when Realtime could have kept the
 * order and did not. Probe B is <em>ordered after</em> probe A when
 * <ul>
 * <li>B was sent after A's publish was acknowledged: the commit returned (postgres, db-broadcast: B's transaction
 * began after A's committed, so A's change comes first on the replication stream), or the HTTP 202 arrived (rest:
 * Realtime had accepted A before B was sent); or</li>
 * <li>B was sent after A on the same FIFO lane, a publishing socket that keeps its frames in order and acknowledges
 * nothing (broadcast over WebSocket: the dispatcher connection of the probe's driver).</li>
 * </ul>
 * Delivering A at subscription s is out of order when a probe ordered after A was already delivered at s. Probes in
 * flight together on different JDBC connections, HTTP requests or sockets have no order Realtime must keep, so
 * however they interleave nothing is counted; one JDBC connection or one HTTP/1.1 connection runs a probe only after
 * the previous one was answered, so its own order is covered by the first clause.
 *
 * <p>Send times are taken before the probe is handed to the driver and acknowledgement times after the answer was
 * seen, so each may only be early (send) or late (acknowledgement): the rule can miss an inversion by that margin,
 * never invent one. One assumption is the lane's: a dispatcher connection that reconnects stays one lane, so a frame
 * the server still held from the old socket and delivered after the new socket's first frames would be counted.
 *
 * <p>How: per subscription, the latest send time among the probes delivered there. A is out of order if that is
 * later than A's acknowledgement, or later than A's own send and one of the probes sent after A on its lane (a chain
 * of seqs, {@link Sent#nextOnLane}) was delivered at s; the walk stops at the first probe sent after that latest
 * send, so it costs nothing while a lane's deliveries arrive in order.
 *
 * <p>Memory: two longs per subscription (latest delivered send, out-of-order count), two per probe in flight
 * (acknowledgement time, next seq on its lane, held by the ledger's probe), and one map entry per FIFO lane (its
 * last seq sent): nothing per (subscription, lane).
 */
final class DeliveryOrder {

    /** What the rule needs of a probe still in flight; thread-safe. */
    interface Sent {
        /** {@link ProbeLedger#NOT_SENT} when not known yet. */
        long sendNanos();

        /** {@link ProbeLedger#NOT_SENT} until its publish was acknowledged. */
        long ackNanos();

        /** The seq sent next on the same FIFO lane, -1 if none (yet, or no lane). */
        long nextOnLane();

        void linkNextOnLane(long seq);

        boolean deliveredAt(int subscription);
    }

    private final LongFunction<? extends Sent> inFlight;
    private final AtomicLongArray latestDeliveredSend;
    private final AtomicLongArray outOfOrderBySubscription;
    private final LongAdder outOfOrder = new LongAdder();
    private final ConcurrentHashMap<Integer, Long> lastSentOnLane = new ConcurrentHashMap<>();

    /** @param inFlight the probe of a seq, null once evicted (or never registered) */
    DeliveryOrder(int subscriptionCount, LongFunction<? extends Sent> inFlight) {
        this.inFlight = inFlight;
        this.latestDeliveredSend = new AtomicLongArray(subscriptionCount);
        for (int i = 0; i < subscriptionCount; i++) {
            latestDeliveredSend.set(i, ProbeLedger.NOT_SENT);
        }
        this.outOfOrderBySubscription = new AtomicLongArray(subscriptionCount);
    }

    /** Probe {@code seq} was sent on FIFO lane {@code lane}; call in the lane's send order, before it is written. */
    void sentOnLane(int lane, long seq) {
        Long previous = lastSentOnLane.put(lane, seq);
        Sent before = previous == null ? null : inFlight.apply(previous);
        if (before != null) {
            before.linkNextOnLane(seq);
        }
    }

    /** {@code probe} was just delivered, for the first time, at {@code subscription}; returns whether out of order. */
    boolean delivered(int subscription, Sent probe) {
        long send = probe.sendNanos();
        long latest = send == ProbeLedger.NOT_SENT
                ? latestDeliveredSend.get(subscription)
                : latestDeliveredSend.getAndAccumulate(subscription, send, DeliveryOrder::later);
        boolean inverted = latest != ProbeLedger.NOT_SENT && send != ProbeLedger.NOT_SENT && latest - send > 0
                && (acknowledgedBefore(probe.ackNanos(), latest) || laterOnLaneDelivered(probe, subscription, latest));
        if (inverted) {
            outOfOrder.increment();
            outOfOrderBySubscription.incrementAndGet(subscription);
        }
        return inverted;
    }

    private static boolean acknowledgedBefore(long ackNanos, long sendNanos) {
        return ackNanos != ProbeLedger.NOT_SENT && sendNanos - ackNanos > 0;
    }

    // The probes sent after A on its lane, up to the latest send delivered here: was one of them delivered here?
    private boolean laterOnLaneDelivered(Sent probe, int subscription, long latestSend) {
        for (long next = probe.nextOnLane(); next >= 0; ) {
            Sent later = inFlight.apply(next);
            if (later == null || later.sendNanos() - latestSend > 0) {
                return false;
            }
            if (later.deliveredAt(subscription)) {
                return true;
            }
            next = later.nextOnLane();
        }
        return false;
    }

    private static long later(long a, long b) {
        return a == ProbeLedger.NOT_SENT || b - a > 0 ? b : a;
    }

    long outOfOrder() {
        return outOfOrder.sum();
    }

    long outOfOrder(int subscription) {
        return outOfOrderBySubscription.get(subscription);
    }
}
