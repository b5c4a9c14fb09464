package dev.realtimeharness.client;

import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinReply;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.RefCounter;
import dev.realtimeharness.protocol.SystemMessage;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver app: a WebSocket to Realtime carrying all of the driver's channels. Everything here runs on the
 * connection's event loop; only {@link #start()} and {@link #stop()} may be called from elsewhere.
 */
final class DriverConnection {
    private static final Logger log = LoggerFactory.getLogger(DriverConnection.class);
    static final int MAX_FRAME_BYTES = 5_000_000;
    static final long TOKEN_REFRESH_LEAD_MILLIS = 60_000;

    private final DriverSpec spec;
    private final FleetConfig config;
    private final ClientListener listener;
    private final Pacer joinPacer;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SslContext ssl;
    private final PhoenixCodec codec;
    private final InboundScan scan;
    private final Map<String, SubscriptionState> byTopic = new HashMap<>();
    private final List<SubscriptionState> subscriptions;

    private volatile boolean running;
    private Channel channel;
    private boolean open;
    private boolean everOpened;
    private boolean attemptFailed;
    private long connectStartNanos;
    private int reconnectTries;
    private RefCounter refs = new RefCounter();
    private String pendingHeartbeatRef;
    private long heartbeatSentNanos;
    private ScheduledFuture<?> heartbeatTask;
    private byte[] scratch = new byte[4096];
    private HandshakeResponseRecorder handshake;
    private final TokenProvider tokens;
    private final java.time.Clock clock;
    private ScheduledFuture<?> tokenRefreshTask;

    DriverConnection(DriverSpec spec, FleetConfig config, ClientListener listener, Pacer joinPacer, EventLoop loop,
            SslContext ssl) {
        this(spec, config, listener, joinPacer, loop, ssl, java.time.Clock.systemUTC());
    }

