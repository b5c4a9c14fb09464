package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.SystemMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * phx_join on one socket (protocol.md §4): the topic, a duplicate join, the injected join fault, the tenant's
 * checks in the server's order, the channel token, then the channel is registered and the reply, presence_state and
 * postgres_changes system message go out. Confined to the socket's event loop.
 */
final class JoinHandler {
    static final String RESTARTING = "RealtimeRestarting: Realtime is restarting, please standby";
    static final String TOPIC_NAME_REQUIRED = "TopicNameRequired: You must provide a topic name";
    static final String TOO_MANY_USERS = "ConnectionRateLimitReached: Too many connected users";
    static final String TOO_MANY_JOINS = "ClientJoinRateLimitReached: Too many joins per second";
    static final String TOO_MANY_CHANNELS = "ChannelRateLimitReached: Too many channels";
    /** Phoenix 1.8.11 closes a socket told to "disconnect" with 1001 (protocol.md §4). */
    static final int CLOSE_GOING_AWAY = 1001;

    private final StandInConnection connection;
    private final StandInServer server;
    private final ChannelTokens tokens;

    JoinHandler(StandInConnection connection, StandInServer server, ChannelTokens tokens) {
        this.connection = connection;
        this.server = server;
        this.tokens = tokens;
    }

    void join(PhoenixMessage m) {
        String topic = m.topic();
        if (!topic.startsWith(Events.TOPIC_PREFIX)) {
            // Not routed by the socket (channel "realtime:*"): Phoenix's encode_ignore, at once.
            connection.send(StandInConnection.unmatchedTopic(m));
            return;
        }
        closeDuplicate(topic);
        if (!admitted(m)) {
            return;
        }
        JsonNode payload = m.payload() == null ? Json.object() : m.payload();
        String token = tokens.channelToken(payload);
        JoinedChannel.Auth auth;
        try {
            auth = tokens.joinAuth(token);
        } catch (InvalidTokenException e) {
            server.stats().refused(TokenErrors.joinRefusal(e));
            joinError(m, TokenErrors.joinReason(e));
            return;
        }
        JoinConfig config = JoinConfig.parse(payload);
        // Decided before the channel opens: a withheld channel subscribes nothing, so it gets no changes either.
        boolean withheld = config.wantsChanges() && config.filterError() == null
                && server.readyWithholding().withhold();
        JoinedChannel ch = open(m, config, auth, withheld);
        reply(m, ch, config, withheld);
    }

    /** Phoenix "Duplicate channel join": the old channel is closed (phx_close) and the topic joined again. */
    private void closeDuplicate(String topic) {
        JoinedChannel old = connection.remove(topic);
        if (old != null) {
            server.topics().unregister(old);
            connection.send(new PhoenixMessage(old.joinRef, old.joinRef, topic, Events.CLOSE, Json.object()));
        }
    }

    /**
     * The checks before the token, each answered with its join error: a topic name, the injected restart fault,
     * then the server's join checks after the tenant's: concurrent users, joins per second, channels on this socket,
     * and (in {@link #join}) the channel token (protocol.md §4 "Checks during join").
     */
    private boolean admitted(PhoenixMessage m) {
        if (m.topic().length() == Events.TOPIC_PREFIX.length()) {
            joinError(m, TOPIC_NAME_REQUIRED);
            return false;
        }
        if (server.faults().rejectJoin()) {
            joinError(m, RESTARTING);
            return false;
        }
        TenantLimits limits = server.tenantLimits();
        if (limits.usersAtCap()) {
            // At the cap even a socket that already counts as a user cannot join another channel, as the server
            // compares the tenant's user count with the max and nothing else.
            server.stats().refused(Refusal.JOIN_TOO_MANY_USERS);
            joinError(m, TOO_MANY_USERS);
            return false;
        }
        if (limits.joinsLimited()) {
            server.stats().refused(Refusal.JOIN_TOO_MANY_JOINS);
            // The server also broadcasts "disconnect" to the transport, which closes the WebSocket. guess: the
            // error reply goes out first (after the join error delay), then the close.
            joinError(m, TOO_MANY_JOINS, this::disconnect);
            return false;
        }
        limits.countJoin();
        if (limits.channelsAtCap(connection.joinedCount())) {
            server.stats().refused(Refusal.JOIN_TOO_MANY_CHANNELS);
            joinError(m, TOO_MANY_CHANNELS);
            return false;
        }
        return true;
    }

