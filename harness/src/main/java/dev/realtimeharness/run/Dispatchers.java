package dev.realtimeharness.run;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.Fleet;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.publish.BroadcastSender;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcast publisher's own connections: one per driver, joined (broadcast only, self false) to every topic of
 * that driver, like the dispatcher app that sends a driver its orders. They are not drivers: their joins and
 * connections are logged but not counted in the driver figures.
 */
final class Dispatchers implements BroadcastSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatchers.class);

    private final Fleet fleet;
    private final AtomicInteger ready = new AtomicInteger();
    private final int channels;
    private final int sockets;

    private Dispatchers(FleetConfig config, List<DriverSpec> specs, int channels, SslContext ssl,
            EventLoopGroup group) {
        this.channels = channels;
        this.sockets = specs.size();
        this.fleet = new Fleet(config, specs, new Listener(), ssl, group);
    }

    /** On the run's event-loop group, which the run shuts down after {@link #close()}. */
    static Dispatchers start(FleetConfig config, List<DriverSpec> drivers, String accessToken, SslContext ssl,
            EventLoopGroup group) {
        List<DriverSpec> specs = new ArrayList<>();
        int n = 0;
        for (DriverSpec d : drivers) {
            Set<String> topics = new LinkedHashSet<>();
            d.channels().forEach(c -> topics.add(c.topic()));
            List<ChannelSpec> channels = new ArrayList<>();
            for (String topic : topics) {
                channels.add(new ChannelSpec(n++, topic,
                        new JoinConfig(false, false, "", false, List.of(), false, accessToken)));
            }
            specs.add(new DriverSpec(d.index(), channels));
        }
        Dispatchers d = new Dispatchers(config, specs, n, ssl, group);
        d.fleet.start();
        return d;
    }

    boolean allReady() {
        return ready.get() >= channels;
    }

    @Override
    public void broadcast(int driver, List<String> topics, String event, JsonNode payload, Sent sent) {
        fleet.broadcast(driver, topics, event, payload, sent::done);
    }

    /** One socket per driver. */
    @Override
    public int connections() {
        return sockets;
    }

    @Override
    public void close() {
        fleet.close();
    }

    private final class Listener implements ClientListener {
        @Override
        public void ready(int subscription, long nanos) {
            ready.incrementAndGet();
        }

        @Override
        public void subscriptionClosed(int subscription, String reason) {
            ready.decrementAndGet();
            log.warn("dispatcher channel {} closed: {}", subscription, reason);
        }

        @Override
        public void connectFailed(int driver, String reason) {
            log.warn("dispatcher connection {} failed: {}", driver, reason);
        }

        @Override
        public void joinFailed(int subscription, String reason) {
            log.warn("dispatcher join {} failed: {}", subscription, reason);
        }
    }
}
