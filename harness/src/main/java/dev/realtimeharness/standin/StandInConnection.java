package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.SystemMessage;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded socket: the Phoenix transport behind {@link PhoenixFrameDecoder}, and the table of the Realtime
 * channels joined on it. It routes each message to its handler (heartbeat, {@link JoinHandler}, leave, broadcast,
 * {@link ChannelTokens access_token}, {@link PresenceHandler presence}). Inbound handling and the channel table are
 * confined to the socket's event loop; {@link #deliver} and {@link #shutdownChannel} may be called from any thread.
 */
final class StandInConnection extends SimpleChannelInboundHandler<Object> {
    private static final Logger log = LoggerFactory.getLogger(StandInConnection.class);

    private final StandInServer server;
    private final Channel channel;
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final Map<String, JoinedChannel> channels = new HashMap<>();
    private final DelayedDelivery delivery;
    private final ChannelTokens tokens;
    private final JoinHandler joins;
    private final PresenceHandler presence;
    private boolean opened;
    private boolean countedAsUser;
    // The server's count of upgraded sockets when this one upgraded: the disconnect knob closes the earliest first.
    private volatile long openedSeq;

    /** {@code apikeyToken} is the connect's apikey: the default channel token; null when none was given. */
    StandInConnection(StandInServer server, Channel channel, Vsn vsn, String apikeyToken) {
        this.server = server;
        this.channel = channel;
        this.vsn = vsn;
        this.codec = PhoenixCodec.of(vsn);
        this.delivery = new DelayedDelivery(channel, server.faults(), server.stats());
        this.tokens = new ChannelTokens(this, server.config(), apikeyToken);
        this.joins = new JoinHandler(this, server, tokens);
        this.presence = new PresenceHandler(this, server.topics());
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

    long openedSeq() {
        return openedSeq;
    }

    void openedSeq(long seq) {
        this.openedSeq = seq;
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
        delivery.clear();
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
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PhoenixMessage m) {
            handle(m);
        } else if (msg instanceof UserBroadcast b) {
            binaryBroadcast(b);
        }
    }

    private void handle(PhoenixMessage m) {
        if (Events.PHOENIX_TOPIC.equals(m.topic()) && Events.HEARTBEAT.equals(m.event())) {
            send(Messages.reply(null, m.ref(), Events.PHOENIX_TOPIC, "ok", Json.object()));
            return;
        }
        if (Events.JOIN.equals(m.event())) {
            joins.join(m);
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
            case Events.BROADCAST -> textBroadcast(ch, m);
            // The server never replies to access_token.
            case Events.ACCESS_TOKEN -> tokens.accessToken(ch, m);
            case Events.PRESENCE -> presence.handle(ch, m);
            // guess: the real channel's handle_in has no catch-all; ignoring keeps the socket up.
            default -> log.debug("ignoring event '{}' on {}", m.event(), m.topic());
        }
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

    private void textBroadcast(JoinedChannel ch, PhoenixMessage m) {
        server.broadcasts().fromChannel(ch, m);
        if (ch.ack) {
            send(Messages.reply(m.joinRef(), m.ref(), ch.topic, "ok", Json.object()));
        }
    }

    private void binaryBroadcast(UserBroadcast in) {
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

    /** Hands a postgres_changes or broadcast frame to this socket, faults applied. Thread-safe. */
    void deliver(JoinedChannel ch, WireFrame frame) {
        server.disconnects().routed();
        delivery.deliver(ch, frame);
    }

    /** Hands a postgres_changes frame to this socket, faults applied; its event loop encodes it. Thread-safe. */
    void deliver(JoinedChannel ch, ChangeFrame frame) {
        server.disconnects().routed();
        delivery.deliver(ch, frame);
    }

    /** Hands a presence_diff frame to this socket, faults applied; it does not start the disconnect clock. */
    void deliverPresence(JoinedChannel ch, WireFrame frame) {
        delivery.deliver(ch, frame);
    }

    /**
     * Closes the socket as a Realtime node going away does: a close frame with {@code code}, then the TCP close.
     * Frames still waiting for their delay are not sent. May be called from any thread.
     */
    void closeSocket(int code) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> closeSocket(code));
            } catch (RejectedExecutionException e) {
                // Shutting down: the socket closes anyway.
            }
            return;
        }
        if (!channel.isActive()) {
            return;
        }
        // guess: websock_adapter sends no close reason text.
        channel.writeAndFlush(new CloseWebSocketFrame(code, "")).addListener(ChannelFutureListener.CLOSE);
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
        if (!isJoined(ch)) {
            return;
        }
        channels.remove(ch.topic);
        server.topics().unregister(ch);
        server.stats().refused(why);
        SystemMessage sys = new SystemMessage(Events.SYSTEM, "error", message, ch.subTopic());
        send(new PhoenixMessage(ch.joinRef, null, ch.topic, Events.SYSTEM, sys.toPayload()));
        send(new PhoenixMessage(ch.joinRef, ch.joinRef, ch.topic, Events.CLOSE, Json.object()));
    }

    // ---- the channel table, for the join and token handlers (event loop only) ----------------------------------

    /** Whether {@code ch} is still the channel joined on its topic (not left, replaced or closed). */
    boolean isJoined(JoinedChannel ch) {
        return channels.get(ch.topic) == ch;
    }

    int joinedCount() {
        return channels.size();
    }

    /** Removes the channel joined on {@code topic}, if any, and returns it. */
    JoinedChannel remove(String topic) {
        return channels.remove(topic);
    }

    /** Adds a channel that passed its join; the socket becomes a concurrent user with its first channel. */
    void add(JoinedChannel ch) {
        channels.put(ch.topic, ch);
        server.topics().register(ch);
        if (!countedAsUser) {
            countedAsUser = true;
            server.tenantLimits().userJoined();
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** Writes a reply or channel push at once; must run on the event loop. */
    void send(PhoenixMessage m) {
        if (m == null || !channel.isActive()) {
            return;
        }
        channel.writeAndFlush(codec.encodeServerMessage(m));
    }

    static PhoenixMessage unmatchedTopic(PhoenixMessage m) {
        ObjectNode response = Json.object();
        response.put("reason", "unmatched topic");
        return Messages.reply(m.joinRef(), m.ref(), m.topic(), "error", response);
    }
}