    /**
     * The joined channel, registered and counted, with its token check scheduled. A {@code withheld} channel gets no
     * bindings, as the server routes changes only to subscriptions whose listener came up.
     */
    private JoinedChannel open(PhoenixMessage m, JoinConfig config, JoinedChannel.Auth auth, boolean withheld) {
        JoinedChannel ch = new JoinedChannel(connection, m.topic(), m.joinRef(), config.self(), config.ack(),
                config.isPrivate(), withheld ? List.of() : config.bindings());
        // With a subscribe delay (poll mode) no change reaches the channel before its subscription is in place.
        ch.pgSubscribed = server.subscribeDelayNanos() == 0;
        ch.authorize(auth);
        // guess: the server generates a uuid1; a random uuid has the same shape. Not UUID.randomUUID: its
        // SecureRandom reads /dev/urandom under one JVM-wide lock, on every event loop, for every join.
        ch.presenceKey = config.presenceKey() != null ? config.presenceKey() : randomUuid();
        ch.presenceEnabled = config.presenceEnabled();
        connection.add(ch);
        tokens.scheduleTokenCheck(ch);
        return ch;
    }

    /**
     * The ok reply with the echoed bindings, then presence_state and the postgres_changes system message, which a
     * {@code withheld} join never gets (ReadyWithholding).
     */
    private void reply(PhoenixMessage m, JoinedChannel ch, JoinConfig config, boolean withheld) {
        ObjectNode response = Json.object();
        response.set("postgres_changes", config.echoed());
        connection.send(Messages.reply(m.joinRef(), m.ref(), m.topic(), "ok", response));
        if (config.presenceEnabled()) {
            connection.send(new PhoenixMessage(m.joinRef(), null, m.topic(), Events.PRESENCE_STATE,
                    server.topics().presenceState(m.topic())));
        }
        if (config.wantsChanges() && !withheld) {
            SystemMessage sys = config.filterError() == null
                    ? new SystemMessage(Events.POSTGRES_CHANGES, "ok", SystemMessage.SUBSCRIBED_TO_POSTGRES,
                            ch.subTopic())
                    : new SystemMessage(Events.POSTGRES_CHANGES, "error", config.filterError(), ch.subTopic());
            PhoenixMessage frame = new PhoenixMessage(m.joinRef(), null, m.topic(), Events.SYSTEM, sys.toPayload());
            long delayNanos = server.subscribeDelayNanos();
            if (delayNanos == 0) {
                connection.send(frame);
            } else {
                // The server sends itself :postgres_subscribe after the join and answers once its subscription is
                // inserted; until then the channel gets no changes.
                connection.channel().eventLoop().schedule(() -> subscribed(ch, frame, config.filterError() == null),
                        delayNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void subscribed(JoinedChannel ch, PhoenixMessage systemMessage, boolean ok) {
        if (ch.closed || !connection.isJoined(ch)) {
            return;
        }
        ch.pgSubscribed = ok;
        connection.send(systemMessage);
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
            connection.send(reply);
            if (then != null) {
                then.run();
            }
        };
        long delayNanos = server.config().joinErrorDelay().toNanos();
        if (delayNanos == 0) {
            task.run();
        } else {
            connection.channel().eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The transport's "disconnect": a close frame with 1001, then the TCP close. */
    private void disconnect() {
        Channel channel = connection.channel();
        if (!channel.isActive()) {
            return;
        }
        // guess: Phoenix sends no close reason text.
        channel.writeAndFlush(new CloseWebSocketFrame(CLOSE_GOING_AWAY, ""))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** A version-4 UUID from ThreadLocalRandom: unique enough for a presence key, and no lock or syscall. */
    static String randomUuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
        return new UUID(hi, lo).toString();
    }
}