    /** {@code clock} is the wall clock token expiry is compared with (tests pass a fixed one). */
    DriverConnection(DriverSpec spec, FleetConfig config, ClientListener listener, Pacer joinPacer, EventLoop loop,
            SslContext ssl, java.time.Clock clock) {
        this.spec = spec;
        this.tokens = spec.tokens();
        this.clock = clock;
        this.config = config;
        this.listener = listener;
        this.joinPacer = joinPacer;
        this.loop = loop;
        this.ssl = ssl;
        this.codec = PhoenixCodec.of(config.vsn());
        this.scan = new InboundScan(config.probeColumn());
        this.subscriptions = spec.channels().stream().map(SubscriptionState::new).toList();
        for (SubscriptionState s : subscriptions) {
            byTopic.put(s.spec.topic(), s);
        }
        this.bootstrap = new Bootstrap().group(loop).channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch.pipeline());
                    }
                });
    }

    int index() {
        return spec.index();
    }

    /**
     * For handler tests on an {@code EmbeddedChannel}: adopts a channel whose WebSocket handshake the test drives
     * (by firing {@code HANDSHAKE_COMPLETE}) and returns the inbound handler to add to its pipeline.
     */
    io.netty.channel.ChannelHandler adoptForTest(Channel ch) {
        running = true;
        channel = ch;
        connectStartNanos = System.nanoTime();
        scheduleTokenRefresh();
        return new Handler();
    }

    void start() {
        running = true;
        loop.execute(() -> {
            scheduleTokenRefresh();
            connect();
        });
    }

    /** Closes the socket with a normal close frame; no reconnect follows. Completes when the socket is closed. */
    io.netty.util.concurrent.Future<Void> stop() {
        running = false;
        io.netty.util.concurrent.Promise<Void> promise = loop.newPromise();
        loop.execute(() -> {
            cancelHeartbeat();
            if (tokenRefreshTask != null) {
                tokenRefreshTask.cancel(false);
            }
            subscriptions.forEach(SubscriptionState::cancelTimer);
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                ch.closeFuture().addListener(f -> promise.trySuccess(null));
                ch.writeAndFlush(new CloseWebSocketFrame(1000, "harness done")).addListener(f -> ch.close());
                loop.schedule(() -> {
                    ch.close();
                    promise.trySuccess(null);
                }, 2, TimeUnit.SECONDS);
            } else {
                promise.trySuccess(null);
            }
        });
        return promise;
    }

    private void initPipeline(ChannelPipeline p) {
        URI uri = config.socketUri();
        if (ssl != null) {
            p.addLast(ssl.newHandler(p.channel().alloc(), uri.getHost(), port(uri)));
        }
        p.addLast(new HttpClientCodec());
        p.addLast(new HttpObjectAggregator(65536));
        handshake = new HandshakeResponseRecorder();
        p.addLast(handshake);
        p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .build()));
        p.addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES));
        p.addLast(new Handler());
    }

    static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private void connect() {
        if (!running) {
            return;
        }
        URI uri = config.socketUri();
        attemptFailed = false;
        connectStartNanos = System.nanoTime();
        listener.connectAttempted(spec.index());
        bootstrap.connect(uri.getHost(), port(uri)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                connectFailed(describe(f.cause()));
            } else {
                channel = f.channel();
                channel.closeFuture().addListener(cf -> onSocketClosed());
            }
        });
    }

    private void connectFailed(String reason) {
        if (attemptFailed) {
            return;
        }
        attemptFailed = true;
        listener.connectFailed(spec.index(), reason);
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (!running) {
            return;
        }
        reconnectTries++;
        loop.schedule(this::connect, Backoff.reconnectMillis(reconnectTries), TimeUnit.MILLISECONDS);
    }

    private void onOpen() {
        long now = System.nanoTime();
        open = true;
        boolean reconnect = everOpened;
        everOpened = true;
        reconnectTries = 0;
        refs = new RefCounter();
        pendingHeartbeatRef = null;
        listener.connected(spec.index(), now - connectStartNanos, reconnect);
        long hb = config.heartbeat().toNanos();
        heartbeatTask = loop.scheduleAtFixedRate(this::heartbeat, hb, hb, TimeUnit.NANOSECONDS);
        for (SubscriptionState s : subscriptions) {
            if (s.phase != SubscriptionState.Phase.CLOSED) {
                scheduleJoin(s, joinPacer.reserveDelayNanos(now));
            }
        }
    }

    private void onSocketClosed() {
        boolean wasOpen = open;
        open = false;
        cancelHeartbeat();
        for (SubscriptionState s : subscriptions) {
            s.cancelTimer();
            if (s.phase == SubscriptionState.Phase.JOINED) {
                listener.subscriptionClosed(s.spec.subscription(), "socket closed");
            }
            if (s.phase != SubscriptionState.Phase.CLOSED) {
                // realtime-js rejoins errored channels when the socket opens again.
                s.phase = SubscriptionState.Phase.ERRORED;
                s.ready = false;
            }
        }
        if (wasOpen) {
            listener.disconnected(spec.index(), running ? "socket closed by peer" : "closed by harness");
            scheduleReconnect();
        } else if (running) {
            connectFailed("socket closed before the WebSocket handshake completed");
        }
    }

    private void cancelHeartbeat() {
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
            heartbeatTask = null;
        }
    }

    private void heartbeat() {
        if (!open) {
            return;
        }
        if (pendingHeartbeatRef != null) {
            // phoenix.js: a heartbeat still unanswered when the next is due closes the socket (1000,
            // "heartbeat timeout") and reconnects.
            log.warn("driver {}: heartbeat timeout, reconnecting", spec.index());
            pendingHeartbeatRef = null;
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "heartbeat timeout")).addListener(f -> channel.close());
            return;
        }
        pendingHeartbeatRef = refs.next();
        heartbeatSentNanos = System.nanoTime();
        send(Messages.heartbeat(pendingHeartbeatRef));
    }

    /**
     * Schedules the renewal of the driver's token a little before its {@code exp}: 60 s before, or half its
     * lifetime when that is shorter. Tokens without {@code exp} (opaque keys) are never renewed.
     */
    private void scheduleTokenRefresh() {
        if (tokens == null || !running) {
            return;
        }
        long exp = TokenProvider.expiresAt(tokens.current());
        if (exp < 0) {
            return;
        }
        long iat = TokenProvider.issuedAt(tokens.current());
        long leadMillis = TOKEN_REFRESH_LEAD_MILLIS;
        if (iat >= 0 && iat < exp) {
            leadMillis = Math.min(leadMillis, (exp - iat) * 1000 / 2);
        }
        long delayMillis = Math.max(0, exp * 1000 - leadMillis - clock.millis());
        tokenRefreshTask = loop.schedule(this::refreshToken, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void refreshToken() {
        tokenRefreshTask = null;
        if (!running) {
            return;
        }
        String next = tokens.renew();
        if (next == null) {
            return;
        }
        // realtime-js setAuth: push the new token to every joined channel; the server never replies. Later joins
        // and rejoins carry it in their payload.
        if (open) {
            for (SubscriptionState s : subscriptions) {
                if (s.phase == SubscriptionState.Phase.JOINED) {
                    send(Messages.accessToken(s.spec.topic(), s.joinRef, refs.next(), next));
                }
            }
        }
        scheduleTokenRefresh();
    }

    private void scheduleJoin(SubscriptionState s, long delayNanos) {
        s.cancelTimer();
        if (delayNanos <= 0) {
            sendJoin(s);
        } else {
            s.timer = loop.schedule(() -> sendJoin(s), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sendJoin(SubscriptionState s) {
        if (!open || !running) {
            return;
        }
        String ref = refs.next();
        s.joinRef = ref;
        s.phase = SubscriptionState.Phase.JOINING;
        s.ready = false;
        s.joinSentNanos = System.nanoTime();
        listener.joinAttempted(s.spec.subscription());
        send(Messages.join(s.spec.topic(), ref,
                tokens == null ? s.spec.join() : s.spec.join().withAccessToken(tokens.current())));
        s.timer = loop.schedule(() -> joinTimedOut(s, ref), config.joinTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void joinTimedOut(SubscriptionState s, String ref) {
        if (s.phase != SubscriptionState.Phase.JOINING || !ref.equals(s.joinRef)) {
            return;
        }
        listener.joinFailed(s.spec.subscription(), "TIMED_OUT");
        // phoenix.js: on a join timeout, leave, mark errored, rejoin with backoff.
        send(Messages.leave(s.spec.topic(), s.joinRef, refs.next()));
        scheduleRejoin(s);
    }

    private void scheduleRejoin(SubscriptionState s) {
        s.phase = SubscriptionState.Phase.ERRORED;
        s.rejoinTries++;
        scheduleJoin(s, TimeUnit.MILLISECONDS.toNanos(Backoff.rejoinMillis(s.rejoinTries)));
    }

    private void send(PhoenixMessage m) {
        WireFrame f = codec.encodeClientPush(m);
        WebSocketFrame frame = f instanceof WireFrame.Text t ? new TextWebSocketFrame(t.text())
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(((WireFrame.Binary) f).bytes()));
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    /**
     * Sends one broadcast on each of the given topics that this connection has joined, on its event loop; the
     * callback is told the send time and how many frames will be written, just before they are.
     */
    void sendBroadcasts(List<String> topics, String userEvent, com.fasterxml.jackson.databind.JsonNode payload,
            BroadcastCallback callback) {
        loop.execute(() -> {
            List<SubscriptionState> joined = new java.util.ArrayList<>(topics.size());
            if (open) {
                for (String topic : topics) {
                    SubscriptionState s = byTopic.get(topic);
                    if (s != null && s.phase == SubscriptionState.Phase.JOINED) {
                        joined.add(s);
                    }
                }
            }
            // The callback runs before the frames are written: a delivery can come back on another event loop
            // before this task ends, and its send time must already be known.
            callback.done(System.nanoTime(), joined.size());
            for (SubscriptionState s : joined) {
                send(Messages.broadcast(s.spec.topic(), s.joinRef, refs.next(), userEvent, payload));
            }
        });
    }

    /** Completion of {@link #sendBroadcasts}; called on the connection's event loop. */
    public interface BroadcastCallback {
        void done(long sendNanos, int framesSent);
    }

    private void onText(ByteBuf content, long recvNanos) {
        int len = content.readableBytes();
        byte[] bytes;
        int off;
        if (content.hasArray()) {
            bytes = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            content.getBytes(content.readerIndex(), scratch, 0, len);
            bytes = scratch;
            off = 0;
        }
        try {
            scan.scanText(config.vsn(), bytes, off, len);
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(bytes, off, len));
            return;
        }
        String event = scan.event();
        if (Events.POSTGRES_CHANGES.equals(event) || Events.BROADCAST.equals(event)) {
            deliver(recvNanos);
            return;
        }
        PhoenixMessage m;
        try {
            m = codec.decode(new WireFrame.Text(new String(bytes, off, len, StandardCharsets.UTF_8)));
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(bytes, off, len));
            return;
        }
        onControl(m, recvNanos);
    }

    private void onBinary(ByteBuf content, long recvNanos) {
        byte[] bytes = ByteBufUtil.getBytes(content);
        try {
            scan.scanBinary(bytes);
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(bytes, 0, bytes.length));
            return;
        }
        deliver(recvNanos);
    }

    private void deliver(long recvNanos) {
        SubscriptionState s = byTopic.get(scan.topic());
        if (s == null || scan.probe() == null) {
            return;
        }
        // Pushes that carry a join_ref from an earlier join are stale (phoenix.js isMember drops them).
        if (scan.joinRef() != null && !scan.joinRef().equals(s.joinRef)) {
            return;
        }
        listener.probeReceived(s.spec.subscription(), scan.probe(), recvNanos, scan.commitTimestamp());
    }

    private void onControl(PhoenixMessage m, long recvNanos) {
        if (Events.PHOENIX_TOPIC.equals(m.topic())) {
            if (m.isReply() && m.ref() != null && m.ref().equals(pendingHeartbeatRef)) {
                pendingHeartbeatRef = null;
                listener.heartbeatRtt(spec.index(), recvNanos - heartbeatSentNanos);
            }
            return;
        }
        SubscriptionState s = byTopic.get(m.topic());
        if (s == null) {
            return;
        }
        switch (m.event()) {
            case Events.REPLY -> onReply(s, m, recvNanos);
            case Events.SYSTEM -> onSystem(s, m, recvNanos);
            case Events.CLOSE -> {
                if (isCurrent(s, m)) {
                    closeSubscription(s, "phx_close");
                }
            }
            case Events.ERROR -> {
                if (isCurrent(s, m)) {
                    if (s.phase == SubscriptionState.Phase.JOINED) {
                        listener.subscriptionClosed(s.spec.subscription(), "phx_error");
                    }
                    s.ready = false;
                    scheduleRejoin(s);
                }
            }
            case Events.PRESENCE_STATE, Events.PRESENCE_DIFF -> listener.presence(s.spec.subscription(), m.event());
            default -> {
                // Other pushes are not part of the latency path.
            }
        }
    }

    private boolean isCurrent(SubscriptionState s, PhoenixMessage m) {
        // The v1 server never sends join_ref; then the topic alone identifies the channel.
        return m.joinRef() == null || m.joinRef().equals(s.joinRef);
    }

    private void onReply(SubscriptionState s, PhoenixMessage m, long recvNanos) {
        if (s.phase != SubscriptionState.Phase.JOINING || m.ref() == null || !m.ref().equals(s.joinRef)) {
            return;
        }
        s.cancelTimer();
        JoinReply reply = JoinReply.parse(m.reply(), s.spec.join().postgresChanges());
        if (!reply.ok()) {
            listener.joinFailed(s.spec.subscription(), reply.reason());
            if (reply.reason() != null && reply.reason().startsWith("mismatch")) {
                send(Messages.leave(s.spec.topic(), s.joinRef, refs.next()));
            }
            scheduleRejoin(s);
            return;
        }
        s.phase = SubscriptionState.Phase.JOINED;
        s.rejoinTries = 0;
        s.postgresChangeIds = reply.postgresChangeIds();
        listener.joined(s.spec.subscription(), recvNanos - s.joinSentNanos);
        if (s.spec.presenceTrack() != null) {
            // As a driver app would after SUBSCRIBED: channel.track(payload).
            send(Messages.presenceTrack(s.spec.topic(), s.joinRef, refs.next(), s.spec.presenceTrack()));
        }
        if (!s.expectsPostgresChanges()) {
            markReady(s, recvNanos);
        }
    }

    private void onSystem(SubscriptionState s, PhoenixMessage m, long recvNanos) {
        SystemMessage sys = SystemMessage.of(m.payload());
        if (sys.isPostgresSubscribed()) {
            if (s.phase == SubscriptionState.Phase.JOINED) {
                markReady(s, recvNanos);
            }
        } else if (!sys.ok()) {
            listener.systemError(s.spec.subscription(), sys.message());
        }
    }

    private void markReady(SubscriptionState s, long recvNanos) {
        if (!s.ready) {
            s.ready = true;
            listener.ready(s.spec.subscription(), recvNanos - s.joinSentNanos);
        }
    }

    private void closeSubscription(SubscriptionState s, String reason) {
        s.cancelTimer();
        boolean wasJoined = s.phase == SubscriptionState.Phase.JOINED;
        s.phase = SubscriptionState.Phase.CLOSED;
        s.ready = false;
        if (wasJoined) {
            listener.subscriptionClosed(s.spec.subscription(), reason);
        }
    }

    private static String head(byte[] b, int off, int len) {
        return new String(b, off, Math.min(len, 120), StandardCharsets.UTF_8);
    }

    static String describe(Throwable t) {
        if (t instanceof WebSocketClientHandshakeException h && h.response() != null) {
            return "HTTP " + h.response().status().code() + " " + h.response().status().reasonPhrase();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            long recvNanos = System.nanoTime();
            if (frame instanceof TextWebSocketFrame) {
                onText(frame.content(), recvNanos);
            } else if (frame instanceof BinaryWebSocketFrame) {
                onBinary(frame.content(), recvNanos);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                onOpen();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!open) {
                // Handshake refused (HTTP 401/403/429...) or failed: a failed connection attempt. A refusal is
                // reported with the server's body, which says why (realtime: {"error":"Token has expired"}).
                HandshakeResponseRecorder h = handshake;
                connectFailed(cause instanceof WebSocketClientHandshakeException && h != null && h.refusal() != null
                        ? h.refusal() : describe(cause));
            } else {
                log.debug("driver {}: {}", spec.index(), describe(cause));
            }
            ctx.close();
        }
    }
}
