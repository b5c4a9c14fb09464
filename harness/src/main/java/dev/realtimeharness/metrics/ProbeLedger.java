package dev.realtimeharness.metrics;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accounts for every expected delivery of every probe: each ends as exactly one of delivered or lost
 * (duplicates, late arrivals and unexpected frames are counted beside them), so at the end
 * {@code expectedDeliveries == delivered + lost}.
 *
 * <p>Threads: {@link #register}/{@link #markSent} from the publisher, {@link #recordDelivery} from any
 * number of event loops, {@link #expireOlderThan}/{@link #subscriptionClosed} and the counters from the
 * ticker. Each in-flight probe is guarded by its own monitor, so event loops only contend when they
 * deliver the same probe at the same instant.
 *
 * <p>Memory: only probes not yet evicted by {@link #expireOlderThan} are kept (the in-flight window,
 * about rate × drainTimeout probes), plus three longs per subscription.
 *
 * <p>After eviction a re-delivery can no longer be matched exactly. We keep, per subscription, the
 * highest seq delivered there (needed for ordering anyway): an evicted seq at or below it is counted as
 * {@link Kind#DUPLICATE} (the subscription most likely already had it), above it as {@link Kind#LATE}
 * (it had been declared lost). Neither changes delivered or lost, so the invariant holds whatever the
 * guess; only the split between duplicated and late can be off for deliveries older than the window.
 * A per-probe bitset would be exact but grows with probes × subscriptions over a soak.
 *
 * <p>All times are {@link System#nanoTime()} values.
 */
public final class ProbeLedger {

    /** {@link Delivery#sendNanos()} when the delivery arrived before {@link #markSent} was called. */
    public static final long NOT_SENT = Long.MIN_VALUE;

    private static final byte PENDING = 0;
    private static final byte DELIVERED = 1;
    private static final byte LOST = 2;

    public enum Kind {
        /** First delivery of an expected (seq, subscription): latency may be recorded. */
        DELIVERED,
        /** Seen again after it was delivered. */
        DUPLICATE,
        /** Arrived after it had been declared lost (expired, subscription closed or run finished). */
        LATE,
        /** Unknown seq, or a subscription the probe was not expected at. */
        UNEXPECTED
    }

    /**
     * Outcome of one delivery. {@code dueNanos} and {@code sendNanos} are set only for
     * {@link Kind#DELIVERED}; {@code sendNanos} is {@link #NOT_SENT} if the send time is not known yet.
     */
    public record Delivery(Kind kind, long seq, long dueNanos, long sendNanos) {
        public boolean delivered() {
            return kind == Kind.DELIVERED;
        }

        public boolean hasSendTime() {
            return sendNanos != NOT_SENT;
        }
    }

    /** A point-in-time reading of the counters (each counter is exact, the set is not atomic). */
    public record Counts(long published, long expectedDeliveries, long delivered, long lost, long duplicated,
                         long outOfOrder, long late, long unexpected, long pending) {
    }

    private final int subscriptionCount;
    private final ConcurrentHashMap<Long, Probe> inFlight = new ConcurrentHashMap<>();
    // Highest seq delivered per subscription, -1 before the first one: ordering and post-eviction duplicates.
    private final AtomicLongArray highestDeliveredSeq;
    private final AtomicLongArray outOfOrderBySubscription;
    // Highest seq ever registered: an unknown seq at or below it was registered and evicted.
    private final AtomicLong highestRegisteredSeq = new AtomicLong(-1);

    private final LongAdder published = new LongAdder();
    private final LongAdder expectedDeliveries = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder unexpected = new LongAdder();

    /** @param subscriptionCount drivers × channelsPerDriver; subscription indexes are 0 .. count-1 */
    public ProbeLedger(int subscriptionCount) {
        if (subscriptionCount < 0) {
            throw new IllegalArgumentException("subscriptionCount must be >= 0, was " + subscriptionCount);
        }
        this.subscriptionCount = subscriptionCount;
        this.highestDeliveredSeq = new AtomicLongArray(subscriptionCount);
        for (int i = 0; i < subscriptionCount; i++) {
            highestDeliveredSeq.set(i, -1);
        }
        this.outOfOrderBySubscription = new AtomicLongArray(subscriptionCount);
    }

    /**
     * Registers probe {@code seq}, due at {@code dueNanos}, expected once at each of
     * {@code expectedSubscriptions} (duplicates in the array are ignored). Call before publishing it.
     */
    public void register(long seq, long dueNanos, int[] expectedSubscriptions) {
        if (seq < 0) {
            throw new IllegalArgumentException("probe seq must be >= 0, was " + seq);
        }
        int[] subscriptions = Arrays.stream(expectedSubscriptions).sorted().distinct().toArray();
        for (int subscription : subscriptions) {
            checkSubscription(subscription);
        }
        Probe probe = new Probe(seq, dueNanos, subscriptions);
        if (inFlight.putIfAbsent(seq, probe) != null) {
            throw new IllegalStateException("probe seq " + seq + " is already registered");
        }
        highestRegisteredSeq.accumulateAndGet(seq, Math::max);
        published.increment();
        expectedDeliveries.add(subscriptions.length);
    }

    /** Records when probe {@code seq} was handed to the driver; unknown seqs are ignored. */
    public void markSent(long seq, long sendNanos) {
        Probe probe = inFlight.get(seq);
        if (probe != null) {
            probe.markSent(sendNanos);
        }
    }

    /** Called on an event loop as soon as a probe frame is read; never throws for bad input. */
    public Delivery recordDelivery(long seq, int subscription, long recvNanos) {
        if (subscription < 0 || subscription >= subscriptionCount) {
            unexpected.increment();
            return new Delivery(Kind.UNEXPECTED, seq, 0, NOT_SENT);
        }
        Probe probe = inFlight.get(seq);
        if (probe == null) {
            return settledOrUnknown(seq, subscription);
        }
        Delivery delivery = probe.deliver(subscription);
        if (delivery.kind() == Kind.DELIVERED) {
            long previousHighest = highestDeliveredSeq.getAndAccumulate(subscription, seq, Math::max);
            if (seq < previousHighest) {
                outOfOrder.increment();
                outOfOrderBySubscription.incrementAndGet(subscription);
            }
        }
        return delivery;
    }

    private Delivery settledOrUnknown(long seq, int subscription) {
        if (seq < 0 || seq > highestRegisteredSeq.get()) {
            unexpected.increment();
            return new Delivery(Kind.UNEXPECTED, seq, 0, NOT_SENT);
        }
        // Registered and evicted: see the class comment for why this is a guess.
        if (seq <= highestDeliveredSeq.get(subscription)) {
            duplicated.increment();
            return new Delivery(Kind.DUPLICATE, seq, 0, NOT_SENT);
        }
        late.increment();
        return new Delivery(Kind.LATE, seq, 0, NOT_SENT);
    }

    /** The subscription's channel closed: its pending expected deliveries are lost. Returns how many. */
    public long subscriptionClosed(int subscription) {
        checkSubscription(subscription);
        long marked = 0;
        for (Probe probe : inFlight.values()) {
            marked += probe.loseAt(subscription);
        }
        return marked;
    }

    /**
     * Marks pending deliveries of probes sent before {@code sentBeforeNanos} as lost and evicts those
     * probes (all settled by then). Probes not yet sent are kept: the publisher may be running late.
     * Returns the number of deliveries newly marked lost.
     */
    public long expireOlderThan(long sentBeforeNanos) {
        long marked = 0;
        for (Iterator<Probe> it = inFlight.values().iterator(); it.hasNext(); ) {
            Probe probe = it.next();
            if (probe.sentBefore(sentBeforeNanos)) {
                marked += probe.loseAllPending();
                it.remove();
            }
        }
        return marked;
    }

    /** End of the run: everything still pending is lost. Probes stay so that stragglers count as late. */
    public long finish() {
        long marked = 0;
        for (Probe probe : inFlight.values()) {
            marked += probe.loseAllPending();
        }
        return marked;
    }

    public long published() {
        return published.sum();
    }

    public long expectedDeliveries() {
        return expectedDeliveries.sum();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long lost() {
        return lost.sum();
    }

    public long duplicated() {
        return duplicated.sum();
    }

    public long outOfOrder() {
        return outOfOrder.sum();
    }

    public long outOfOrder(int subscription) {
        checkSubscription(subscription);
        return outOfOrderBySubscription.get(subscription);
    }

    /** Deliveries that arrived after being declared lost; not part of delivered. */
    public long late() {
        return late.sum();
    }

    public long unexpected() {
        return unexpected.sum();
    }

    /** Expected deliveries neither delivered nor lost yet. */
    public long pending() {
        return expectedDeliveries.sum() - delivered.sum() - lost.sum();
    }

    public Counts counts() {
        long expected = expectedDeliveries.sum();
        long deliveredNow = delivered.sum();
        long lostNow = lost.sum();
        return new Counts(published.sum(), expected, deliveredNow, lostNow, duplicated.sum(), outOfOrder.sum(),
                late.sum(), unexpected.sum(), expected - deliveredNow - lostNow);
    }

    /** Probes held in memory (the in-flight window). */
    public int inFlightProbes() {
        return inFlight.size();
    }

    private void checkSubscription(int subscription) {
        if (subscription < 0 || subscription >= subscriptionCount) {
            throw new IllegalArgumentException(
                    "subscription " + subscription + " outside 0.." + (subscriptionCount - 1));
        }
    }

    private final class Probe {
        private final long seq;
        private final long dueNanos;
        private final int[] subscriptions; // sorted, distinct
        private final byte[] states;
        private long sendNanos = NOT_SENT;
        private int pending;

        Probe(long seq, long dueNanos, int[] subscriptions) {
            this.seq = seq;
            this.dueNanos = dueNanos;
            this.subscriptions = subscriptions;
            this.states = new byte[subscriptions.length];
            this.pending = subscriptions.length;
        }

        synchronized void markSent(long nanos) {
            sendNanos = nanos;
        }

        synchronized boolean sentBefore(long nanos) {
            return sendNanos != NOT_SENT && sendNanos - nanos < 0;
        }

        synchronized Delivery deliver(int subscription) {
            int slot = Arrays.binarySearch(subscriptions, subscription);
            if (slot < 0) {
                unexpected.increment();
                return new Delivery(Kind.UNEXPECTED, seq, 0, NOT_SENT);
            }
            switch (states[slot]) {
                case PENDING:
                    states[slot] = DELIVERED;
                    pending--;
                    delivered.increment();
                    return new Delivery(Kind.DELIVERED, seq, dueNanos, sendNanos);
                case DELIVERED:
                    duplicated.increment();
                    return new Delivery(Kind.DUPLICATE, seq, 0, NOT_SENT);
                default:
                    late.increment();
                    return new Delivery(Kind.LATE, seq, 0, NOT_SENT);
            }
        }

        synchronized int loseAt(int subscription) {
            int slot = Arrays.binarySearch(subscriptions, subscription);
            if (slot < 0 || states[slot] != PENDING) {
                return 0;
            }
            states[slot] = LOST;
            pending--;
            lost.increment();
            return 1;
        }

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
            lost.add(marked);
            return marked;
        }
    }
}
