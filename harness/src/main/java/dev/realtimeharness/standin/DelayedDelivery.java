package dev.realtimeharness.standin;

import dev.realtimeharness.protocol.WireFrame;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The delivery of postgres_changes, broadcast and presence_diff frames to one socket, with the injected faults of
 * design/measurement.md: drop, delay plus jitter, and a stall window. {@link #deliver} is thread-safe and never
 * blocks (the lock guards only an append); the frames are written by the socket's event loop.
 */
final class DelayedDelivery {
    private static final WireFrame MALFORMED = new WireFrame.Text(FaultWindows.MALFORMED_TEXT);

    private final Channel channel;
    private final Faults faults;
    private final StandInStats stats;

    // Deliveries waiting for their due time, in due-time order: appended under the lock and drained by the event
    // loop. One socket never reorders frames, as neither TCP nor a channel process would: OrderedJitter draws each
    // delivery's jitter so that its due time is never before the previous one's, while keeping every delivery's
    // delay uniform on [delay, delay + jitter) (clamping independent draws instead would make each delivery wait for
    // the largest jitter drawn before it and inflate the received median).
    private final Object pendingLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final OrderedJitter jitter;
    private long lastDueNanos = Long.MIN_VALUE;

    /** {@code frame} is a WireFrame or a ChangeFrame (encoded by the event loop when it is written). */
    private record Pending(long dueNanos, JoinedChannel channel, Object frame) {
    }

    // Whether a drain for due-now frames is queued on the event loop and has not started: deliveries from other
    // threads then only append, so a change fanned out to many channels of one socket costs one task and one flush.
    private boolean drainQueued;

    DelayedDelivery(Channel channel, Faults faults, StandInStats stats) {
        this.channel = channel;
        this.faults = faults;
        this.stats = stats;
        this.jitter = faults.newJitter();
    }

    /** Hands a frame for {@code ch} to the socket, applying the fault knobs. */
    void deliver(JoinedChannel ch, WireFrame frame) {
        enqueue(ch, frame);
    }

    /** Hands a postgres_changes frame for {@code ch} to the socket; the event loop encodes it. */
    void deliver(JoinedChannel ch, ChangeFrame frame) {
        enqueue(ch, frame);
    }

    private void enqueue(JoinedChannel ch, Object frame) {
        if (faults.drop()) {
            stats.dropped();
            return;
        }
        long now;
        long due;
        boolean timed;
        boolean queueDrain = false;
        synchronized (pendingLock) {
            // Read under the lock, so that deliveries from several threads (capture, other sockets' event loops)
            // reach the jitter in the order of their hand-over times.
            now = System.nanoTime();
            timed = faults.timed(now);
            due = timed ? faults.dueNanos(now, jitter.next(now)) : now;
            // OrderedJitter already keeps due times in order; this only guards against a due time computed from a
            // clock read that went backwards.
            if (due - lastDueNanos < 0 && lastDueNanos != Long.MIN_VALUE) {
                due = lastDueNanos;
            }
            lastDueNanos = due;
            pending.addLast(new Pending(due, ch, frame));
            if (!timed && due - now <= 0) {
                queueDrain = !drainQueued;
                drainQueued = true;
            }
        }
        EventLoop loop = channel.eventLoop();
        long wait = due - now;
        try {
            if (wait <= 0 && !timed) {
                if (loop.inEventLoop()) {
                    drain();
                } else if (queueDrain) {
                    loop.execute(this::drain);
                }
            } else {
                // One drain per delivery; a drain writes every due frame in order, so an early one takes later
                // frames with it and the later drains find nothing.
                loop.schedule(this::drain, Math.max(0, wait), TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            // The server is shutting down; the frame is not a ByteBuf yet, so nothing leaks.
        }
    }

    /** Forgets every waiting frame: the socket is gone. */
    void clear() {
        synchronized (pendingLock) {
            pending.clear();
        }
    }

    private void drain() {
        synchronized (pendingLock) {
            // From here on a new delivery needs a drain of its own; those already appended are written below.
            drainQueued = false;
        }
        long now = System.nanoTime();
        int written = 0;
        while (true) {
            Pending p;
            synchronized (pendingLock) {
                p = pending.peekFirst();
                if (p == null || p.dueNanos - now > 0) {
                    break;
                }
                pending.pollFirst();
            }
            // A channel left or closed while its frame waited gets nothing, as the server's channel process is gone.
            if (p.channel.closed || !channel.isActive()) {
                continue;
            }
            if (!channel.isWritable()) {
                // Keep writing (Netty buffers it) but count it: the client reads slower than we deliver.
                stats.unwritable();
            }
            // PhoenixFrameEncoder turns the frame into a WebSocket frame (and its ByteBuf) on this event loop.
            // A malformedFrames window sends some frames as text that is not JSON: the delivery is lost to the client.
            // A ChangeFrame becomes its WebSocket frame (and ByteBuf) here, on this event loop.
            channel.write(faults.malform(now) ? MALFORMED
                    : p.frame instanceof ChangeFrame c ? c.toWebSocketFrame() : p.frame);
            written++;
        }
        if (written > 0) {
            // Counted before the flush, so the count never lags a frame the client has already read.
            stats.delivered(written);
            channel.flush();
        }
    }
}
