package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.SystemMessage;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded socket: the Phoenix transport and the Realtime channels joined on it. Inbound handling and the
 * channel map are confined to the socket's event loop; {@link #deliver} may be called from any thread.
 */
final class StandInConnection extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(StandInConnection.class);

    static final String RESTARTING = "RealtimeRestarting: Realtime is restarting, please standby";
    static final String TOPIC_NAME_REQUIRED = "TopicNameRequired: You must provide a topic name";
    static final String TOO_MANY_USERS = "ConnectionRateLimitReached: Too many connected users";
    static final String TOO_MANY_JOINS = "ClientJoinRateLimitReached: Too many joins per second";
    static final String TOO_MANY_CHANNELS = "ChannelRateLimitReached: Too many channels";
    /** Phoenix 1.8.11 closes a socket told to "disconnect" with 1001 (protocol.md §4). */
    static final int CLOSE_GOING_AWAY = 1001;
    static final String PRESENCE_RATE_LIMITED = "Client presence rate limit exceeded";
    static final String PRESENCE_NOT_A_MAP = "Presence track payload must be a map";
    /** CLIENT_PRESENCE_MAX_CALLS and CLIENT_PRESENCE_WINDOW_MS, the server's defaults. */
    static final int CLIENT_PRESENCE_MAX_CALLS = 5;
    static final long CLIENT_PRESENCE_WINDOW_MS = 30_000;
    /** Opaque keys (sb_publishable_…, sb_secret_…) that the server swaps for the apikey token. */
    private static final String OPAQUE_KEY_PREFIX = "sb_";

    private final StandInServer server;
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final Map<String, JoinedChannel> channels = new HashMap<>();
    /** The connect's apikey token: the default channel token. Null when none was given (auth off). */
    private final String apikeyToken;
    private Channel channel;
    private boolean opened;
    private boolean countedAsUser;
    // Presence calls in the current window (nanoTime), event-loop confined.
    private final ArrayDeque<Long> presenceCalls = new ArrayDeque<>();

    // Deliveries waiting for their due time, in due-time order: appended under the lock (the due time is clamped to
    // the previous one, so one socket never reorders frames, as neither TCP nor a channel process would) and
    // drained by the event loop.
    private final Object pendingLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long lastDueNanos = Long.MIN_VALUE;

    private record Pending(long dueNanos, JoinedChannel channel, WireFrame frame) {
    }

    StandInConnection(StandInServer server, Vsn vsn, String apikeyToken) {
        this.server = server;
        this.vsn = vsn;
        this.apikeyToken = apikeyToken;
        this.codec = PhoenixCodec.of(vsn);
    }

    Vsn vsn() {
        return vsn;
    }

    PhoenixCodec codec() {
        return codec;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            opened = true;
            server.connectionOpened(this);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (JoinedChannel ch : channels.values()) {
            server.topics().unregister(ch);
        }
        channels.clear();
        synchronized (pendingLock) {
            pending.clear();
        }
        if (opened) {
            server.connectionClosed(this);
        }
        if (countedAsUser) {
            countedAsUser = false;
            server.tenantLimits().userLeft();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame t) {
            String text = t.text();
            PhoenixMessage m;
            try {
                m = codec.decode(new WireFrame.Text(text));
            } catch (ProtocolException e) {
                server.stats().malformed(ctx.channel(), e.getMessage(), head(text));
                return;
            }
            handle(m);
        } else if (frame instanceof BinaryWebSocketFrame b) {
            byte[] bytes = ByteBufUtil.getBytes(b.content());
            if (vsn != Vsn.V2) {
                server.stats().malformed(ctx.channel(), "binary frame on a vsn 1.0.0 socket",
                        bytes.length + " bytes");
                return;
            }
            UserBroadcast ub;
            try {
                ub = V2Codec.decodeBinary(bytes);
            } catch (ProtocolException e) {
                server.stats().malformed(ctx.channel(), e.getMessage(), bytes.length + " bytes");
                return;
            }
            if ((bytes[0] & 0xFF) != V2Codec.KIND_USER_BROADCAST_PUSH) {
                // guess: kind 4 is server→client only; the server's decoder has no clause for it from a client.
                server.stats().malformed(ctx.channel(), "binary kind " + (bytes[0] & 0xFF) + " from a client",
                        "");
                return;
            }
            handleBinaryBroadcast(ub);
        }
        // Ping, pong and close frames are handled by WebSocketServerProtocolHandler.
    }

    private void handle(PhoenixMessage m) {
        if (Events.PHOENIX_TOPIC.equals(m.topic()) && Events.HEARTBEAT.equals(m.event())) {
            send(Messages.reply(null, m.ref(), Events.PHOENIX_TOPIC, "ok", Json.object()));
            return;
        }
        if (Events.JOIN.equals(m.event())) {
            join(m);
            return;
        }
        if (Events.LEAVE.equals(m.event())) {
            leave(m);
            return;
        }
        JoinedChannel ch = channels.get(m.topic());
        if (ch == null) {
            // Phoenix socket.ex handle_in(nil, ...): a push to a topic this socket has not joined gets an error
            // reply "unmatched topic" (from Phoenix's code as remembered, not re-read).
            send(unmatchedTopic(m));
            return;
        }
        switch (m.event()) {
            case Events.BROADCAST -> handleTextBroadcast(ch, m);
            // The server never replies to access_token.
            case Events.ACCESS_TOKEN -> accessToken(ch, m);
            case Events.PRESENCE -> presence(ch, m);
            // guess: the real channel's handle_in has no catch-all; ignoring keeps the socket up.
            default -> log.debug("ignoring event '{}' on {}", m.event(), m.topic());
        }
    }

    // ---- join / leave ----------------------------------------------------------------------------------------

    private void join(PhoenixMessage m) {
        String topic = m.topic();
        if (!topic.startsWith(Events.TOPIC_PREFIX)) {
            // Not routed by the socket (channel "realtime:*"): Phoenix's encode_ignore, at once.
            send(unmatchedTopic(m));
            return;
        }
        JoinedChannel old = channels.remove(topic);
        if (old != null) {
            // Phoenix "Duplicate channel join": the old channel is closed (phx_close) and the topic joined again.
            server.topics().unregister(old);
            send(new PhoenixMessage(old.joinRef, old.joinRef, topic, Events.CLOSE, Json.object()));
        }
        if (topic.length() == Events.TOPIC_PREFIX.length()) {
            joinError(m, TOPIC_NAME_REQUIRED);
            return;
        }
        if (server.faults().rejectJoin()) {
            joinError(m, RESTARTING);
            return;
        }
        // The server's join checks after the tenant's: concurrent users, joins per second, channels on this
        // socket, then the channel token (protocol.md §4 "Checks during join").
        TenantLimits limits = server.tenantLimits();
        if (limits.usersAtCap()) {
            // At the cap even a socket that already counts as a user cannot join another channel, as the server
            // compares the tenant's user count with the max and nothing else.
            server.stats().refused(Refusal.JOIN_TOO_MANY_USERS);
            joinError(m, TOO_MANY_USERS);
            return;
        }
        if (limits.joinsLimited()) {
            server.stats().refused(Refusal.JOIN_TOO_MANY_JOINS);
            // The server also broadcasts "disconnect" to the transport, which closes the WebSocket. guess: the
            // error reply goes out first (after the join error delay), then the close.
            joinError(m, TOO_MANY_JOINS, this::disconnect);
            return;
        }
        limits.countJoin();
        if (limits.channelsAtCap(channels.size())) {
            server.stats().refused(Refusal.JOIN_TOO_MANY_CHANNELS);
            joinError(m, TOO_MANY_CHANNELS);
            return;
        }
        JsonNode payload = m.payload() == null ? Json.object() : m.payload();
        String token = channelToken(payload);
        ObjectNode claims;
        if (server.config().authEnabled()) {
            try {
                claims = verify(token);
            } catch (InvalidTokenException e) {
                server.stats().refused(TokenErrors.joinRefusal(e));
                joinError(m, TokenErrors.joinReason(e));
                return;
            }
        } else {
            claims = claimsIfReadable(token);
        }
        JsonNode config = payload.path("config");
        boolean self = flexibleBoolean(config.path("broadcast").get("self"));
        boolean ack = flexibleBoolean(config.path("broadcast").get("ack"));
        boolean presence = flexibleBoolean(config.path("presence").get("enabled"));
        // guess: the server lets a private channel join only when RLS on realtime.messages grants read for the
        // topic; the stand-in lets every private join through (it has no realtime.messages policies).
        boolean isPrivate = flexibleBoolean(config.get("private"));

        JsonNode requested = config.path("postgres_changes");
        ArrayNode echoed = Json.NODES.arrayNode();
        List<PostgresBinding> bindings = new ArrayList<>();
        String filterError = null;
        if (requested.isArray()) {
            for (JsonNode params : requested) {
                if (!params.isObject()) {
                    // guess: the server logs InvalidJoinPayload and goes on; the stand-in skips the entry.
                    continue;
                }
                long id = PostgresBinding.idOf(params);
                echoed.add(withId((ObjectNode) params, id));
                try {
                    bindings.add(PostgresBinding.of(params, id));
                } catch (ChangeFilter.ParseException e) {
                    filterError = filterError == null ? e.getMessage() : filterError;
                }
            }
        }
        boolean wantsChanges = echoed.size() > 0;
        if (filterError != null) {
            // The server's one postgres_subscribe covers all bindings; when it fails nothing is subscribed.
            bindings.clear();
        }
        JoinedChannel ch = new JoinedChannel(this, topic, m.joinRef(), self, ack, isPrivate, bindings);
        ch.authorize(token, claims);
        JsonNode presenceKey = config.path("presence").get("key");
        // guess: the server generates a uuid1; a random uuid has the same shape.
        ch.presenceKey = presenceKey != null && presenceKey.isTextual() && !presenceKey.textValue().isEmpty()
                ? presenceKey.textValue() : java.util.UUID.randomUUID().toString();
        ch.presenceEnabled = presence;
        channels.put(topic, ch);
        server.topics().register(ch);
        if (!countedAsUser) {
            countedAsUser = true;
            server.tenantLimits().userJoined();
        }
        scheduleTokenCheck(ch);

        ObjectNode response = Json.object();
        response.set("postgres_changes", echoed);
        send(Messages.reply(m.joinRef(), m.ref(), topic, "ok", response));
        if (presence) {
            send(new PhoenixMessage(m.joinRef(), null, topic, Events.PRESENCE_STATE,
                    server.topics().presenceState(topic)));
        }
        if (wantsChanges) {
            SystemMessage sys = filterError == null
                    ? new SystemMessage(Events.POSTGRES_CHANGES, "ok", SystemMessage.SUBSCRIBED_TO_POSTGRES,
                            ch.subTopic)
                    : new SystemMessage(Events.POSTGRES_CHANGES, "error", filterError, ch.subTopic);
            send(new PhoenixMessage(m.joinRef(), null, topic, Events.SYSTEM, sys.toPayload()));
        }
    }

    /** Join errors go out after CHANNEL_ERROR_BACKOFF_MS, as the server's join_error/1 sleeps before replying. */
    private void joinError(PhoenixMessage m, String reason) {
        joinError(m, reason, null);
    }

    private void joinError(PhoenixMessage m, String reason, Runnable then) {
        ObjectNode response = Json.object();
        response.put("reason", reason);
        PhoenixMessage reply = Messages.reply(m.joinRef(), m.ref(), m.topic(), "error", response);
        Runnable task = () -> {
            send(reply);
            if (then != null) {
                then.run();
            }
        };
        long delayNanos = server.config().joinErrorDelay().toNanos();
        if (delayNanos == 0) {
            task.run();
        } else {
            channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The transport's "disconnect": a close frame with 1001, then the TCP close. */
    private void disconnect() {
        if (!channel.isActive()) {
            return;
        }
        // guess: Phoenix sends no close reason text.
        channel.writeAndFlush(new CloseWebSocketFrame(CLOSE_GOING_AWAY, ""))
                .addListener(ChannelFutureListener.CLOSE);
    }

    // ---- channel tokens ----------------------------------------------------------------------------------------

    /**
     * The server's assign_access_token: {@code access_token}, else its alias {@code user_token}, else the socket's
     * apikey token; a token starting with {@code sb_} (an opaque key) is replaced by the apikey token too. guess: a
     * value that is not a string counts as absent.
     */
    private String channelToken(JsonNode payload) {
        JsonNode t = payload.get("access_token");
        if (t == null || !t.isTextual()) {
            t = payload.get("user_token");
        }
        String token = t != null && t.isTextual() ? t.textValue() : null;
        if (token == null || token.startsWith(OPAQUE_KEY_PREFIX)) {
            return apikeyToken;
        }
        return token;
    }

    private ObjectNode verify(String token) throws InvalidTokenException {
        if (token == null) {
            // guess: only reachable without an apikey, which a secret-checking connect refuses; treat as malformed.
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "no token");
        }
        return Jwt.verify(token, server.config().jwtSecret(), Instant.now());
    }

    /** Without a secret nothing is checked, but the claims are kept when the token is readable, for RLS. */
    private static ObjectNode claimsIfReadable(String token) {
        try {
            return token == null ? Json.object() : Jwt.claimsUnverified(token);
        } catch (InvalidTokenException e) {
            return Json.object();
        }
    }

    /**
     * handle_in("access_token"): ignored when null, an opaque {@code sb_} key or the current token; otherwise the
     * token is verified again. Success replaces the channel's claims silently (the server re-evaluates RLS and
     * re-subscribes postgres changes; the stand-in has neither yet); failure pushes a system error and closes the
     * channel.
     */
    private void accessToken(JoinedChannel ch, PhoenixMessage m) {
        JsonNode t = m.payload() == null ? null : m.payload().get("access_token");
        if (t == null || !t.isTextual()) {
            return;
        }
        String token = t.textValue();
        if (token.startsWith(OPAQUE_KEY_PREFIX) || token.equals(ch.accessToken())) {
            return;
        }
        if (!server.config().authEnabled()) {
            ch.authorize(token, claimsIfReadable(token));
            return;
        }
        try {
            ch.authorize(token, verify(token));
            scheduleTokenCheck(ch);
        } catch (InvalidTokenException e) {
            shutdownChannel(ch, TokenErrors.systemMessage(e), Refusal.ACCESS_TOKEN_INVALID);
        }
    }

    /**
     * The server's confirm_token: at min(5 min, exp - now) the channel's token is checked again; expired → system
     * error "Token has expired N seconds ago" and phx_close; still valid → the next check is scheduled.
     */
    private void scheduleTokenCheck(JoinedChannel ch) {
        if (!server.config().authEnabled()) {
            return;
        }
        JsonNode exp = ch.claims().get("exp");
        if (exp == null || !exp.canConvertToLong()) {
            return;
        }
        long untilExpMillis = exp.asLong() * 1000 - System.currentTimeMillis();
        long waitMillis = Math.max(0, Math.min(server.config().tokenCheckInterval().toMillis(), untilExpMillis));
        try {
            ch.tokenCheck(channel.eventLoop().schedule(() -> confirmToken(ch), waitMillis, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    private void confirmToken(JoinedChannel ch) {
        if (channels.get(ch.topic) != ch) {
            return;
        }
        long exp = ch.claims().path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        if (exp <= now) {
            shutdownChannel(ch, TokenErrors.expired(now - exp), Refusal.TOKEN_EXPIRED_WHILE_JOINED);
        } else {
            scheduleTokenCheck(ch);
        }
    }

    /**
     * The server's shutdown_response: a {@code system} error push, then the channel stops normally, which Phoenix
     * reports as phx_close with ref = join_ref. The socket and its other channels stay up. May be called from any
     * thread; a channel already gone (left, replaced, closed) gets nothing.
     */
    void shutdownChannel(JoinedChannel ch, String message, Refusal why) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> shutdownChannel(ch, message, why));
            } catch (RejectedExecutionException e) {
                // Shutting down.
            }
            return;
        }
        if (channels.get(ch.topic) != ch) {
            return;
        }
        channels.remove(ch.topic);
        server.topics().unregister(ch);
        server.stats().refused(why);
        SystemMessage sys = new SystemMessage(Events.SYSTEM, "error", message, ch.subTopic);
        send(new PhoenixMessage(ch.joinRef, null, ch.topic, Events.SYSTEM, sys.toPayload()));
        send(new PhoenixMessage(ch.joinRef, ch.joinRef, ch.topic, Events.CLOSE, Json.object()));
    }

    private void leave(PhoenixMessage m) {
        // Phoenix {:stop, {:shutdown, :left}, :ok}: ok reply, then phx_close with ref = join_ref. A leave for a
        // topic this socket does not know still gets the ok reply.
        send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "ok", Json.object()));
        JoinedChannel ch = channels.remove(m.topic());
        if (ch != null) {
            server.topics().unregister(ch);
            send(new PhoenixMessage(ch.joinRef, ch.joinRef, ch.topic, Events.CLOSE, Json.object()));
        }
    }

    // ---- presence ----------------------------------------------------------------------------------------------

    /**
     * A {@code presence} push (protocol.md §7): track (payload must be a map) or untrack, replied ok {} before the
     * diff goes out; more than {@value #CLIENT_PRESENCE_MAX_CALLS} calls in {@value #CLIENT_PRESENCE_WINDOW_MS} ms
     * shut the channel down with "Client presence rate limit exceeded".
     */
    private void presence(JoinedChannel ch, PhoenixMessage m) {
        if (!presenceCallAllowed()) {
            // guess: no reply to the refused call; the system error and phx_close say it all.
            shutdownChannel(ch, PRESENCE_RATE_LIMITED, Refusal.PRESENCE_CLIENT_RATE_LIMITED);
            return;
        }
        JsonNode payload = m.payload() == null ? Json.object() : m.payload();
        String event = payload.path("event").asText("");
        switch (event) {
            case "track" -> {
                JsonNode meta = payload.get("payload");
                if (meta == null || !meta.isObject()) {
                    ObjectNode response = Json.object();
                    response.put("reason", PRESENCE_NOT_A_MAP);
                    send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "error", response));
                    return;
                }
                // Tracking enables presence for the channel.
                ch.presenceEnabled = true;
                send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "ok", Json.object()));
                server.topics().presenceTrack(ch, (ObjectNode) meta);
            }
            case "untrack" -> {
                send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "ok", Json.object()));
                server.topics().presenceUntrack(ch);
            }
            // The server logs UnknownPresenceEvent and replies with an error. guess: an empty response.
            default -> send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "error", Json.object()));
        }
    }

    /** Per socket: at most CLIENT_PRESENCE_MAX_CALLS in a sliding CLIENT_PRESENCE_WINDOW_MS. guess: per socket. */
    private boolean presenceCallAllowed() {
        long now = System.nanoTime();
        long window = TimeUnit.MILLISECONDS.toNanos(CLIENT_PRESENCE_WINDOW_MS);
        while (!presenceCalls.isEmpty() && now - presenceCalls.peekFirst() >= window) {
            presenceCalls.pollFirst();
        }
        if (presenceCalls.size() >= CLIENT_PRESENCE_MAX_CALLS) {
            return false;
        }
        presenceCalls.addLast(now);
        return true;
    }

    // ---- broadcast ---------------------------------------------------------------------------------------------

    private void handleTextBroadcast(JoinedChannel ch, PhoenixMessage m) {
        server.broadcasts().fromChannel(ch, m);
        if (ch.ack) {
            send(Messages.reply(m.joinRef(), m.ref(), ch.topic, "ok", Json.object()));
        }
    }

    private void handleBinaryBroadcast(UserBroadcast in) {
        JoinedChannel ch = channels.get(in.topic());
        if (ch == null) {
            send(unmatchedTopic(new PhoenixMessage(in.joinRef(), in.ref(), in.topic(), Events.BROADCAST, null)));
            return;
        }
        server.broadcasts().fromChannel(ch, in);
        if (ch.ack) {
            send(Messages.reply(in.joinRef(), in.ref(), ch.topic, "ok", Json.object()));
        }
    }

    // ---- delivery ----------------------------------------------------------------------------------------------

    /**
     * Hands a postgres_changes or broadcast frame to this socket, applying the fault knobs. Thread-safe; never
     * blocks (the lock guards only an append).
     */
    void deliver(JoinedChannel ch, WireFrame frame) {
        Faults faults = server.faults();
        if (faults.drop()) {
            server.stats().dropped();
            return;
        }
        long now = System.nanoTime();
        long due = faults.timed() ? faults.dueNanos(now) : now;
        synchronized (pendingLock) {
            if (due - lastDueNanos < 0 && lastDueNanos != Long.MIN_VALUE) {
                due = lastDueNanos;
            }
            lastDueNanos = due;
            pending.addLast(new Pending(due, ch, frame));
        }
        EventLoop loop = channel.eventLoop();
        long wait = due - now;
        try {
            if (wait <= 0 && !faults.timed()) {
                if (loop.inEventLoop()) {
                    drain();
                } else {
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

    private void drain() {
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
                server.stats().unwritable();
            }
            channel.write(toNetty(p.frame));
            written++;
        }
        if (written > 0) {
            // Counted before the flush, so the count never lags a frame the client has already read.
            server.stats().delivered(written);
            channel.flush();
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** Writes a reply or channel push at once; must run on the event loop. */
    private void send(PhoenixMessage m) {
        if (m == null || !channel.isActive()) {
            return;
        }
        channel.writeAndFlush(toNetty(codec.encodeServerMessage(m)));
    }

    private WebSocketFrame toNetty(WireFrame frame) {
        // The ByteBuf is created here, on the event loop, and owned by the write from then on.
        if (frame instanceof WireFrame.Text t) {
            return new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), t.text()));
        }
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(((WireFrame.Binary) frame).bytes()));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static PhoenixMessage unmatchedTopic(PhoenixMessage m) {
        ObjectNode response = Json.object();
        response.put("reason", "unmatched topic");
        return Messages.reply(m.joinRef(), m.ref(), m.topic(), "error", response);
    }

    /** Realtime's FlexibleBoolean: a boolean or a case-insensitive "true"/"false" string; anything else false. */
    static boolean flexibleBoolean(JsonNode n) {
        if (n == null) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() && n.textValue().equalsIgnoreCase("true");
    }

    /**
     * The binding as the server echoes it: the client's map plus "id". Jason writes small maps in key order, so the
     * keys come out sorted (event, filter, id, schema, table), not in the client's order.
     */
    private static ObjectNode withId(ObjectNode params, long id) {
        ObjectNode copy = params.deepCopy();
        copy.put("id", id);
        return (ObjectNode) ElixirJson.sortKeys(copy);
    }

    private static String head(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
