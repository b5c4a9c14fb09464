package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import dev.realtimeharness.protocol.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stand-in for Supabase Realtime: Phoenix channels over WebSocket (vsn 1.0.0 and 2.0.0), heartbeats,
 * joins with postgres_changes bindings, broadcast fan-out, leave/close, the fault knobs, JWT checks at
 * connect, join and access_token (when a secret is set) and the tenant limits. It wires the parts together
 * ({@link StandInChannelInitializer} per socket; {@link TopicRegistry}, {@link BroadcastRouter}, {@link ChangeRouter},
 * {@link TenantLimits}, {@link StandInStats} shared), owns one event-loop group and shuts it down in {@link #close()}.
 */
public final class StandInServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandInServer.class);

    public static final String REALTIME_PATH = "/realtime/v1/websocket";
    public static final String SOCKET_PATH = "/socket/websocket";
    /** The server's max_frame_size. */
    public static final int MAX_FRAME_BYTES = 5_000_000;
    /** Phoenix's websocket timeout default: a socket that receives nothing for this long is closed. */
    public static final long IDLE_TIMEOUT_SECONDS = 60;

    private final StandInConfig config;
    private final Faults faults;
    private final StandInStats stats = new StandInStats();
    private final TenantLimits limits;
    private final TopicRegistry topics = new TopicRegistry(stats);
    private final BroadcastRouter broadcasts;
    private final ChangeRouter changes;
    private final Set<StandInConnection> connections = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup group;
    // Accepts only. The listening socket used to share an event loop with a quarter of the sockets, so a new
    // connection's accept waited behind that loop's join bursts (thousands of phx_join frames read, decoded, answered
    // and encoded in one go); with a loop of its own, an accept waits for nothing but other accepts.
    private final EventLoopGroup acceptor;
    private final Channel serverChannel;
    private final int port;
    private final ScheduledFuture<?> rateTicker;
    private final AtomicLong openedSockets = new AtomicLong();
    private final ReadyWithholding readyWithholding;
    private final Disconnects disconnects;
    private volatile long subscribeDelayNanos;

    private StandInServer(StandInConfig config) throws InterruptedException {
        this.config = config;
        this.faults = new Faults(config, System.nanoTime());
        this.limits = new TenantLimits(config.limits(), config.rateTick());
        this.broadcasts = new BroadcastRouter(topics, limits, stats);
        this.changes = new ChangeRouter(config.authEnabled(), topics, broadcasts, limits, stats);
        this.group = EventLoops.newGroup(0, "standin");
        this.acceptor = EventLoops.newGroup(1, "standin-accept");
        this.readyWithholding = new ReadyWithholding(config.withholdReadyRatio());
        this.disconnects = new Disconnects(config.disconnectRatio(), config.disconnectAfter(), group.next(),
                () -> connections);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(acceptor, group)
                    .channel(EventLoops.serverSocketChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBufferWaterMark.DEFAULT)
                    .childHandler(new StandInChannelInitializer(this));
            // Called from the caller's thread, never from an event loop, so waiting for the bind is fine.
            this.serverChannel = b.bind(new InetSocketAddress("127.0.0.1", config.port())).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        long tick = config.rateTick().toNanos();
        this.rateTicker = group.next().scheduleAtFixedRate(limits::tick, tick, tick, TimeUnit.NANOSECONDS);
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
     * Delivers one database change to every joined channel with a matching binding (or, for realtime.messages, as a
     * database broadcast). Called from the replication thread: it only reads immutable subscription state,
     * serializes {@code data} once, and hands each frame to the subscriber's event loop. Answers whether any
     * subscriber was sent it.
     */
    public boolean publishChange(ChangeEvent e) {
        return changes.publish(e);
    }

    /**
     * From now on a postgres_changes join is subscribed (gets "Subscribed to PostgreSQL" and changes) {@code delay}
     * after its ok reply instead of with it, as the real server subscribes in the background (protocol.md §4). Call
     * before anyone joins.
     */
    public void subscribeChangesAfter(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("subscribe delay must not be negative, was " + delay);
        }
        this.subscribeDelayNanos = delay.toNanos();
    }

    long subscribeDelayNanos() {
        return subscribeDelayNanos;
    }

    /**
     * Checks postgres_changes of tables with row-level security under each subscriber's claims, on a connection of
     * its own from {@code dataSource}. Call before changes flow; the server closes that connection.
     */
    public void useRowSecurity(DataSource dataSource) {
        changes.useRowSecurity(dataSource);
    }

    // ---- faults applied while it runs (a fault schedule); each takes the place of its fixed knob while it lasts ---

    /** Closes {@code share} (0..1) of the sockets open now, the earliest-connected first, with 1012; how many. */
    public int disconnect(double share) {
        return disconnects.closeNow(share, "fault: disconnect " + share);
    }

    /** Holds every delivery due within the next {@code length} until it ends, then releases them in order. */
    public void stall(Duration length) {
        faults.windows().stall(System.nanoTime(), length.toNanos());
    }

    /** Delays every delivery by {@code delay} (plus the jitter knob) for the next {@code length}. */
    public void delayFor(Duration delay, Duration length) {
        faults.windows().delay(delay.toNanos(), System.nanoTime(), length.toNanos());
    }

    /** Drops {@code ratio} of the deliveries for the next {@code length}. */
    public void dropFor(double ratio, Duration length) {
        faults.windows().drop(ratio, System.nanoTime(), length.toNanos());
    }

    /** Refuses {@code ratio} of the joins (RealtimeRestarting, as the knob) for the next {@code length}. */
    public void rejectJoinsFor(double ratio, Duration length) {
        faults.windows().rejectJoins(ratio, System.nanoTime(), length.toNanos());
    }

    /** Sends {@code ratio} of the deliveries as a text frame that is not JSON for the next {@code length}. */
    public void malformFramesFor(double ratio, Duration length) {
        faults.windows().malformed(ratio, System.nanoTime(), length.toNanos());
    }

    /** Deliveries sent as malformed frames so far. */
    public long malformedFramesSent() {
        return faults.windows().malformedSentCount();
    }

    // ---- the parts, for the per-socket handlers ------------------------------------------------------------------

    Faults faults() {
        return faults;
    }

    StandInStats stats() {
        return stats;
    }

    TenantLimits tenantLimits() {
        return limits;
    }

    TopicRegistry topics() {
        return topics;
    }

    BroadcastRouter broadcasts() {
        return broadcasts;
    }

    ReadyWithholding readyWithholding() {
        return readyWithholding;
    }

    Disconnects disconnects() {
        return disconnects;
    }

    void connectionOpened(StandInConnection c) {
        c.openedSeq(openedSockets.getAndIncrement());
        connections.add(c);
        stats.connectionOpened();
    }

    void connectionClosed(StandInConnection c) {
        if (connections.remove(c)) {
            stats.connectionClosed();
        }
    }

    // ---- figures -----------------------------------------------------------------------------------------------

    /** RLS visibility queries run so far: one per change and distinct subscriber claims. */
    public long rlsQueries() {
        return changes.rlsQueries();
    }

    /** postgres_changes not delivered to a matching channel because RLS hid the row from its claims. */
    public long rlsHidden() {
        return stats.rlsHidden();
    }

    /** RLS checks that had to wait for a streamed commit to become visible to queries. */
    public long rlsCommitWaits() {
        return changes.rlsCommitWaits();
    }

    /** Open WebSocket connections (upgraded, not yet closed). */
    public int connectionsOpen() {
        return stats.connectionsOpen();
    }

    /** Channels currently joined, over all connections. */
    public int channelsJoined() {
        return stats.channelsJoined();
    }

    /** postgres_changes and broadcast frames written to sockets. */
    public long framesDelivered() {
        return stats.framesDelivered();
    }

    /** postgres_changes joins that got no "Subscribed to PostgreSQL" (nor changes) by the withholdReadyRatio knob. */
    public long readyWithheld() {
        return readyWithholding.withheld();
    }

    /** Sockets closed by the disconnectRatio knob (0 until it fired) and by {@link #disconnect}. */
    public long socketsDisconnected() {
        return disconnects.closed();
    }

    /** Deliveries dropped by the {@code dropRatio} knob. */
    public long deliveriesDropped() {
        return stats.deliveriesDropped();
    }

    /** Frames written while the socket was not writable (Netty buffered them; the client reads too slowly). */
    public long writesWhileUnwritable() {
        return stats.writesWhileUnwritable();
    }

    /** Frames that were no valid message of the socket's serializer; dropped, the connection stays open. */
    public long malformedFrames() {
        return stats.malformedFrames();
    }

    /**
     * Sockets that have joined at least one channel (the server's UsersCounter: the transport joins when its first
     * channel joins and leaves when it closes).
     */
    public int concurrentUsers() {
        return limits.concurrentUsers();
    }

    /** The tenant's events per second as of the last rate tick (broadcasts received plus messages delivered). */
    public double eventsPerSecond() {
        return limits.eventsPerSecond();
    }

    /** The tenant's joins per second as of the last rate tick. */
    public double joinsPerSecond() {
        return limits.joinsPerSecond();
    }

    public boolean eventsLimited() {
        return limits.eventsLimited();
    }

    /** How often the stand-in refused or shut down for {@code why}. */
    public long refusals(Refusal why) {
        return stats.refusals(why);
    }

    /** Every refusal count, zero counts included, in {@link Refusal} order. */
    public Map<Refusal, Long> refusals() {
        return stats.refusals();
    }

    @Override
    public void close() {
        rateTicker.cancel(false);
        serverChannel.close().awaitUninterruptibly();
        acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        for (StandInConnection c : connections) {
            c.channel().close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        changes.close();
        log.info("stand-in Realtime on port {} stopped: {} frames delivered, {} dropped", port, framesDelivered(),
                deliveriesDropped());
    }
}
