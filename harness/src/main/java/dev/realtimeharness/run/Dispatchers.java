package dev.realtimeharness.run;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.Fleet;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.publish.BroadcastSender;
import dev.realtimeharness.scenario.TargetLimits;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcast publisher's own connections: a pool of dispatcher sockets ({@code publish.connections}, else the
 * fewest that hold every topic), each joined (broadcast only, self false) to its share of the distinct topics the
 * probes go to ({@link DispatchPlan}), like a dispatcher app that sends drivers their orders. A probe is sent on the
 * socket(s) that joined its topics. They are not drivers: their joins and connections are logged but not counted in
 * the driver figures.
 */
final class Dispatchers implements BroadcastSender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatchers.class);

    private final Fleet fleet;
    private final DispatchPlan plan;
    private final AtomicInteger ready = new AtomicInteger();

    private Dispatchers(FleetConfig config, DispatchPlan plan, String accessToken, SslContext ssl,
            EventLoopGroup group) {
        this.plan = plan;
        List<DriverSpec> specs = new ArrayList<>(plan.sockets());
        int n = 0;
        for (int s = 0; s < plan.sockets(); s++) {
            List<ChannelSpec> channels = new ArrayList<>(plan.topicsOf(s).size());
            for (String topic : plan.topicsOf(s)) {
                channels.add(new ChannelSpec(n++, topic,
                        new JoinConfig(false, false, "", false, List.of(), false, accessToken)));
            }
            specs.add(new DriverSpec(s, channels));
        }
        this.fleet = new Fleet(config, specs, new Listener(), ssl, group);
    }

    /**
     * The run's pool, on its event-loop group (which the run shuts down after {@link #close()}): the topics of the
     * measurement's drivers, packed at the target's {@code maxChannelsPerClient}.
     */
    static Dispatchers start(Measurement m, EventLoopGroup group) {
        TargetLimits limits = Preflight.limitsOf(m.scenario(), m.target().embedded() == null);
        List<List<String>> topicsOfDriver = new ArrayList<>(m.drivers().size());
        for (DriverSpec d : m.drivers()) {
            topicsOfDriver.add(d.channels().stream().map(ChannelSpec::topic).distinct().toList());
        }
        DispatchPlan plan = DispatchPlan.pack(topicsOfDriver, m.scenario().publish().connections(),
                limits.maxChannelsPerClient());
        log.info("dispatcher pool: {} sockets for {} topics, at most {} a socket", plan.sockets(), plan.topics(),
                limits.maxChannelsPerClient());
        Dispatchers d = new Dispatchers(m.fleetConfig(), plan, m.target().apikey(), m.ssl(), group);
        d.fleet.start();
        return d;
    }

    boolean allReady() {
        return ready.get() >= plan.topics();
    }

    @Override
    public void broadcast(int driver, List<String> topics, String event, JsonNode payload, Sent sent) {
        int single = -2; // the one socket every topic is on; -1 once they are on several
        for (String t : topics) {
            int s = plan.socketOf(t);
            if (s >= 0 && single != s) {
                single = single == -2 ? s : -1;
            }
        }
        if (single >= 0) {
            // One socket keeps its frames in order and acknowledges none: its own FIFO lane.
            int lane = single;
            fleet.broadcast(single, topics, event, payload, (nanos, frames) -> sent.done(nanos, frames, lane));
            return;
        }
        if (single == -2) {
            sent.done(System.nanoTime(), 0, -1); // no socket joined any of them
            return;
        }
        Map<Integer, List<String>> bySocket = new LinkedHashMap<>();
        for (String t : topics) {
            int s = plan.socketOf(t);
            if (s >= 0) {
                bySocket.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
            }
        }
        Split split = new Split(bySocket.size(), sent);
        bySocket.forEach((s, ts) -> fleet.broadcast(s, ts, event, payload, split::done));
    }

    /** The sockets of the pool (summary.json publisher.connections). */
    @Override
    public int connections() {
        return plan.sockets();
    }

    @Override
    public void close() {
        fleet.close();
    }

    /**
     * A probe whose topics are on several sockets: reported sent (on no lane: its frames keep no order with one
     * socket's) by the first socket that has a frame to write, before it writes it, so that the send time is known
     * before any delivery; failed when none had one. Each socket's completion runs on its own event loop.
     */
    private static final class Split {
        private final Sent sent;
        private int pending;
        private boolean reported;

        Split(int sockets, Sent sent) {
            this.pending = sockets;
            this.sent = sent;
        }

        synchronized void done(long sendNanos, int frames) {
            pending--;
            if (!reported && frames > 0) {
                reported = true;
                sent.done(sendNanos, frames, -1);
            } else if (!reported && pending == 0) {
                sent.done(sendNanos, 0, -1);
            }
        }
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
        public void connectFailed(int socket, String reason) {
            log.warn("dispatcher connection {} failed: {}", socket, reason);
        }

        @Override
        public void joinFailed(int subscription, String reason) {
            log.warn("dispatcher join {} failed: {}", subscription, reason);
        }
    }
}
