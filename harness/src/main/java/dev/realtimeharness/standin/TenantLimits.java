package dev.realtimeharness.standin;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tenant limits of protocol.md §9, one tenant per stand-in: the events and joins rates (measured as the server's
 * RateCounter does) and the concurrent users. Thread-safe; {@link #tick} is called by one ticker.
 */
final class TenantLimits {
    private final StandInLimits limits;
    private final RateCounter events;
    private final RateCounter joins;
    private final AtomicInteger concurrentUsers = new AtomicInteger();

    TenantLimits(StandInLimits limits, Duration rateTick) {
        this.limits = limits;
        this.events = new RateCounter(limits.maxEventsPerSecond(), rateTick);
        this.joins = new RateCounter(limits.maxJoinsPerSecond(), rateTick);
    }

    /** Closes the rate counters' current buckets; the server's schedule calls it every rate tick. */
    void tick() {
        events.tick();
        joins.tick();
    }

    /** A broadcast received or a message delivered to a subscriber channel: one event. */
    void countEvent() {
        events.increment();
    }

    boolean eventsLimited() {
        return events.triggered();
    }

    /** A join attempt that passed the joins check: one join. */
    void countJoin() {
        joins.increment();
    }

    boolean joinsLimited() {
        return joins.triggered();
    }

    /**
     * Whether the tenant is at its concurrent users cap. At the cap even a socket that already counts as a user
     * cannot join another channel, as the server compares the tenant's user count with the max and nothing else.
     */
    boolean usersAtCap() {
        return concurrentUsers.get() >= limits.maxConcurrentUsers();
    }

    /** Whether a socket with {@code joined} channels may join no more. */
    boolean channelsAtCap(int joined) {
        return joined >= limits.maxChannelsPerClient();
    }

    /** A socket joined its first channel: it is a concurrent user until it closes. */
    void userJoined() {
        // guess: UsersCounter tracks the transport pid, so leaving every channel does not uncount the socket; only
        // its end does.
        concurrentUsers.incrementAndGet();
    }

    void userLeft() {
        concurrentUsers.decrementAndGet();
    }

    int concurrentUsers() {
        return concurrentUsers.get();
    }

    /** The tenant's events per second as of the last rate tick (broadcasts received plus messages delivered). */
    double eventsPerSecond() {
        return events.avg();
    }

    /** The tenant's joins per second as of the last rate tick. */
    double joinsPerSecond() {
        return joins.avg();
    }
}
