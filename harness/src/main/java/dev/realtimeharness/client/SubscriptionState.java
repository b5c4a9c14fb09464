package dev.realtimeharness.client;

import java.util.List;

/** A channel's state on its connection; confined to the connection's event loop. */
final class SubscriptionState {
    enum Phase { IDLE, JOINING, JOINED, ERRORED, CLOSED }

    final ChannelSpec spec;
    Phase phase = Phase.IDLE;
    String joinRef;
    long joinSentNanos;
    boolean ready;
    int rejoinTries;
    List<Long> postgresChangeIds = List.of();
    io.netty.util.concurrent.ScheduledFuture<?> timer;

    SubscriptionState(ChannelSpec spec) {
        this.spec = spec;
    }

    boolean expectsPostgresChanges() {
        return !spec.join().postgresChanges().isEmpty();
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
