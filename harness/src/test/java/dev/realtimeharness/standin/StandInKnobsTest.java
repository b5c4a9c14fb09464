package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.capture.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The accounting knobs withholdReadyRatio and disconnectRatio/disconnectAfter, over real loopback sockets. */
class StandInKnobsTest {
    private static final String CHANGES = "[{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\"}]";
    private static final List<ChangeEvent.Column> COLUMNS = List.of(new ChangeEvent.Column("id", "int8"));

    private StandInServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WsTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private WsTestClient connect() throws Exception {
        WsTestClient c = WsTestClient.connect(server.wsUrl() + "?apikey=anon&vsn=2.0.0");
        clients.add(c);
        return c;
    }

    private static String join(String topic, String postgresChanges) {
        return "[\"1\",\"1\",\"realtime:" + topic + "\",\"phx_join\",{\"config\":{\"broadcast\":{\"ack\":false,"
                + "\"self\":false},\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":"
                + postgresChanges + ",\"private\":false},\"access_token\":\"x\"}]";
    }

    private static ChangeEvent insert(long id) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        return new ChangeEvent("public", "test", "INSERT", COLUMNS, record, null, Instant.now(), 0);
    }

    /** Whether the next frames (within 300 ms of the reply) include "Subscribed to PostgreSQL". */
    private static boolean getsReady(WsTestClient c) throws InterruptedException {
        Object f = c.frames.poll(300, TimeUnit.MILLISECONDS);
        if (f == null) {
            return false;
        }
        assertThat(f).asString().contains("Subscribed to PostgreSQL");
        return true;
    }

    @Test
    void withholdReadyRatioHalfGivesFourOkRepliesButOnlyTwoSubscribedMessagesAndChanges() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withWithholdReadyRatio(0.5));
        List<WsTestClient> sockets = new ArrayList<>();
        int ok = 0;
        List<Boolean> ready = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WsTestClient c = connect();
            sockets.add(c);
            c.send(join("room" + i, CHANGES));
            if (c.nextText().contains("\"status\":\"ok\"")) {
                ok++;
            }
            ready.add(getsReady(c));
        }
        assertThat(ok).isEqualTo(4);
        // ceil((n + 1) * 0.5) > ceil(n * 0.5): the 1st and 3rd postgres_changes joins are withheld.
        assertThat(ready).containsExactly(false, true, false, true);
        assertThat(server.readyWithheld()).isEqualTo(2);
        assertThat(server.channelsJoined()).isEqualTo(4);

        // A withheld channel's listener never came up: it gets no changes; the ready ones do.
        server.publishChange(insert(1));
        for (int i = 0; i < 4; i++) {
            if (ready.get(i)) {
                assertThat(sockets.get(i).nextText()).contains("\"postgres_changes\"").contains("\"id\":1");
            } else {
                sockets.get(i).expectNothing(200);
            }
        }
    }

    @Test
    void withholdReadyRatioLeavesBroadcastOnlyJoinsAndFilterErrorsAlone() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withWithholdReadyRatio(1.0));
        WsTestClient c = connect();
        c.send(join("plain", "[]"));
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        c.expectNothing(200);
        c.send(join("bad", "[{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\",\"filter\":\"foo=hey\"}]"));
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        // The filter error still goes out: only joins that would become ready are withheld.
        assertThat(c.nextText()).contains("\"status\":\"error\"").contains("Error parsing `filter` params");
        c.send(join("changes", CHANGES));
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        c.expectNothing(200);
        assertThat(server.readyWithheld()).isEqualTo(1);
    }

    @Test
    void disconnectRatioHalfClosesTheFirstTwoOfFourSocketsOnceAfterDisconnectAfter() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withDisconnect(0.5, Duration.ofMillis(400)));
        List<WsTestClient> sockets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WsTestClient c = connect();
            sockets.add(c);
            c.send(join("room" + i, CHANGES));
            assertThat(c.nextText()).contains("\"status\":\"ok\"");
            assertThat(c.nextText()).contains("Subscribed to PostgreSQL");
        }
        // The clock starts at the first routed delivery, not at connect or join.
        Thread.sleep(500);
        assertThat(sockets).noneMatch(c -> c.closed.isDone());

        long t0 = System.nanoTime();
        server.publishChange(insert(1));
        for (WsTestClient c : sockets) {
            assertThat(c.nextText()).contains("\"postgres_changes\"");
        }
        // The two earliest-connected sockets get a close 1012 (Service Restart) once the 400 ms have passed.
        assertThat(sockets.get(0).closed.get(5, TimeUnit.SECONDS)).isEqualTo(Disconnects.CLOSE_SERVICE_RESTART);
        assertThat(sockets.get(1).closed.get(5, TimeUnit.SECONDS)).isEqualTo(Disconnects.CLOSE_SERVICE_RESTART);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(server.socketsDisconnected()).isEqualTo(2);

        // The others stay up, and so does a socket that (re)connects afterwards: the knob fires once.
        WsTestClient late = connect();
        server.publishChange(insert(2));
        Thread.sleep(300);
        for (WsTestClient c : List.of(sockets.get(2), sockets.get(3), late)) {
            assertThat(c.closed).isNotDone();
            c.send("[null,\"9\",\"phoenix\",\"heartbeat\",{}]");
        }
        assertThat(sockets.get(2).nextText()).contains("\"id\":2");
        assertThat(sockets.get(2).nextText()).contains("\"phx_reply\"");
        assertThat(late.nextText()).contains("\"phx_reply\"");
        assertThat(server.socketsDisconnected()).isEqualTo(2);
        waitUntil(() -> server.connectionsOpen() == 3);
    }

    @Test
    void disconnectRatioClosesNothingBeforeAnyDelivery() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withDisconnect(1.0, Duration.ZERO));
        WsTestClient c = connect();
        c.send(join("room", CHANGES));
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        assertThat(c.nextText()).contains("Subscribed to PostgreSQL");
        Thread.sleep(300);
        assertThat(c.closed).isNotDone();
        server.publishChange(insert(1));
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(Disconnects.CLOSE_SERVICE_RESTART);
        assertThat(server.socketsDisconnected()).isEqualTo(1);
    }

    @Test
    void shareIsTheCeilingOfTheProductWithoutRoundingSurprises() {
        assertThat(ReadyWithholding.share(10, 0.3)).isEqualTo(3);
        assertThat(ReadyWithholding.share(100, 0.29)).isEqualTo(29);
        assertThat(ReadyWithholding.share(4, 0.1)).isEqualTo(1);
        assertThat(ReadyWithholding.share(4, 0.5)).isEqualTo(2);
        assertThat(ReadyWithholding.share(0, 0.5)).isZero();
        assertThat(ReadyWithholding.share(7, 1.0)).isEqualTo(7);
        assertThat(ReadyWithholding.share(7, 0.0)).isZero();
    }

    @Test
    void withholdingAfterAnyNumberOfJoinsIsTheCeilingOfTheShare() {
        for (double ratio : new double[] {0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0}) {
            ReadyWithholding w = new ReadyWithholding(ratio);
            for (int n = 1; n <= 50; n++) {
                w.withhold();
                assertThat(w.withheld()).as("ratio %s after %s joins", ratio, n)
                        .isEqualTo(ReadyWithholding.share(n, ratio));
            }
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
