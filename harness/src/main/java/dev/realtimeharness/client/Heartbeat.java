package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixMessage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * phoenix.js's heartbeat on one connection: the first heartbeat one interval after the socket opens, each next one an
 * interval after the previous reply arrived (not at a fixed rate), the reply's round trip reported; a heartbeat still
 * unanswered an interval after it was sent closes the socket ({@link Outbound#close}, bounded), which reconnects.
 * Runs on the connection's event loop.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService loop;
    private final long intervalNanos;
    private final int driver;
    private final ClientListener listener;
    private final Runnable onTimeout;

    private Outbound out;
    private String pendingRef;
    private long sentNanos;
    // The one timer: the next heartbeat while none is pending, the pending one's timeout otherwise.
    private ScheduledFuture<?> task;

    /** {@code onTimeout}: told just before a heartbeat timeout closes the socket. */
    Heartbeat(ScheduledExecutorService loop, long intervalNanos, int driver, ClientListener listener,
            Runnable onTimeout) {
        this.loop = loop;
        this.onTimeout = onTimeout;
        this.intervalNanos = intervalNanos;
        this.driver = driver;
        this.listener = listener;
    }

    /** The socket opened: the first heartbeat is due one interval from now. */
    void start(Outbound socket) {
        stop();
        out = socket;
        pendingRef = null;
        task = loop.schedule(this::beat, intervalNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        pendingRef = null;
    }

    /** A message on the phoenix topic; {@code recvNanos} when its frame was read. */
    void onMessage(PhoenixMessage m, long recvNanos) {
        if (m.isReply() && m.ref() != null && m.ref().equals(pendingRef)) {
            pendingRef = null;
            listener.heartbeatRtt(driver, recvNanos - sentNanos);
            // phoenix.js onConnMessage: clear the timeout, and the next heartbeat is an interval after this reply.
            if (task != null) {
                task.cancel(false);
            }
            task = loop.schedule(this::beat, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void beat() {
        pendingRef = out.nextRef();
        sentNanos = System.nanoTime();
        out.send(Messages.heartbeat(pendingRef));
        task = loop.schedule(this::timedOut, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void timedOut() {
        task = null;
        if (pendingRef == null) {
            return;
        }
        // phoenix.js heartbeatTimeout: no reply an interval after the heartbeat: close (1000, "heartbeat timeout");
        // the close then reconnects.
        log.warn("driver {}: heartbeat timeout, reconnecting", driver);
        pendingRef = null;
        onTimeout.run();
        out.close("heartbeat timeout");
    }
}
