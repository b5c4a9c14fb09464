package dev.realtimeharness.client;

import dev.realtimeharness.protocol.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulated driver apps: one {@link DriverConnection} per driver, connects paced by the fleet's connect rate
 * and joins by its join rate. The fleet owns its event-loop group and shuts it down in {@link #close()}.
 */
public final class Fleet implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<DriverConnection> connections = new ArrayList<>();
    private final Pacer connectPacer;

    public Fleet(FleetConfig config, List<DriverSpec> drivers, ClientListener listener, SslContext ssl) {
        int threads = config.eventLoopThreads() > 0 ? config.eventLoopThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.group = EventLoops.newGroup(threads, "fleet");
        this.connectPacer = new Pacer(config.connectRatePerSecond());
        Pacer joinPacer = new Pacer(config.joinRatePerSecond());
        for (DriverSpec d : drivers) {
            connections.add(new DriverConnection(d, config, listener, joinPacer, group.next(), ssl));
        }
    }

    /** Starts connecting every driver at the configured connect rate; returns at once. */
    public void start() {
        long now = System.nanoTime();
        for (DriverConnection c : connections) {
            long delay = connectPacer.reserveDelayNanos(now);
            group.schedule(c::start, delay, TimeUnit.NANOSECONDS);
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
        List<Future<Void>> stops = new ArrayList<>();
        for (DriverConnection c : connections) {
            stops.add(c.stop());
        }
        for (Future<Void> f : stops) {
            f.awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
