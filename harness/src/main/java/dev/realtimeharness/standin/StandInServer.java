package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stand-in for Supabase Realtime: Phoenix channels over WebSocket (vsn 1.0.0 and 2.0.0), heartbeats,
 * joins with postgres_changes bindings, broadcast fan-out, leave/close, the delivery fault knobs, JWT checks at
 * connect, join and access_token (when a secret is set) and the tenant limits. It owns one
 * event-loop group and shuts it down in {@link #close()}.
 */
public final class StandInServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandInServer.class);

    public static final String REALTIME_PATH = "/realtime/v1/websocket";
    public static final String SOCKET_PATH = "/socket/websocket";
    /** The server's max_frame_size. */
    public static final int MAX_FRAME_BYTES = 5_000_000;
    /** Phoenix's websocket timeout default: a socket that receives nothing for this long is closed. */
    public static final long IDLE_TIMEOUT_SECONDS = 60;
    static final String TOO_MANY_MESSAGES = "Too many messages per second";
    static final String ANON = "anon";
    static final String REALTIME_SCHEMA = "realtime";
    static final String MESSAGES_TABLE = "messages";
    static final String ANON_CLAIMS = "{\"role\":\"anon\"}";

    private final StandInConfig config;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int port;
    final Faults faults;

    // Subscribers by topic (broadcast fan-out) and every channel with postgres_changes bindings.
    private final Map<String, Set<JoinedChannel>> byTopic = new ConcurrentHashMap<>();
    private final Set<JoinedChannel> withChanges = ConcurrentHashMap.newKeySet();
    private final Set<StandInConnection> connections = ConcurrentHashMap.newKeySet();
    private final PresenceRegistry presence = new PresenceRegistry();

    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicInteger channelsJoined = new AtomicInteger();
    private final LongAdder framesDelivered = new LongAdder();
    private final LongAdder deliveriesDropped = new LongAdder();
    private final LongAdder writesWhileUnwritable = new LongAdder();
    private final LongAdder malformedFrames = new LongAdder();
    private final LongAdder rlsHidden = new LongAdder();
    // Set once before changes flow; used by the capture thread only.
    private volatile RowSecurity rowSecurity;
    private final AtomicLong nextMalformedLogNanos = new AtomicLong(System.nanoTime());

    // Tenant limits (protocol.md §9): one tenant per stand-in.
    private final RateCounter events;
    private final RateCounter joins;
    private final AtomicInteger concurrentUsers = new AtomicInteger();
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
    private final ScheduledFuture<?> rateTicker;

    private StandInServer(StandInConfig config) throws InterruptedException {
        this.config = config;
        this.faults = new Faults(config, System.nanoTime());
        this.events = new RateCounter(config.limits().maxEventsPerSecond(), config.rateTick());
        this.joins = new RateCounter(config.limits().maxJoinsPerSecond(), config.rateTick());
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
        }
        this.group = EventLoops.newGroup(0, "standin");
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(EventLoops.serverSocketChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBufferWaterMark.DEFAULT)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            initPipeline(ch);
                        }
                    });
            // Called from the caller's thread, never from an event loop, so waiting for the bind is fine.
            this.serverChannel = b.bind(new InetSocketAddress("127.0.0.1", config.port())).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        long tick = config.rateTick().toNanos();
        this.rateTicker = group.next().scheduleAtFixedRate(this::tickRateCounters, tick, tick, TimeUnit.NANOSECONDS);
        if (config.disconnectRatio() > 0) {
            // TODO(disconnectRatio): validated but not implemented yet: closing a ratio of connections needs a
            // decision on when (at random times? after N deliveries?) and with which close code (1012 as the server's
            // disconnect does?).
            log.warn("target.embedded.disconnectRatio={} is not implemented yet; no connection will be closed",
                    config.disconnectRatio());
        }
        log.info("stand-in Realtime listening on {} ({})", wsUrl(), EventLoops.transportName());
    }

    public static StandInServer start(StandInConfig config) {
        try {
            return new StandInServer(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the stand-in server", e);
        }
    }

    private void initPipeline(SocketChannel ch) {
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                // StandInHttpHandler has already checked the path and vsn; every request reaching this is valid.
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(null)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .allowExtensions(false)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                // Realtime sets validate_utf8: false.
                .withUTF8Validator(false)
                .build();
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(IDLE_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS) {
                    @Override
                    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                        log.debug("closing {}: no frame for {} s", ctx.channel(), IDLE_TIMEOUT_SECONDS);
                        ctx.close();
                    }
                })
                .addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(65536))
                .addLast("connect", new StandInHttpHandler(this))
                .addLast("websocket", new WebSocketServerProtocolHandler(ws))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
    }

    public int port() {
        return port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port + REALTIME_PATH;
    }

    public StandInConfig config() {
        return config;
    }

    /**
     * Delivers one database change to every joined channel with a matching binding. Called from the replication
     * thread: it only reads immutable subscription state, serializes {@code data} once, and hands each frame to the
     * subscriber's event loop.
     */
    public void publishChange(ChangeEvent e) {
        if (REALTIME_SCHEMA.equals(e.schema()) && MESSAGES_TABLE.equals(e.table())) {
            // Broadcast from the database, never postgres_changes.
            databaseBroadcast(e);
            return;
        }
        if (events.triggered()) {
            // The server's poller skips DB changes while the tenant's events rate is triggered
            // (MessagePerSecondRateLimitReached: Too many postgres changes messages per second): no frame, no
            // system message, the channels stay joined. guess: the server keeps a separate DB-events counter
            // with the same limit; the stand-in uses the one tenant events counter.
            refused(Refusal.CHANGE_SKIPPED_EVENTS_RATE_LIMITED);
            return;
        }
        RowSecurity rls = rowSecurity;
        RowSecurity.Table table = null;
        boolean check = false;
        Map<String, Boolean> verdicts = null;
        ChangePayload payload = null;
        for (JoinedChannel ch : withChanges) {
            if (ch.closed) {
                continue;
            }
            List<Long> ids = ch.matchingIds(e);
            if (ids.isEmpty()) {
                continue;
            }
            if (payload == null) {
                ChangeEvent out = e;
                if (rls != null) {
                    table = rls.table(e.schema(), e.table());
                    if (table.rls()) {
                        if (ChangeEvent.DELETE.equals(e.type())) {
                            // apply_rls does not check DELETEs; it limits their old_record to the key instead.
                            out = table.limitOldRecordToKey(e);
                        } else {
                            check = true;
                            verdicts = new HashMap<>();
                        }
                    }
                }
                payload = ChangePayload.of(out);
            }
            if (check && !visible(rls, table, e, ch, verdicts)) {
                rlsHidden.increment();
                continue;
            }
            // Every message delivered to a subscriber channel is an event.
            events.increment();
            ch.connection.deliver(ch, payload.frame(ch.connection.codec(), ch.topic, ids));
        }
    }

    /**
     * A realtime.messages INSERT with extension 'broadcast' (realtime.send) becomes a UserBroadcast{topic:
     * "realtime:"+topic, user_event: event, metadata {"id": row id}, JSON payload}: v2 subscribers get binary kind 4,
     * v1 subscribers JSON with "meta" (protocol.md §6). Private rows go to private channels only, public rows to
     * public ones. guess: private channels get them without the RLS check on realtime.messages the server does.
     * Other rows of the table (other extensions, updates, deletes) are ignored.
     */
    private void databaseBroadcast(ChangeEvent e) {
        Map<String, Object> row = e.record();
        if (!ChangeEvent.INSERT.equals(e.type()) || row == null || !"broadcast".equals(row.get("extension"))
                || row.get("topic") == null) {
            return;
        }
        if (events.triggered()) {
            // guess: database broadcasts are skipped while the events rate is triggered, like DB changes.
            refused(Refusal.DB_BROADCAST_SKIPPED_EVENTS_RATE_LIMITED);
            return;
        }
        // The message itself is an event, and so is each delivery.
        events.increment();
        String topic = Events.TOPIC_PREFIX + row.get("topic");
        Object event = row.get("event");
        ObjectNode meta = Json.object();
        meta.put("id", String.valueOf(row.get("id")));
        Object payload = row.get("payload");
        byte[] payloadBytes;
        if (payload instanceof JsonNode n) {
            // The server decodes the jsonb into a map and Jason encodes it again, small maps in key order.
            payloadBytes = StandInConnection.sortKeys(n).toString().getBytes(StandardCharsets.UTF_8);
        } else {
            payloadBytes = payload == null ? "{}".getBytes(StandardCharsets.UTF_8)
                    : payload.toString().getBytes(StandardCharsets.UTF_8);
        }
        UserBroadcast ub = new UserBroadcast(null, null, topic, event == null ? "" : event.toString(),
                meta.toString().getBytes(StandardCharsets.UTF_8), true, payloadBytes);
        broadcastToTopic(topic, Boolean.TRUE.equals(row.get("private")), V1Codec.INSTANCE.encodeUserBroadcast(ub),
                V2Codec.INSTANCE.encodeUserBroadcast(ub));
    }

    /**
     * One RLS query per change and distinct claims: the channels of one user (same token claims) share the verdict,
     * as apply_rls checks once per subscriber role and claims.
     */
    private boolean visible(RowSecurity rls, RowSecurity.Table table, ChangeEvent e, JoinedChannel ch,
            Map<String, Boolean> verdicts) {
        String role;
        String claimsJson;
        if (config.authEnabled()) {
            JoinedChannel.Auth auth = ch.auth();
            role = auth.role();
            claimsJson = auth.claimsJson();
        } else {
            // Without a secret no token is trusted: every subscriber is anon.
            role = ANON;
            claimsJson = ANON_CLAIMS;
        }
        Boolean v = verdicts.get(claimsJson);
        if (v == null) {
            v = rls.visible(table, e, role, claimsJson);
            verdicts.put(claimsJson, v);
        }
        return v;
    }

    /**
     * Checks postgres_changes of tables with row-level security under each subscriber's claims, on a connection of
     * its own from {@code dataSource}. Call before changes flow; the server closes that connection.
     */
    public void useRowSecurity(DataSource dataSource) {
        this.rowSecurity = new RowSecurity(dataSource);
    }

    /** RLS visibility queries run so far: one per change and distinct subscriber claims. */
    public long rlsQueries() {
        RowSecurity r = rowSecurity;
        return r == null ? 0 : r.queries();
    }

    /** postgres_changes not delivered to a matching channel because RLS hid the row from its claims. */
    public long rlsHidden() {
        return rlsHidden.sum();
    }

    /** RLS checks that had to wait for a streamed commit to become visible to queries. */
    public long rlsCommitWaits() {
        RowSecurity r = rowSecurity;
        return r == null ? 0 : r.commitWaits();
    }

    /**
     * Fans a broadcast out to every channel joined to {@code topic}: the sender's own channel only with self. The
     * frames are built at most once per serializer version; {@code v1} may be null (binary payloads are dropped for
     * v1 sockets, as the server does).
     */
    void broadcast(JoinedChannel sender, WireFrame v1, WireFrame v2) {
        Set<JoinedChannel> subscribers = byTopic.get(sender.topic);
        if (subscribers == null) {
            return;
        }
        for (JoinedChannel ch : subscribers) {
            if (ch.closed || (ch == sender && !sender.self)) {
                continue;
            }
            deliverBroadcast(ch, v1, v2);
        }
    }

    /**
     * Fans a broadcast that did not come from a channel (the REST endpoint, the database) out to every channel
     * joined to {@code topic}: public messages to public channels, private ones to private channels only.
     *
     * @return the channels it was handed to
     */
    int broadcastToTopic(String topic, boolean isPrivate, WireFrame v1, WireFrame v2) {
        Set<JoinedChannel> subscribers = byTopic.get(topic);
        if (subscribers == null) {
            return 0;
        }
        int n = 0;
        for (JoinedChannel ch : subscribers) {
            if (ch.closed || ch.isPrivate != isPrivate) {
                continue;
            }
            if (deliverBroadcast(ch, v1, v2)) {
                n++;
            }
        }
        return n;
    }

    private boolean deliverBroadcast(JoinedChannel ch, WireFrame v1, WireFrame v2) {
        WireFrame frame = ch.connection.vsn() == Vsn.V1 ? v1 : v2;
        if (frame == null) {
            return false;
        }
        events.increment();
        ch.connection.deliver(ch, frame);
        if (events.triggered()) {
            // The dispatcher sends the frame straight to the transport (fastlane) and :update_rate_counter
            // to the channel process, which, when the tenant's rate is triggered, pushes the system error
            // and stops: phx_close. guess: so the client still gets this frame, then system + phx_close.
            ch.connection.shutdownChannel(ch, TOO_MANY_MESSAGES, Refusal.CHANNEL_EVENTS_RATE_LIMITED);
        }
        return true;
    }

    /**
     * One message of the REST batch endpoint: one event for the message itself, then the text broadcast
     * {@code [null,null,"realtime:<topic>","broadcast",{"event","meta"?,"payload","type"}]} (a Phoenix Broadcast,
     * so v2 subscribers get text too) to every channel on the topic with the same privacy. guess: private messages
     * are not checked against RLS on realtime.messages (broadcast.write); every private channel gets them.
     */
    void restBroadcast(RestBroadcast.Message m) {
        events.increment();
        ObjectNode payload = Json.object();
        // Jason writes the small map in key order.
        payload.put("event", m.event());
        if (m.id() != null) {
            payload.putObject("meta").put("id", m.id());
        }
        payload.set("payload", StandInConnection.sortKeys(m.payload()));
        payload.put("type", Events.BROADCAST);
        String topic = Events.TOPIC_PREFIX + m.topic();
        PhoenixMessage out = new PhoenixMessage(null, null, topic, Events.BROADCAST, payload);
        broadcastToTopic(topic, m.isPrivate(), V1Codec.INSTANCE.encodeServerMessage(out),
                V2Codec.INSTANCE.encodeServerMessage(out));
    }

    /** A presence track from {@code ch}: a presence_diff to every channel on its topic with presence enabled. */
    void presenceTrack(JoinedChannel ch, ObjectNode meta) {
        presence.track(ch, meta, byTopic.get(ch.topic));
    }

    void presenceUntrack(JoinedChannel ch) {
        presence.untrack(ch, byTopic.get(ch.topic));
    }

    /** The presence_state payload for a channel joining {@code topic}. */
    ObjectNode presenceState(String topic) {
        return presence.state(topic);
    }

    /** A broadcast received from a client: one event. */
    void countEventIn() {
        events.increment();
    }

    /** A join attempt that passed the joins check: one join. */
    void countJoin() {
        joins.increment();
    }

    boolean joinsLimited() {
        return joins.triggered();
    }

    /** A socket joined its first channel: it is a concurrent user until it closes. */
    void userJoined() {
        // guess: UsersCounter tracks the transport pid, so leaving every channel does not uncount the socket; only
        // its end does.
        concurrentUsers.incrementAndGet();
    }

    void userLeft() {
        concurrentUsers.decrementAndGet();
    }

    void refused(Refusal why) {
        refusals.get(why).increment();
    }

    /** Closes the rate counters' current buckets; the server's schedule calls it every rate tick. */
    void tickRateCounters() {
        events.tick();
        joins.tick();
    }

    /** The channels joined to {@code topic}, for tests. */
    Set<JoinedChannel> channelsOf(String topic) {
        return byTopic.getOrDefault(topic, Set.of());
    }

    void register(JoinedChannel ch) {
        byTopic.computeIfAbsent(ch.topic, t -> ConcurrentHashMap.newKeySet()).add(ch);
        if (!ch.bindings.isEmpty()) {
            withChanges.add(ch);
        }
        channelsJoined.incrementAndGet();
    }

    void unregister(JoinedChannel ch) {
        ch.closed = true;
        ch.cancelTokenCheck();
        byTopic.computeIfPresent(ch.topic, (t, set) -> {
            set.remove(ch);
            return set.isEmpty() ? null : set;
        });
        // Leave, close, shutdown and socket end all untrack: the others get a diff with it in leaves.
        presence.untrack(ch, byTopic.get(ch.topic));
        withChanges.remove(ch);
        channelsJoined.decrementAndGet();
    }

    void connectionOpened(StandInConnection c) {
        connections.add(c);
        connectionsOpen.incrementAndGet();
    }

    void connectionClosed(StandInConnection c) {
        if (connections.remove(c)) {
            connectionsOpen.decrementAndGet();
        }
    }

    void countDelivered(int n) {
        framesDelivered.add(n);
    }

    void countDropped() {
        deliveriesDropped.increment();
    }

    void countUnwritable() {
        writesWhileUnwritable.increment();
    }

    /** Counts a frame that is no valid message and logs it at most once a second, with its first bytes. */
    void malformed(Channel ch, String reason, String head) {
        malformedFrames.increment();
        long now = System.nanoTime();
        long next = nextMalformedLogNanos.get();
        if (now - next >= 0 && nextMalformedLogNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
            log.warn("MalformedWebSocketMessage on {}: {} (frame starts {}); {} malformed frames so far", ch, reason,
                    head, malformedFrames.sum());
        }
    }

    PhoenixCodec codec(Vsn vsn) {
        return PhoenixCodec.of(vsn);
    }

    /** Open WebSocket connections (upgraded, not yet closed). */
    public int connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Channels currently joined, over all connections. */
    public int channelsJoined() {
        return channelsJoined.get();
    }

    /** postgres_changes and broadcast frames written to sockets. */
    public long framesDelivered() {
        return framesDelivered.sum();
    }

    /** Deliveries dropped by the {@code dropRatio} knob. */
    public long deliveriesDropped() {
        return deliveriesDropped.sum();
    }

    /** Frames written while the socket was not writable (Netty buffered them; the client reads too slowly). */
    public long writesWhileUnwritable() {
        return writesWhileUnwritable.sum();
    }

    /** Frames that were no valid message of the socket's serializer; dropped, the connection stays open. */
    public long malformedFrames() {
        return malformedFrames.sum();
    }

    /**
     * Sockets that have joined at least one channel (the server's UsersCounter: the transport joins when its first
     * channel joins and leaves when it closes).
     */
    public int concurrentUsers() {
        return concurrentUsers.get();
    }

    /** The tenant's events per second as of the last rate tick (broadcasts received plus messages delivered). */
    public double eventsPerSecond() {
        return events.avg();
    }

    /** The tenant's joins per second as of the last rate tick. */
    public double joinsPerSecond() {
        return joins.avg();
    }

    public boolean eventsLimited() {
        return events.triggered();
    }

    /** How often the stand-in refused or shut down for {@code why}. */
    public long refusals(Refusal why) {
        return refusals.get(why).sum();
    }

    /** Every refusal count, zero counts included, in {@link Refusal} order. */
    public Map<Refusal, Long> refusals() {
        Map<Refusal, Long> m = new EnumMap<>(Refusal.class);
        refusals.forEach((r, n) -> m.put(r, n.sum()));
        return m;
    }

    @Override
    public void close() {
        rateTicker.cancel(false);
        serverChannel.close().awaitUninterruptibly();
        for (StandInConnection c : connections) {
            c.channel().close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        RowSecurity r = rowSecurity;
        if (r != null) {
            // The capture that used it has stopped before the server closes (EmbeddedTarget closes it first).
            r.close();
        }
        log.info("stand-in Realtime on port {} stopped: {} frames delivered, {} dropped", port, framesDelivered(),
                deliveriesDropped());
    }
}
