package dev.realtimeharness.standin;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code disconnectRatio} knob: once, {@code disconnectAfter} after the first postgres_changes or broadcast frame
 * the server routes to a socket, it closes {@code ceil(ratio * open)} of the sockets open at that moment, the
 * earliest-connected first, with a WebSocket close 1012 (Service Restart) and then the TCP close: what a Realtime
 * node going away does (Phoenix drains its sockets and websock_adapter closes them with 1012), so clients reconnect.
 *
 * <p>Why that clock: the stand-in does not know the publishing schedule, but the first routed delivery is the first
 * probe reaching a subscriber, i.e. the start of publishing as the server sees it (presence diffs do not start it).
 * The scenario's default, half the publishing span, is computed where the schedule is known (EmbeddedConfig).
 * Sockets that connect after the moment, reconnects included, are never closed by this knob. Thread-safe.
 */
final class Disconnects {
    private static final Logger log = LoggerFactory.getLogger(Disconnects.class);
    /** WebSocket close code 1012, Service Restart: Phoenix's socket drain through websock_adapter. */
    static final int CLOSE_SERVICE_RESTART = 1012;

    private final double ratio;
    private final Duration after;
    private final EventExecutor timer;
    private final Supplier<Collection<StandInConnection>> open;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong closed = new AtomicLong();

    Disconnects(double ratio, Duration after, EventExecutor timer, Supplier<Collection<StandInConnection>> open) {
        this.ratio = ratio;
        this.after = after;
        this.timer = timer;
        this.open = open;
    }

    /** A postgres_changes or broadcast frame was routed to a socket: the first one starts the clock. */
    void routed() {
        // One volatile read per delivery once started; the CAS runs only until the first delivery.
        if (ratio <= 0 || started.get() || !started.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(this::fire, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nobody is left to disconnect.
        }
    }

    private void fire() {
        closeNow(ratio, "disconnectRatio=" + ratio);
    }

    /**
     * Closes {@code ceil(share * open)} of the sockets open now, the earliest-connected first, with 1012, as the knob
     * does when it fires; for a fault schedule. Returns how many it closed.
     */
    int closeNow(double share, String why) {
        List<StandInConnection> sockets = new ArrayList<>(open.get());
        sockets.sort(Comparator.comparingLong(StandInConnection::openedSeq));
        int n = (int) ReadyWithholding.share(sockets.size(), share);
        log.info("{}: closing {} of {} open sockets with {}", why, n, sockets.size(), CLOSE_SERVICE_RESTART);
        // Counted before the close goes out: a client may see its close (and a test may read the count) before
        // this loop ends.
        closed.addAndGet(n);
        for (int i = 0; i < n; i++) {
            sockets.get(i).closeSocket(CLOSE_SERVICE_RESTART);
        }
        return n;
    }

    /** Sockets closed by the knob (0 until it fired). */
    long closed() {
        return closed.get();
    }
}
