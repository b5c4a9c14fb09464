package dev.realtimeharness.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One driver app: a WebSocket to Realtime carrying all of the driver's channels. Connects and reconnects with
 * realtime-js's schedule; when the socket opens, starts the heartbeat and the joins of its channels
 * ({@link ChannelJoiner}); pushes renewed tokens and sends broadcasts. Everything here runs on the connection's event
 * loop; only {@link #start()}, {@link #stop()} and {@link #sendBroadcasts} may be called from elsewhere. A stopped
 * connection does not start again.
 */
final class DriverConnection {

    /** Opens one socket whose pipeline {@code initializer} sets up. */
    interface SocketOpener {
        ChannelFuture open(DriverChannelInitializer initializer);
    }

    private final DriverSpec spec;
    private final ClientListener listener;
    private final EventLoop loop;
    private final SocketOpener opener;
    private final DriverChannelInitializer initializer;
    private final PhoenixCodec codec;
    private final ChannelTable table;
    private final ChannelJoiner joiner;
    private final Heartbeat heartbeat;
    private final TokenRefresh tokenRefresh;

    private volatile boolean running;
    private volatile boolean stopped;
    // The current connection attempt: its id, its socket (from the moment it is created, so that stop() can close
    // one still connecting) and how far it got. Every callback names the attempt it belongs to; one from an older
    // attempt is ignored, so a lost socket is reported and reconnected exactly once.
    private int attempt;
    private Channel channel;
    private AttemptState state = AttemptState.ENDED;
    private boolean failureReported;
    private String closeReason;
    private Outbound out;
    private boolean everOpened;
    private long connectStartNanos;
    private int reconnectTries;

    private enum AttemptState { CONNECTING, OPEN, ENDED }

    DriverConnection(DriverSpec spec, FleetConfig config, ClientListener listener, Pacer joinPacer, EventLoop loop,
            SslContext ssl) {
        this(spec, config, listener, joinPacer, loop, ssl, Clock.systemUTC(), tcp(loop, config.socketUri()));
    }

    /**
     * {@code clock}: the wall clock token expiry is compared with; {@code opener}: how a socket is opened (TCP through
     * a {@link Bootstrap} on {@code loop}, in production).
     */
    DriverConnection(DriverSpec spec, FleetConfig config, ClientListener listener, Pacer joinPacer, EventLoop loop,
            SslContext ssl, Clock clock, SocketOpener opener) {
        this.spec = spec;
        this.listener = listener;
        this.loop = loop;
        this.opener = opener;
        this.codec = PhoenixCodec.of(config.vsn());
        this.table = new ChannelTable(spec.channels(), listener);
        this.joiner = new ChannelJoiner(table, loop, joinPacer, config.joinTimeout().toNanos(), spec.tokens(),
                () -> isOpen() && running);
        this.heartbeat = new Heartbeat(loop, config.heartbeat().toNanos(), spec.index(), listener,
                () -> closing(attempt, "heartbeat timeout"));
        this.tokenRefresh = new TokenRefresh(spec.tokens(), clock, loop, () -> running, this::pushToken);
        this.initializer = new DriverChannelInitializer(this, config, ssl);
    }

    static SocketOpener tcp(EventLoop loop, URI uri) {
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        return initializer -> bootstrap.handler(initializer).connect(uri.getHost(), DriverChannelInitializer.port(uri));
    }

    int index() {
        return spec.index();
    }

    ClientListener listener() {
        return listener;
    }

    ChannelTable table() {
        return table;
    }

    PhoenixCodec codec() {
        return codec;
    }

    boolean isOpen() {
        return state == AttemptState.OPEN;
    }

    void start() {
        if (stopped) {
            return;
        }
        running = true;
        if (stopped) {
            // stop() ran meanwhile: it must win, or a stopped connection would connect.
            running = false;
            return;
        }
        loop.execute(() -> {
            tokenRefresh.schedule();
            connect();
        });
    }

    /**
     * Closes the socket, whatever state it is in (with a normal close frame when it is open, at once when it is still
     * connecting); no reconnect follows. Completes when the socket is closed, or after 2 s.
     */
    Future<Void> stop() {
        stopped = true;
        running = false;
        Promise<Void> promise = loop.newPromise();
        loop.execute(() -> {
            heartbeat.stop();
            tokenRefresh.cancel();
            joiner.cancelAll();
            Channel ch = channel;
            if (ch == null || !ch.isOpen()) {
                promise.trySuccess(null);
                return;
            }
            ch.closeFuture().addListener(f -> promise.trySuccess(null));
            if (state == AttemptState.OPEN && ch.isActive()) {
                // Closed once the close frame is written, or after Outbound.CLOSE_WAIT_MILLIS if it cannot be.
                out.close("harness done");
                loop.schedule(() -> promise.trySuccess(null), 2, TimeUnit.SECONDS);
            } else {
                ch.close();
            }
        });
        return promise;
    }

    // Connect and reconnect

    /** The id of the current connection attempt; a socket's handlers are told theirs when they are created. */
    int attempt() {
        return attempt;
    }

    /** True while {@code id} is the current attempt and has not ended: its socket's events count. */
    boolean isCurrent(int id) {
        return id == attempt && state != AttemptState.ENDED;
    }

    private void connect() {
        if (!running) {
            return;
        }
        int id = ++attempt;
        state = AttemptState.CONNECTING;
        failureReported = false;
        closeReason = null;
        connectStartNanos = System.nanoTime();
        listener.connectAttempted(spec.index());
        ChannelFuture connecting = opener.open(initializer);
        channel = connecting.channel();
        // The close of this socket, and only it, ends the attempt and schedules the one reconnect: a refused
        // connect, a failed handshake, a protocol error, a heartbeat timeout all end in this close.
        channel.closeFuture().addListener(cf -> onSocketClosed(id));
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                connectFailed(id, describe(f.cause()));
                f.channel().close();
            }
        });
    }

    /**
     * Attempt {@code id} failed before its WebSocket opened (I/O error, refused or failed handshake): reported once,
     * and its socket closed, which schedules the reconnect. Ignored for an older attempt or one already open.
     */
    void connectFailed(int id, String reason) {
        if (id != attempt || state != AttemptState.CONNECTING) {
            return;
        }
        if (!failureReported) {
            failureReported = true;
            listener.connectFailed(spec.index(), reason);
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** Attempt {@code id}'s socket is being closed for {@code reason}: the reason its loss is reported with. */
    void closing(int id, String reason) {
        if (id == attempt && state == AttemptState.OPEN && closeReason == null) {
            closeReason = reason;
        }
    }

    private void scheduleReconnect() {
        if (!running) {
            return;
        }
        reconnectTries++;
        loop.schedule(this::connect, Backoff.reconnectMillis(reconnectTries), TimeUnit.MILLISECONDS);
    }

    /**
     * Attempt {@code id}'s WebSocket handshake completed: heartbeats start, the retry counts start again (realtime-js
     * resets its reconnect timer and phoenix.js its channels' rejoin timers on open), and every channel not closed
     * for good is joined. Ignored for an older attempt.
     */
    void opened(int id) {
        if (id != attempt || state != AttemptState.CONNECTING) {
            return;
        }
        if (!running) {
            channel.close();
            return;
        }
        long now = System.nanoTime();
        state = AttemptState.OPEN;
        boolean reconnect = everOpened;
        everOpened = true;
        reconnectTries = 0;
        out = new Outbound(channel, codec);
        listener.connected(spec.index(), now - connectStartNanos, reconnect);
        heartbeat.start(out);
        joiner.opened(out, now, reconnect);
    }

    private void onSocketClosed(int id) {
        if (id != attempt || state == AttemptState.ENDED) {
            return;
        }
        boolean wasOpen = state == AttemptState.OPEN;
        state = AttemptState.ENDED;
        heartbeat.stop();
        joiner.cancelAll();
        table.socketClosed();
        if (wasOpen) {
            listener.disconnected(spec.index(), !running ? "closed by harness"
                    : closeReason != null ? closeReason : "socket closed by peer");
        } else if (running && !failureReported) {
            failureReported = true;
            listener.connectFailed(spec.index(), "socket closed before the WebSocket handshake completed");
        }
        scheduleReconnect();
    }

    /** A decoded inbound message that carries no probe; {@code recvNanos} when its frame was read. */
    void onControl(PhoenixMessage m, long recvNanos) {
        if (Events.PHOENIX_TOPIC.equals(m.topic())) {
            heartbeat.onMessage(m, recvNanos);
            return;
        }
        ChannelTable.Change change = table.onControl(m, recvNanos);
        if (change != null) {
            joiner.onChange(change);
        }
    }

    // realtime-js setAuth: push the new token to every joined channel; the server never replies. Later joins and
    // rejoins carry it in their payload.
    private void pushToken(String token) {
        if (!isOpen()) {
            return;
        }
        for (ChannelTable.Entry e : table.entries()) {
            if (e.phase() == ChannelTable.Phase.JOINED) {
                out.send(Messages.accessToken(e.spec().topic(), e.joinRef(), out.nextRef(), token));
            }
        }
    }

    // Broadcasts

    /**
     * Sends one broadcast on each of the given topics that this connection has joined, on its event loop; the
     * callback is told the send time and how many frames will be written, just before they are.
     */
    void sendBroadcasts(List<String> topics, String userEvent, JsonNode payload, BroadcastCallback callback) {
        loop.execute(() -> {
            List<ChannelTable.Entry> joined = new ArrayList<>(topics.size());
            if (isOpen()) {
                for (String topic : topics) {
                    ChannelTable.Entry e = table.entry(topic);
                    if (e != null && e.phase() == ChannelTable.Phase.JOINED) {
                        joined.add(e);
                    }
                }
            }
            // The callback runs before the frames are written: a delivery can come back on another event loop
            // before this task ends, and its send time must already be known.
            callback.done(System.nanoTime(), joined.size());
            for (ChannelTable.Entry e : joined) {
                out.send(Messages.broadcast(e.spec().topic(), e.joinRef(), out.nextRef(), userEvent, payload));
            }
        });
    }

    /** Completion of {@link #sendBroadcasts}; called on the connection's event loop. */
    interface BroadcastCallback {
        void done(long sendNanos, int framesSent);
    }

    static String describe(Throwable t) {
        if (t instanceof WebSocketClientHandshakeException h && h.response() != null) {
            return "HTTP " + h.response().status().code() + " " + h.response().status().reasonPhrase();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
