package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Messages;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Joins the channels of a {@link ChannelTable} on the connection's socket and keeps their timers: joins paced by the
 * fleet's join rate when the socket first opens, rejoins at once when it opens again, phoenix.js's join timeout, and rejoins with its backoff after a refusal,
 * a timeout or a phx_error. The table keeps each channel's state; this sends the frames that follow from it. Runs on
 * the connection's event loop.
 */
final class ChannelJoiner {
    private final ChannelTable table;
    private final ScheduledExecutorService loop;
    private final Pacer joinPacer;
    private final long joinTimeoutNanos;
    private final TokenProvider tokens;
    private final BooleanSupplier canSend;
    private final ScheduledFuture<?>[] timers;
    private Outbound out;

    /**
     * {@code tokens}: the driver's, whose current token every join carries (null: the channel's own join config);
     * {@code canSend}: false when the socket is not open or the connection is stopping, when due joins are dropped.
     */
    ChannelJoiner(ChannelTable table, ScheduledExecutorService loop, Pacer joinPacer, long joinTimeoutNanos,
            TokenProvider tokens, BooleanSupplier canSend) {
        this.table = table;
        this.loop = loop;
        this.joinPacer = joinPacer;
        this.joinTimeoutNanos = joinTimeoutNanos;
        this.tokens = tokens;
        this.canSend = canSend;
        this.timers = new ScheduledFuture<?>[table.entries().size()];
    }

    /**
     * The socket opened at {@code nowNanos}: every channel not closed for good is joined. On the first open each
     * waits for its slot of the fleet's join rate (the initial ramp); after a reconnect all rejoin at once, as
     * phoenix.js's channels do when their socket opens. Either way their rejoin backoff starts again.
     */
    void opened(Outbound socket, long nowNanos, boolean reconnect) {
        out = socket;
        table.socketOpened();
        for (ChannelTable.Entry e : table.entries()) {
            if (e.phase() != ChannelTable.Phase.CLOSED) {
                scheduleJoin(e, reconnect ? 0 : joinPacer.reserveDelayNanos(nowNanos));
            }
        }
    }

    /** Cancels every pending join and join timeout (the socket closed, or the connection stops). */
    void cancelAll() {
        for (ChannelTable.Entry e : table.entries()) {
            cancelTimer(e);
        }
    }

    /** Acts on what an inbound message changed in the table. */
    void onChange(ChannelTable.Change change) {
        ChannelTable.Entry e = change.entry();
        switch (change.kind()) {
            case JOINED -> {
                cancelTimer(e);
                if (e.spec().presenceTrack() != null) {
                    // As a driver app would after SUBSCRIBED: channel.track(payload).
                    out.send(Messages.presenceTrack(e.spec().topic(), e.joinRef(), out.nextRef(),
                            e.spec().presenceTrack()));
                }
            }
            case REFUSED -> {
                cancelTimer(e);
                if (change.reason() != null && change.reason().startsWith("mismatch")) {
                    out.send(Messages.leave(e.spec().topic(), e.joinRef(), out.nextRef()));
                }
                scheduleRejoin(e);
            }
            case ERRORED -> scheduleRejoin(e);
            case CLOSED -> cancelTimer(e);
        }
    }

    private void scheduleJoin(ChannelTable.Entry e, long delayNanos) {
        cancelTimer(e);
        if (delayNanos <= 0) {
            sendJoin(e);
        } else {
            timers[e.position()] = loop.schedule(() -> sendJoin(e), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sendJoin(ChannelTable.Entry e) {
        if (!canSend.getAsBoolean()) {
            return;
        }
        String ref = out.nextRef();
        table.joining(e, ref, System.nanoTime());
        ChannelSpec c = e.spec();
        out.send(Messages.join(c.topic(), ref, tokens == null ? c.join() : c.join().withAccessToken(tokens.current())));
        timers[e.position()] = loop.schedule(() -> joinTimedOut(e, ref), joinTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void joinTimedOut(ChannelTable.Entry e, String ref) {
        if (!table.joinTimedOut(e, ref)) {
            return;
        }
        // phoenix.js: on a join timeout, leave, mark errored, rejoin with backoff.
        out.send(Messages.leave(e.spec().topic(), e.joinRef(), out.nextRef()));
        scheduleRejoin(e);
    }

    private void scheduleRejoin(ChannelTable.Entry e) {
        scheduleJoin(e, TimeUnit.MILLISECONDS.toNanos(Backoff.rejoinMillis(e.rejoinTries())));
    }

    private void cancelTimer(ChannelTable.Entry e) {
        ScheduledFuture<?> t = timers[e.position()];
        if (t != null) {
            t.cancel(false);
            timers[e.position()] = null;
        }
    }
}
