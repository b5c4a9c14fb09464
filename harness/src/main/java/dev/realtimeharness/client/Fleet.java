package dev.realtimeharness.client;

import dev.realtimeharness.protocol.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulated driver apps: one {@link DriverConnection} per driver, connects paced by the fleet's connect rate
 * and joins by its join rate. The event-loop group is either the fleet's own, shut down in {@link #close()}, or the
 * caller's, which {@link #close()} leaves running.
 */
public final class Fleet implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<DriverConnection> connections = new ArrayList<>();
    private final Pacer connectPacer;
    private final List<ScheduledFuture<?>> pendingStarts = new ArrayList<>();

    /** A fleet on its own event-loop group ({@code config.eventLoopThreads()}, 0: one per core). */
    public Fleet(FleetConfig config, List<DriverSpec> drivers, ClientListener listener, SslContext ssl) {
        this(config, drivers, listener, ssl, EventLoops.newGroup(eventLoopThreads(config), "fleet"), true);
    }

    /**
     * A fleet on the caller's event-loop group (from {@link EventLoops#newGroup}), which the caller shuts down after
     * {@link #close()}; {@code config.eventLoopThreads()} is not used.
     */
    public Fleet(FleetConfig config, List<DriverSpec> drivers, ClientListener listener, SslContext ssl,
            EventLoopGroup group) {
        this(config, drivers, listener, ssl, group, false);
    }

    private Fleet(FleetConfig config, List<DriverSpec> drivers, ClientListener listener, SslContext ssl,
            EventLoopGroup group, boolean ownsGroup) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.connectPacer = new Pacer(config.connectRatePerSecond());
        Pacer joinPacer = new Pacer(config.joinRatePerSecond());
        for (DriverSpec d : drivers) {
            connections.add(new DriverConnection(d, config, listener, joinPacer, group.next(), ssl));
        }
    }

    /** The event-loop threads a fleet with {@code config} wants: its setting, else one per core. */
    public static int eventLoopThreads(FleetConfig config) {
        return config.eventLoopThreads() > 0 ? config.eventLoopThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Starts connecting every driver at the configured connect rate; returns at once. */
    public void start() {
        long now = System.nanoTime();
        for (DriverConnection c : connections) {
            long delay = connectPacer.reserveDelayNanos(now);
            pendingStarts.add(group.schedule(c::start, delay, TimeUnit.NANOSECONDS));
        }
    }

    /**
     * Sends a broadcast on each of the given topics through connection {@code index} (each topic must be one of that
     * connection's joined channels); the callback gets the send time and the number of frames written.
     */
    public void broadcast(int index, List<String> topics, String userEvent,
            com.fasterxml.jackson.databind.JsonNode payload, BroadcastCallback callback) {
        connections.get(index).sendBroadcasts(topics, userEvent, payload, callback::done);
    }

    /** Completion of {@link #broadcast}; called on an event loop, must not block. */
    public interface BroadcastCallback {
        void done(long sendNanos, int framesSent);
    }

    public int size() {
        return connections.size();
    }

    @Override
    public void close() {
        // A caller's group outlives the fleet: connections not started yet must not start after it closed.
        for (ScheduledFuture<?> s : pendingStarts) {
            s.cancel(false);
        }
        List<Future<Void>> stops = new ArrayList<>();
        for (DriverConnection c : connections) {
            stops.add(c.stop());
        }
        for (Future<Void> f : stops) {
            f.awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
