package dev.realtimeharness.metrics;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Accounts for every expected delivery of every probe: each ends as exactly one of delivered or lost
 * (duplicates, late arrivals, unexpected frames and other change types on probe rows are counted beside them), so
 * at the end {@code expectedDeliveries == delivered + lost}, and {@code lost} is the sum of {@link #lost(LostReason)}.
 *
 * <p>A probe is owed to every subscription the scenario subscribes to receive it, ready or not: a delivery owed to
 * a subscription that was not ready when the probe was registered is lost at once, with the reason
 * ({@link LostReason#NEVER_READY} or {@link LostReason#CHANNEL_DOWN}), so that channels that never became ready
 * cannot leave the books (a target that withholds readiness from a fifth of its channels must not pass with lost 0).
 *
 * <p>Order: {@link #outOfOrder()} counts only what Realtime could have kept in order; the rule, and what it keeps
 * per subscription and probe, is {@link DeliveryOrder}'s. Publishers report each probe's send (with its FIFO lane
 * when it has one) and its acknowledgement.
 *
 * <p>Threads: {@link #register}/{@link #markSent}/{@link #markAcknowledged} from the publisher, {@link #recordDelivery}
 * from any number of event loops, {@link #expireOlderThan}/{@link #subscriptionClosed} and the counters from the
 * ticker. Each probe in flight ({@link InFlightProbe}) is guarded by its own monitor.
 *
 * <p>Memory: only probes not yet evicted by {@link #expireOlderThan} are kept (the in-flight window,
 * about rate × drainTimeout probes, each with its subscriptions and their states, five longs and a count), plus
 * three longs per subscription (highest seq delivered here, and {@link DeliveryOrder}'s two).
 *
 * <p>After eviction a re-delivery can no longer be matched exactly. We keep, per subscription, the
 * highest seq delivered there: an evicted seq at or below it is counted as
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
                         long outOfOrder, long late, long unexpected, long pending, long lostInFlight,
                         long lostChannelDown, long lostNeverReady, long lostPublishFailed, long otherChanges) {
    }

    private final int subscriptionCount;
    private final ConcurrentHashMap<Long, InFlightProbe> inFlight = new ConcurrentHashMap<>();
    // The latest probes by seq modulo its size, looked at before the map: a delivery's lookup boxes no Long.
    private static final int RECENT = 4096;
    private final AtomicReferenceArray<InFlightProbe> recent = new AtomicReferenceArray<>(RECENT);
    // Highest seq delivered per subscription, -1 before the first one: post-eviction duplicates.
    private final AtomicLongArray highestDeliveredSeq;
    private final DeliveryOrder order;
    private final LongSupplier clock;
    // Highest seq ever registered: an unknown seq at or below it was registered and evicted.
    private final AtomicLong highestRegisteredSeq = new AtomicLong(-1);

    private final LongAdder published = new LongAdder();
    private final LongAdder expectedDeliveries = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final LongAdder otherChanges = new LongAdder();
    private final LongAdder[] lostByReason = new LongAdder[LostReason.values().length];
    private volatile DueTally dueTally;

    /** @param subscriptionCount drivers × channelsPerDriver; subscription indexes are 0 .. count-1 */
    public ProbeLedger(int subscriptionCount) {
        this(subscriptionCount, System::nanoTime);
    }

    /** @param clock the {@link System#nanoTime()} stand-in {@link #markAcknowledged} reads */
    ProbeLedger(int subscriptionCount, LongSupplier clock) {
        if (subscriptionCount < 0) {
            throw new IllegalArgumentException("subscriptionCount must be >= 0, was " + subscriptionCount);
        }
        this.subscriptionCount = subscriptionCount;
        this.highestDeliveredSeq = new AtomicLongArray(subscriptionCount);
        for (int i = 0; i < subscriptionCount; i++) {
            highestDeliveredSeq.set(i, -1);
        }
        this.order = new DeliveryOrder(subscriptionCount, inFlight::get);
        this.clock = clock;
        for (int i = 0; i < lostByReason.length; i++) {
            lostByReason[i] = new LongAdder();
        }
    }

    /** From now on, every registration and loss is also counted by its probe's due second (windowed gates). */
    public void tallyByDueSecond(DueTally tally) {
        this.dueTally = tally;
    }

    /** Registers probe {@code seq} owed to {@code expectedSubscriptions}, all of them ready (see below). */
    public void register(long seq, long dueNanos, int[] expectedSubscriptions) {
        register(seq, dueNanos, expectedSubscriptions, new int[0], new int[0]);
    }

    /**
     * Registers probe {@code seq}, due at {@code dueNanos}, owed once to each subscription of the three arrays:
     * {@code ready} ones are pending until delivered or lost; {@code down} ones (ready before, not now) are lost at
     * once as {@link LostReason#CHANNEL_DOWN}, {@code neverReady} ones as {@link LostReason#NEVER_READY}. A
     * subscription named twice counts once, as ready before down before never ready. Call before publishing.
     */
    public void register(long seq, long dueNanos, int[] ready, int[] down, int[] neverReady) {
        if (seq < 0) {
            throw new IllegalArgumentException("probe seq must be >= 0, was " + seq);
        }
        // subscription << 2 | state: one sort orders by subscription and puts the state that wins first.
        long[] keyed = new long[ready.length + down.length + neverReady.length];
        int k = 0;
        for (int state = 0; state < 3; state++) {
            for (int subscription : state == 0 ? ready : state == 1 ? down : neverReady) {
                checkSubscription(subscription);
                keyed[k++] = (long) subscription << 2 | state;
            }
        }
        Arrays.sort(keyed);
        int[] subscriptions = new int[keyed.length];
        byte[] initial = new byte[keyed.length];
        long[] lostByState = new long[3];
        int n = 0;
        for (long key : keyed) {
            int subscription = (int) (key >>> 2);
            if (n > 0 && subscriptions[n - 1] == subscription) {
                continue;
            }
            int state = (int) (key & 3);
            subscriptions[n] = subscription;
            initial[n++] = state == 0 ? InFlightProbe.PENDING : InFlightProbe.LOST;
            lostByState[state]++;
        }
        // Settled before the probe is visible to event loops, so no delivery can race these states.
        InFlightProbe probe = new InFlightProbe(seq, dueNanos, Arrays.copyOf(subscriptions, n), Arrays.copyOf(initial, n),
                (int) lostByState[0]);
        if (inFlight.putIfAbsent(seq, probe) != null) {
            throw new IllegalStateException("probe seq " + seq + " is already registered");
        }
        recent.set((int) (seq & (RECENT - 1)), probe);
        highestRegisteredSeq.accumulateAndGet(seq, Math::max);
        published.increment();
        expectedDeliveries.add(n);
        DueTally tally = dueTally;
        if (tally != null) {
            tally.expected(dueNanos, n);
        }
        addLost(LostReason.CHANNEL_DOWN, dueNanos, lostByState[1]);
        addLost(LostReason.NEVER_READY, dueNanos, lostByState[2]);
    }

    /**
     * Probe {@code seq} could not be published: its pending deliveries are lost as publishFailed; it is kept until
     * {@link #expireOlderThan} passes {@code failedNanos} (a delivery arriving anyway is late). Returns how many.
     */
    public long publishFailed(long seq, long failedNanos) {
        InFlightProbe probe = probe(seq);
        if (probe == null) {
            return 0;
        }
        long marked = probe.failed(failedNanos);
        addLost(LostReason.PUBLISH_FAILED, probe.dueNanos(), marked);
        return marked;
    }

    /** Another change type than the probe's (UPDATE/DELETE of a probe row): counted apart, never as a delivery. */
    public void recordOtherChange() {
        otherChanges.increment();
    }

    /** Records when probe {@code seq} was handed to the driver; unknown seqs are ignored. */
    public void markSent(long seq, long sendNanos) {
        InFlightProbe probe = probe(seq);
        if (probe != null) {
            probe.markSent(sendNanos);
        }
    }

    /**
     * Probe {@code seq} was handed at {@code sendNanos} to FIFO lane {@code lane} (a socket that keeps its frames in
     * order and acknowledges none); call in the lane's send order and before the frame is written.
     */
    public void markSent(long seq, long sendNanos, int lane) {
        InFlightProbe probe = probe(seq);
        if (probe != null) {
            probe.markSent(sendNanos);
            order.sentOnLane(lane, seq);
        }
    }

    /**
     * The target acknowledged probe {@code seq} (its commit returned, its HTTP request was answered 202): a probe sent
     * after this must be delivered after it. The time is read here, under the probe's lock, so that a delivery this
     * call has not yet seen cannot have been overtaken by a probe sent after it.
     */
    public void markAcknowledged(long seq) {
        InFlightProbe probe = probe(seq);
        if (probe != null) {
            probe.markAcknowledged(clock);
        }
    }

    /** Called on an event loop as soon as a probe frame is read; never throws for bad input. */
    public Delivery recordDelivery(long seq, int subscription, long recvNanos) {
        if (subscription < 0 || subscription >= subscriptionCount) {
            unexpected.increment();
            return new Delivery(Kind.UNEXPECTED, seq, 0, NOT_SENT);
        }
        InFlightProbe probe = probe(seq);
        if (probe == null) {
            return settledOrUnknown(seq, subscription);
        }
        Delivery delivery = probe.deliver(subscription);
        switch (delivery.kind()) {
            case DELIVERED -> {
                delivered.increment();
                highestDeliveredSeq.getAndAccumulate(subscription, seq, Math::max);
                order.delivered(subscription, probe);
            }
            case DUPLICATE -> duplicated.increment();
            case LATE -> late.increment();
            case UNEXPECTED -> unexpected.increment();
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
        for (InFlightProbe probe : inFlight.values()) {
            long m = probe.loseAt(subscription);
            addLost(LostReason.CHANNEL_DOWN, probe.dueNanos(), m);
            marked += m;
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
        for (Iterator<InFlightProbe> it = inFlight.values().iterator(); it.hasNext(); ) {
            InFlightProbe probe = it.next();
            if (probe.sentBefore(sentBeforeNanos)) {
                long m = probe.loseAllPending();
                addLost(LostReason.IN_FLIGHT, probe.dueNanos(), m);
                marked += m;
                it.remove();
                recent.compareAndSet((int) (probe.seq() & (RECENT - 1)), probe, null);
            }
        }
        return marked;
    }

    /** End of the run: everything still pending is lost. Probes stay so that stragglers count as late. */
    public long finish() {
        long marked = 0;
        for (InFlightProbe probe : inFlight.values()) {
            long m = probe.loseAllPending();
            addLost(LostReason.IN_FLIGHT, probe.dueNanos(), m);
            marked += m;
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

    /** The sum of {@link #lost(LostReason)} over the reasons. */
    public long lost() {
        long sum = 0;
        for (LongAdder byReason : lostByReason) {
            sum += byReason.sum();
        }
        return sum;
    }

    public long duplicated() {
        return duplicated.sum();
    }

    /** Deliveries that came after one that was ordered after them ({@link DeliveryOrder}). */
    public long outOfOrder() {
        return order.outOfOrder();
    }

    public long outOfOrder(int subscription) {
        checkSubscription(subscription);
        return order.outOfOrder(subscription);
    }

    /** Deliveries that arrived after being declared lost; not part of delivered. */
    public long late() {
        return late.sum();
    }

    public long unexpected() {
        return unexpected.sum();
    }

    /** Lost deliveries for one reason; the reasons add up to {@link #lost()}. */
    public long lost(LostReason reason) {
        return lostByReason[reason.ordinal()].sum();
    }

    /** Changes of another type than the probe's on probe rows (see {@link #recordOtherChange}). */
    public long otherChanges() {
        return otherChanges.sum();
    }

    /** Expected deliveries neither delivered nor lost yet. */
    public long pending() {
        return expectedDeliveries.sum() - delivered.sum() - lost();
    }

    public Counts counts() {
        long expected = expectedDeliveries.sum();
        long deliveredNow = delivered.sum();
        long lostNow = lost();
        return new Counts(published.sum(), expected, deliveredNow, lostNow, duplicated.sum(), order.outOfOrder(),
                late.sum(), unexpected.sum(), expected - deliveredNow - lostNow, lost(LostReason.IN_FLIGHT),
                lost(LostReason.CHANNEL_DOWN), lost(LostReason.NEVER_READY), lost(LostReason.PUBLISH_FAILED),
                otherChanges.sum());
    }

    /** Probes held in memory (the in-flight window). */
    public int inFlightProbes() {
        return inFlight.size();
    }

    private InFlightProbe probe(long seq) {
        InFlightProbe p = recent.get((int) (seq & (RECENT - 1)));
        return p != null && p.seq() == seq ? p : inFlight.get(seq);
    }

    private void addLost(LostReason reason, long dueNanos, long n) {
        if (n == 0) {
            return;
        }
        lostByReason[reason.ordinal()].add(n);
        DueTally tally = dueTally;
        if (tally != null) {
            tally.lost(dueNanos, reason, n);
        }
    }

    private void checkSubscription(int subscription) {
        if (subscription < 0 || subscription >= subscriptionCount) {
            throw new IllegalArgumentException(
                    "subscription " + subscription + " outside 0.." + (subscriptionCount - 1));
        }
    }
}
