package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Vsn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reconnects, rejoins and heartbeats of one driver against a real, misbehaving WebSocket server ({@link HostileServer}):
 * real sockets, real time.
 */
class ReconnectTest {
    static final long MS = 1_000_000L;

    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger disconnected = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final List<String> lossReasons = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.concurrent.LinkedBlockingQueue<Long> disconnectNanos = new java.util.concurrent.LinkedBlockingQueue<>();

    final ClientListener listener = new ClientListener() {
        @Override
        public void connectAttempted(int driver) {
            attempts.incrementAndGet();
        }

        @Override
        public void connected(int driver, long connectNanos, boolean reconnect) {
            connected.incrementAndGet();
        }

        @Override
        public void connectFailed(int driver, String reason) {
            failed.incrementAndGet();
        }

        @Override
        public void disconnected(int driver, String reason) {
            lossReasons.add(reason);
            disconnectNanos.add(System.nanoTime());
            disconnected.incrementAndGet();
        }
    };

    Fleet fleet(HostileServer server, Duration heartbeat, double joinRate, int channels) {
        List<ChannelSpec> specs = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            specs.add(new ChannelSpec(i, "realtime:room:" + i,
                    new JoinConfig(false, false, "", false, List.of(), false, null)));
        }
        FleetConfig config = new FleetConfig(server.uri(), "key", Vsn.V2, heartbeat, 100, joinRate,
                Duration.ofSeconds(10), "notes", 1);
        return new Fleet(config, List.of(new DriverSpec(0, specs)), listener, null);
    }

    @ParameterizedTest
    @EnumSource(value = HostileServer.Mode.class, names = {"INVALID_UTF8", "OVERSIZE"})
    void protocolErrorAfterTheHandshakeReconnectsExactlyOncePerLostSocket(HostileServer.Mode mode) throws Exception {
        try (HostileServer server = new HostileServer(mode)) {
            Fleet fleet = fleet(server, Duration.ofSeconds(25), 100, 2);
            fleet.start();
            Thread.sleep(10_000);
            int acceptedAtStop = server.accepted.get();
            fleet.close();
            int stillOpen = server.awaitAllClosed(2_000);
            // A reconnect wrongly scheduled before the stop would show up within its backoff.
            Thread.sleep(1_500);
            List<Long> at = server.acceptNanos;
            List<Long> gapsMillis = new ArrayList<>();
            for (int i = 1; i < at.size(); i++) {
                gapsMillis.add((at.get(i) - at.get(i - 1)) / MS);
            }
            System.out.printf("%s: %d sockets in 10 s, at most %d open at once, gaps %s ms, client saw %d attempts,"
                    + " %d opens, %d losses, %d failures; open after stop: %d%n", mode, at.size(),
                    server.maxOpenAtOnce.get(), gapsMillis, attempts.get(), connected.get(), disconnected.get(),
                    failed.get(), stillOpen);

            // Every socket opens and is lost at once; realtime-js resets its reconnect backoff on each open, so
            // each loss is followed by exactly one reconnect, 1 s (Backoff.reconnectMillis(1)) later: ~10 in 10 s.
            assertThat(server.maxOpenAtOnce.get()).as("sockets open at once").isEqualTo(1);
            assertThat(gapsMillis).allSatisfy(g -> assertThat(g).isBetween(Backoff.reconnectMillis(1), 1_500L));
            assertThat(at.size()).isBetween(8, 11);
            assertThat(server.accepted.get()).as("no reconnect after stop").isEqualTo(acceptedAtStop);
            assertThat(attempts.get()).isEqualTo(acceptedAtStop);
            assertThat(connected.get()).isEqualTo(acceptedAtStop);
            assertThat(disconnected.get()).isEqualTo(acceptedAtStop);
            assertThat(failed.get()).isZero();
            // Netty closes the socket before it raises the protocol error, so the loss is "socket closed by peer".
            assertThat(stillOpen).as("client sockets open after stop").isZero();
        }
    }

    @Test
    void refusedHandshakeIsReportedOnceAndRetriedOnceWithTheGrowingBackoff() throws Exception {
        try (HostileServer server = new HostileServer(HostileServer.Mode.REFUSE)) {
            Fleet fleet = fleet(server, Duration.ofSeconds(25), 100, 1);
            fleet.start();
            Thread.sleep(10_000);
            int acceptedAtStop = server.accepted.get();
            fleet.close();
            Thread.sleep(1_500);
            List<Long> at = server.acceptNanos;
            List<Long> closed = server.closeNanos;
            // From the server's close of one socket (right after its refusal) to the next socket.
            List<Long> gapsMillis = new ArrayList<>();
            for (int i = 1; i < at.size(); i++) {
                gapsMillis.add((at.get(i) - closed.get(i - 1)) / MS);
            }
            System.out.printf("REFUSE: %d sockets in 10 s, at most %d open at once, close-to-next-socket %s ms,"
                    + " %d attempts, %d failures reported%n", at.size(), server.maxOpenAtOnce.get(), gapsMillis,
                    attempts.get(), failed.get());
            // Never opened, so the backoff grows: 1 s, 2 s, 5 s (then 10 s): sockets at about 0, 1, 3 and 8 s.
            assertThat(at).hasSize(4);
            for (int i = 0; i < gapsMillis.size(); i++) {
                assertThat(gapsMillis.get(i)).isBetween(Backoff.reconnectMillis(i + 1) - 50,
                        Backoff.reconnectMillis(i + 1) + 300);
            }
            assertThat(server.maxOpenAtOnce.get()).isEqualTo(1);
            assertThat(server.accepted.get()).as("no reconnect after stop").isEqualTo(acceptedAtStop);
            assertThat(attempts.get()).isEqualTo(4);
            assertThat(failed.get()).as("one failure reported per attempt").isEqualTo(4);
            assertThat(server.awaitAllClosed(2_000)).isZero();
        }
    }

    @Test
    void stopClosesASocketStillConnecting() throws Exception {
        try (HostileServer server = new HostileServer(HostileServer.Mode.SILENT)) {
            Fleet fleet = fleet(server, Duration.ofSeconds(25), 100, 1);
            fleet.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.accepted.get() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(server.openNow()).isEqualTo(1);
            fleet.close();
            assertThat(server.awaitAllClosed(2_000)).as("client sockets open after stop").isZero();
            Thread.sleep(1_500);
            assertThat(server.accepted.get()).as("no reconnect after stop").isEqualTo(1);
            assertThat(connected.get()).isZero();
        }
    }

    @Test
    void rejoinsAfterAReconnectGoOutAtOnceWhileFirstJoinsArePaced() throws Exception {
        try (HostileServer server = new HostileServer(HostileServer.Mode.JOIN_THEN_DROP)) {
            server.dropAfterJoins = 4;
            // Four joins a second: the first four joins span 750 ms.
            Fleet fleet = fleet(server, Duration.ofSeconds(25), 4, 4);
            fleet.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (server.joins.stream().filter(j -> j[0] == 1).count() < 4 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            fleet.close();
            long[] first = span(server.joins, 0);
            long[] second = span(server.joins, 1);
            System.out.printf("first joins span %d ms, rejoins after the reconnect span %d ms%n",
                    (first[1] - first[0]) / MS, (second[1] - second[0]) / MS);
            assertThat(server.joins.stream().filter(j -> j[0] == 1).count()).isEqualTo(4);
            assertThat((first[1] - first[0]) / MS).isGreaterThanOrEqualTo(700);
            assertThat((second[1] - second[0]) / MS).isLessThan(100);
            assertThat(server.awaitAllClosed(2_000)).isZero();
        }
    }

    private static long[] span(List<long[]> joins, int socket) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long[] j : joins) {
            if (j[0] == socket) {
                min = Math.min(min, j[1]);
                max = Math.max(max, j[1]);
            }
        }
        return new long[] {min, max};
    }

    @Test
    void heartbeatIsSentAnIntervalAfterEachReplyAndAMissedReplyClosesTheSocketAndReconnectsOnce() throws Exception {
        try (HostileServer server = new HostileServer(HostileServer.Mode.SLOW_HEARTBEAT)) {
            server.replyDelayMillis = 150;
            server.answeredHeartbeats = 3;
            Fleet fleet = fleet(server, Duration.ofMillis(400), 100, 0);
            fleet.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (server.accepted.get() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Thread.sleep(300);
            fleet.close();
            List<Long> beats = server.heartbeatNanos;
            List<Long> replies = server.replyNanos;
            List<Long> afterReply = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                afterReply.add((beats.get(i + 1) - replies.get(i)) / MS);
            }
            long closeAfterUnanswered = (server.closeNanos.get(0) - beats.get(3)) / MS;
            long reconnectAfterClose = (server.acceptNanos.get(1) - server.closeNanos.get(0)) / MS;
            System.out.printf("heartbeat after reply %s ms, socket closed %d ms after the unanswered heartbeat,"
                    + " reconnect %d ms later, close frames %s, sockets %d, at once %d%n", afterReply,
                    closeAfterUnanswered, reconnectAfterClose, server.closeFrames, server.accepted.get(),
                    server.maxOpenAtOnce.get());

            // phoenix.js: the next heartbeat an interval after the reply (a fixed rate would send it 150 ms sooner).
            assertThat(afterReply).allSatisfy(ms -> assertThat(ms).isBetween(390L, 550L));
            // The unanswered fourth times out an interval after it was sent: close 1000 and the socket closes.
            assertThat(server.closeFrames.get(0)).isEqualTo("1000 heartbeat timeout");
            assertThat(lossReasons.get(0)).isEqualTo("heartbeat timeout");
            assertThat(closeAfterUnanswered).isBetween(390L, 400L + Outbound.CLOSE_WAIT_MILLIS);
            assertThat(reconnectAfterClose).isBetween(900L, 1_500L);
            assertThat(server.maxOpenAtOnce.get()).isEqualTo(1);
            assertThat(server.awaitAllClosed(2_000)).isZero();
        }
    }

    @Test
    void heartbeatTimeoutClosesASocketWhoseCloseFrameCannotBeWrittenWithinASecond() throws Exception {
        try (HostileServer server = new HostileServer(HostileServer.Mode.JOIN_THEN_DROP)) {
            Fleet fleet = fleet(server, Duration.ofMillis(500), 100, 1);
            fleet.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.joins.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            // The server stops reading and the client queues 6 MB of broadcasts: more than the socket buffers hold
            // (the server's 16 KiB and the client's send buffer), so the heartbeat, and the close frame after its
            // timeout, can never be written.
            server.stopReading();
            com.fasterxml.jackson.databind.node.ObjectNode big = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.objectNode().put("pad", "x".repeat(1 << 20));
            long stalled = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
            for (int i = 0; i < 6; i++) {
                fleet.broadcast(0, List.of("realtime:room:0"), "e", big, (sendNanos, frames) -> queued.set(sendNanos));
            }
            // Netty's default would hold the close up to 10 s for the close frame.
            Long lost = disconnectNanos.poll(15, TimeUnit.SECONDS);
            assertThat(lost).as("the socket closed").isNotNull();
            // Encoding the frames keeps the event loop busy for a while (paranoid leak detection tracks every
            // buffer access), which delays the heartbeat's timers: count from when the last frame was queued.
            long closedAfter = (lost - queued.get()) / MS;
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (server.accepted.get() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            fleet.close();
            System.out.printf("frames queued %d ms after the stall; socket closed %d ms after that; sockets %d%n",
                    (queued.get() - stalled) / MS, closedAfter, server.accepted.get());
            // A heartbeat due within 500 ms, its timeout 500 ms after it, then at most 1 s for the close frame (plus
            // up to 1 s for a loaded machine): far below the 10 s Netty would otherwise wait.
            assertThat(closedAfter).isLessThanOrEqualTo(500 + 500 + Outbound.CLOSE_WAIT_MILLIS + 1000);
            assertThat(server.accepted.get()).as("one reconnect").isEqualTo(2);
        }
    }
}
