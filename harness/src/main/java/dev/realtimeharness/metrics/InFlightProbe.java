package dev.realtimeharness.metrics;

import dev.realtimeharness.metrics.ProbeLedger.Delivery;
import dev.realtimeharness.metrics.ProbeLedger.Kind;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * One probe the {@link ProbeLedger} still holds: the state of each delivery it owes, its times and its place on its
 * FIFO lane. Guarded by its own monitor, so event loops only contend when they deliver the same probe at the same
 * instant. It keeps no counts: the ledger counts what these methods return.
 */
final class InFlightProbe implements DeliveryOrder.Sent {
    static final byte PENDING = 0;
    static final byte DELIVERED = 1;
    static final byte LOST = 2;

    private final long seq;
    private final long dueNanos;
    private final int[] subscriptions; // sorted, distinct
    private final byte[] states;
    private long sendNanos = ProbeLedger.NOT_SENT;
    private long ackNanos = ProbeLedger.NOT_SENT;
    private long nextOnLane = -1;
    private int pending;

    InFlightProbe(long seq, long dueNanos, int[] subscriptions, byte[] states, int pending) {
        this.seq = seq;
        this.dueNanos = dueNanos;
        this.subscriptions = subscriptions;
        this.states = states;
        this.pending = pending;
    }

    long seq() {
        return seq;
    }

    long dueNanos() {
        return dueNanos;
    }

    synchronized void markSent(long nanos) {
        sendNanos = nanos;
    }

    // The clock is read under the lock: a delivery that did not see the acknowledgement came before it.
    synchronized void markAcknowledged(LongSupplier clock) {
        ackNanos = clock.getAsLong();
    }

    synchronized boolean sentBefore(long nanos) {
        return sendNanos != ProbeLedger.NOT_SENT && sendNanos - nanos < 0;
    }

    @Override
    public synchronized long sendNanos() {
        return sendNanos;
    }

    @Override
    public synchronized long ackNanos() {
        return ackNanos;
    }

    @Override
    public synchronized long nextOnLane() {
        return nextOnLane;
    }

    @Override
    public synchronized void linkNextOnLane(long next) {
        nextOnLane = next;
    }

    @Override
    public synchronized boolean deliveredAt(int subscription) {
        int slot = Arrays.binarySearch(subscriptions, subscription);
        return slot >= 0 && states[slot] == DELIVERED;
    }

    /** A delivery at {@code subscription}: delivered the first time, then duplicate; late once lost. */
    synchronized Delivery deliver(int subscription) {
        int slot = Arrays.binarySearch(subscriptions, subscription);
        if (slot < 0) {
            return new Delivery(Kind.UNEXPECTED, seq, 0, ProbeLedger.NOT_SENT);
        }
        switch (states[slot]) {
            case PENDING:
                states[slot] = DELIVERED;
                pending--;
                return new Delivery(Kind.DELIVERED, seq, dueNanos, sendNanos);
            case DELIVERED:
                return new Delivery(Kind.DUPLICATE, seq, 0, ProbeLedger.NOT_SENT);
            default:
                return new Delivery(Kind.LATE, seq, 0, ProbeLedger.NOT_SENT);
        }
    }

    /** Marks the delivery owed to {@code subscription} lost if still pending; returns 1 if it did, else 0. */
    synchronized int loseAt(int subscription) {
        int slot = Arrays.binarySearch(subscriptions, subscription);
        if (slot < 0 || states[slot] != PENDING) {
            return 0;
        }
        states[slot] = LOST;
        pending--;
        return 1;
    }

    /** It could not be published: takes {@code nanos} as its send time if it had none, and loses what is pending. */
    synchronized int failed(long nanos) {
        if (sendNanos == ProbeLedger.NOT_SENT) {
            sendNanos = nanos;
        }
        return loseAllPending();
    }

    /** Marks every pending delivery lost; returns how many. */
    synchronized int loseAllPending() {
        if (pending == 0) {
            return 0;
        }
        int marked = 0;
        for (int i = 0; i < states.length; i++) {
            if (states[i] == PENDING) {
                states[i] = LOST;
                marked++;
            }
        }
        pending = 0;
        return marked;
    }
}
