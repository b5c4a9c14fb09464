package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixMessage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * phoenix.js's heartbeat on one connection: a heartbeat on the phoenix topic every interval while the socket is open,
 * the reply's round trip reported, and a heartbeat still unanswered when the next is due closes the socket. Runs on
 * the connection's event loop.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService loop;
    private final long intervalNanos;
    private final int driver;
    private final ClientListener listener;

    private Outbound out;
    private String pendingRef;
    private long sentNanos;
    private ScheduledFuture<?> task;

    Heartbeat(ScheduledExecutorService loop, long intervalNanos, int driver, ClientListener listener) {
        this.loop = loop;
        this.intervalNanos = intervalNanos;
        this.driver = driver;
        this.listener = listener;
    }

    /** The socket opened: the first heartbeat is due one interval from now. */
    void start(Outbound socket) {
        out = socket;
        pendingRef = null;
        task = loop.scheduleAtFixedRate(this::beat, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** A message on the phoenix topic; {@code recvNanos} when its frame was read. */
    void onMessage(PhoenixMessage m, long recvNanos) {
        if (m.isReply() && m.ref() != null && m.ref().equals(pendingRef)) {
            pendingRef = null;
            listener.heartbeatRtt(driver, recvNanos - sentNanos);
        }
    }

    private void beat() {
        if (pendingRef != null) {
            // phoenix.js: a heartbeat still unanswered when the next is due closes the socket (1000,
            // "heartbeat timeout") and reconnects.
            log.warn("driver {}: heartbeat timeout, reconnecting", driver);
            pendingRef = null;
            out.close("heartbeat timeout");
            return;
        }
        pendingRef = out.nextRef();
        sentNanos = System.nanoTime();
        out.send(Messages.heartbeat(pendingRef));
    }
}
