package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.fuzz.HostileFrames;
import dev.realtimeharness.fuzz.LeakWatch;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The client against a hostile server: 200,000 random and mutated server frames (a million with
 * -Dfuzz.clientFrames=1000000; deliveries, replies, system messages, presence, phx_error and phx_close among them,
 * truncated, edited, retyped, nested, random text and binary) on one driver's socket, then one frame over the
 * client's limit. The client must not crash, must count every frame it cannot read exactly once as a protocol error,
 * must keep that one socket for all of them (no second socket), reconnect exactly once after the oversize frame,
 * close everything on stop, and leak no buffer under paranoid leak detection.
 */
class ClientHostileFramesIT {
    /**
     * 200,000 in the build (16 s on 2 cores, under paranoid leak detection; a million took 100 s in CI); the
     * same generator and seed, so these are the first 200,000 of the million that -Dfuzz.clientFrames=1000000 sends.
     */
    private static final int FRAMES = Integer.getInteger("fuzz.clientFrames", 200_000);
    private static final String TOPIC = "realtime:fuzz";
    private static final List<String> SERVER_FRAMES = List.of(
            "[\"1\",null,\"realtime:fuzz\",\"postgres_changes\",{\"ids\":[7],\"data\":{\"schema\":\"public\","
                    + "\"table\":\"orders\",\"commit_timestamp\":\"2026-12-01T00:00:00.000Z\",\"eventType\":\"INSERT\","
                    + "\"new\":{\"id\":1,\"notes\":\"fuzz:0:1\"},\"errors\":null,\"type\":\"INSERT\"}}]",
            "[null,null,\"realtime:fuzz\",\"broadcast\",{\"type\":\"broadcast\",\"event\":\"e\",\"payload\":"
                    + "{\"notes\":\"fuzz:0:2\"}}]",
            "[\"1\",\"1\",\"realtime:fuzz\",\"phx_reply\",{\"status\":\"ok\",\"response\":{\"postgres_changes\":[]}}]",
            "[\"1\",null,\"realtime:fuzz\",\"system\",{\"channel\":\"fuzz\",\"extension\":\"postgres_changes\","
                    + "\"message\":\"Subscribed to PostgreSQL\",\"status\":\"ok\"}]",
            "[\"1\",null,\"realtime:fuzz\",\"presence_diff\",{\"joins\":{},\"leaves\":{}}]",
            "[null,\"9\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]",
            "[\"1\",null,\"realtime:fuzz\",\"phx_error\",{}]",
            "[\"1\",null,\"realtime:fuzz\",\"phx_close\",{}]");

    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong protocolErrors = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();

    private final ClientListener listener = new ClientListener() {
        @Override
        public void connected(int driver, long connectNanos, boolean reconnect) {
            connected.incrementAndGet();
        }

        @Override
        public void protocolError(int driver, String message, String head) {
            protocolErrors.incrementAndGet();
        }

        @Override
        public void probeReceived(int subscription, String probe, long recvNanos, String commitTimestamp) {
            probes.incrementAndGet();
        }
    };

    @Test
    void hostileFramesAreCountedOnOneSocketAndOneOversizeFrameCostsOneReconnect() throws Exception {
        PhoenixCodec codec = PhoenixCodec.of(Vsn.V2);
        InboundScan scan = new InboundScan("notes");
        HostileFrames frames = new HostileFrames(33, SERVER_FRAMES);
        AtomicLong unreadable = new AtomicLong();
        try (LeakWatch leaks = new LeakWatch(); HostileServer server = new HostileServer(HostileServer.Mode.FUZZ)) {
            server.fuzzFrames = FRAMES;
            // Runs on the server's event loop, one frame at a time: what the client must refuse, by the protocol.
            server.fuzz = () -> {
                Object f = frames.next();
                if (unreadable(f, scan, codec)) {
                    unreadable.incrementAndGet();
                }
                return f;
            };
            FleetConfig config = new FleetConfig(server.uri(), "key", Vsn.V2, Duration.ofSeconds(25), 100, 100,
                    Duration.ofSeconds(10), "notes", 1);
            ChannelSpec channel = new ChannelSpec(0, TOPIC, new JoinConfig(false, false, "", false, List.of(), false,
                    null));
            long started = System.nanoTime();
            try (Fleet fleet = new Fleet(config, List.of(new DriverSpec(0, List.of(channel))), listener, null)) {
                fleet.start();
                int sent = server.fuzzDone.get(10, TimeUnit.MINUTES);
                // The oversize frame after the fuzz ends the socket; the client reconnects once (after 1 s).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (connected.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("client fuzz: %d frames in %.1f s, %d unreadable by the protocol, %d protocol errors"
                        + " counted, %d probes delivered, %d sockets%n", sent, seconds, unreadable.get(),
                        protocolErrors.get(), probes.get(), server.accepted.get());
                assertThat(sent).isEqualTo(FRAMES);
                assertThat(connected.get()).as("one connect, one reconnect after the oversize frame").isEqualTo(2);
                Thread.sleep(500);
                assertThat(server.accepted.get()).as("sockets the server accepted").isEqualTo(2);
                assertThat(server.maxOpenAtOnce.get()).as("sockets open at once").isEqualTo(1);
                // Every frame before the oversize one was read before the socket ended: each unreadable one counted.
                assertThat(protocolErrors.get()).as("protocol errors counted").isEqualTo(unreadable.get());
                assertThat(unreadable.get()).as("the mutations produce unreadable frames").isGreaterThan(FRAMES / 2);
            }
            assertThat(server.awaitAllClosed(5_000)).as("sockets still open after stop").isZero();
            assertThat(leaks.leaks()).as("Netty leak reports (level %s)", LeakWatch.level()).isEmpty();
        }
    }

    /** What the client's frame handler must refuse: a frame its scan or, for control frames, its codec rejects. */
    private static boolean unreadable(Object f, InboundScan scan, PhoenixCodec codec) {
        try {
            if (f instanceof byte[] b) {
                scan.scanBinary(b);
                return false;
            }
            byte[] bytes = ((String) f).getBytes(StandardCharsets.UTF_8);
            scan.scanText(Vsn.V2, bytes, 0, bytes.length);
            String event = scan.event();
            if (Events.POSTGRES_CHANGES.equals(event) || Events.BROADCAST.equals(event)) {
                return false;
            }
            codec.decode(new WireFrame.Text((String) f));
            return false;
        } catch (ProtocolException e) {
            return true;
        }
    }
}
