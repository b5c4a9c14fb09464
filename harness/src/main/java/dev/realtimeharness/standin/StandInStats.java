package dev.realtimeharness.standin;

import io.netty.channel.Channel;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-in's counters: sockets, channels, deliveries, malformed frames, RLS-hidden changes and refusals by
 * reason. Thread-safe: written by every event loop and the capture thread, read by anyone.
 */
final class StandInStats {
    private static final Logger log = LoggerFactory.getLogger(StandInStats.class);

    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicInteger channelsJoined = new AtomicInteger();
    private final LongAdder framesDelivered = new LongAdder();
    private final LongAdder deliveriesDropped = new LongAdder();
    private final LongAdder writesWhileUnwritable = new LongAdder();
    private final LongAdder malformedFrames = new LongAdder();
    private final LongAdder rlsHidden = new LongAdder();
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
    private final AtomicLong nextMalformedLogNanos = new AtomicLong(System.nanoTime());

    StandInStats() {
        // Filled once here and never changed after, so concurrent reads of the EnumMap are safe.
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
        }
    }

    void connectionOpened() {
        connectionsOpen.incrementAndGet();
    }

    void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    void channelJoined() {
        channelsJoined.incrementAndGet();
    }

    void channelLeft() {
        channelsJoined.decrementAndGet();
    }

    void delivered(int n) {
        framesDelivered.add(n);
    }

    void dropped() {
        deliveriesDropped.increment();
    }

    void unwritable() {
        writesWhileUnwritable.increment();
    }

    void countRlsHidden() {
        rlsHidden.increment();
    }

    void refused(Refusal why) {
        refusals.get(why).increment();
    }

    /** Counts a frame that is no valid message and logs it at most once a second, with its first bytes. */
    void malformed(Channel ch, String reason, String head) {
        malformedFrames.increment();
        long now = System.nanoTime();
        long next = nextMalformedLogNanos.get();
        if (now - next >= 0 && nextMalformedLogNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
            log.warn("MalformedWebSocketMessage on {}: {} (frame starts {}); {} malformed frames so far", ch, reason,
                    head, malformedFrames.sum());
        }
    }

    int connectionsOpen() {
        return connectionsOpen.get();
    }

    int channelsJoined() {
        return channelsJoined.get();
    }

    long framesDelivered() {
        return framesDelivered.sum();
    }

    long deliveriesDropped() {
        return deliveriesDropped.sum();
    }

    long writesWhileUnwritable() {
        return writesWhileUnwritable.sum();
    }

    long malformedFrames() {
        return malformedFrames.sum();
    }

    long rlsHidden() {
        return rlsHidden.sum();
    }

    long refusals(Refusal why) {
        return refusals.get(why).sum();
    }

    /** Every refusal count, zero counts included, in {@link Refusal} order. */
    Map<Refusal, Long> refusals() {
        Map<Refusal, Long> m = new EnumMap<>(Refusal.class);
        refusals.forEach((r, n) -> m.put(r, n.sum()));
        return m;
    }
}
