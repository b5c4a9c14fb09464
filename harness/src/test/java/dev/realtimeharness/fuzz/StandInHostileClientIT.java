package dev.realtimeharness.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import dev.realtimeharness.standin.StandInConfig;
import dev.realtimeharness.standin.StandInLimits;
import dev.realtimeharness.standin.StandInServer;
import dev.realtimeharness.standin.WsTestClient;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in against a hostile client: random and mutated frames (half on a vsn 1.0.0 socket, half on 2.0.0), sent
 * as fast as the socket takes them. The server must not crash or drop the socket (Realtime logs a
 * MalformedWebSocketMessage and carries on), must count every frame its decoder rejects exactly once, must still
 * answer the same socket's heartbeat afterwards and a new client's join, and must leak no buffer under paranoid
 * leak detection.
 */
class StandInHostileClientIT {
    /**
     * 50,000 per serialiser in the build (35 s on 2 cores; 100,000 took 48 s: under paranoid leak detection the server
     * records a stack trace for every 8 bytes it unmasks); the same generators and seeds, so these are the first
     * frames of the million that -Dfuzz.frames=500000 sends.
     */
    private static final int FRAMES_PER_VSN = Integer.getInteger("fuzz.frames", 50_000);
    private static final List<String> V2_TEMPLATES = List.of(
            "[null,\"1\",\"phoenix\",\"heartbeat\",{}]",
            "[\"1\",\"2\",\"realtime:fuzz\",\"phx_join\",{\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                    + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[],\"private\":false},"
                    + "\"access_token\":\"x\"}]",
            "[\"1\",\"3\",\"realtime:fuzz\",\"broadcast\",{\"type\":\"broadcast\",\"event\":\"e\",\"payload\":{\"a\":1}}]",
            "[\"1\",\"4\",\"realtime:fuzz\",\"phx_leave\",{}]",
            "[\"1\",\"5\",\"realtime:fuzz\",\"access_token\",{\"access_token\":\"x\"}]",
            "[\"1\",\"6\",\"realtime:fuzz\",\"presence\",{\"type\":\"presence\",\"event\":\"track\",\"payload\":{}}]");
    private static final List<String> V1_TEMPLATES = List.of(
            "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"1\"}",
            "{\"topic\":\"realtime:fuzz\",\"event\":\"phx_join\",\"payload\":{\"config\":{\"broadcast\":{\"ack\":false,"
                    + "\"self\":false},\"presence\":{\"key\":\"\"},\"postgres_changes\":[]}},\"ref\":\"2\"}",
            "{\"topic\":\"realtime:fuzz\",\"event\":\"broadcast\",\"payload\":{\"type\":\"broadcast\",\"event\":\"e\","
                    + "\"payload\":{}},\"ref\":\"3\"}",
            "{\"topic\":\"realtime:fuzz\",\"event\":\"phx_leave\",\"payload\":{},\"ref\":\"4\"}");

    private StandInServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void hostileFramesAreCountedAndSurvivedOnBothSerialisers() throws Exception {
        // No tenant limits: the fuzz's broadcasts would otherwise rate-limit the tenant and the next socket would be
        // refused with 429, which is the limits' test, not this one's.
        server = StandInServer.start(StandInConfig.defaults().withLimits(StandInLimits.unlimited()));
        try (LeakWatch leaks = new LeakWatch()) {
            long expectedMalformed = 0;
            long sent = 0;
            for (Vsn vsn : List.of(Vsn.V1, Vsn.V2)) {
                PhoenixCodec codec = PhoenixCodec.of(vsn);
                HostileFrames frames = new HostileFrames(vsn == Vsn.V1 ? 11 : 22,
                        vsn == Vsn.V1 ? V1_TEMPLATES : V2_TEMPLATES);
                long before = server.malformedFrames();
                long malformed = 0;
                try (RawWsClient c = new RawWsClient(URI.create(server.wsUrl() + "?apikey=anon&vsn="
                        + (vsn == Vsn.V1 ? "1.0.0" : "2.0.0")))) {
                    for (int i = 0; i < FRAMES_PER_VSN; i++) {
                        Object f = frames.next();
                        if (rejected(codec, vsn, f)) {
                            malformed++;
                        }
                        c.send(f);
                    }
                    // Frames on one socket are handled in order: once this heartbeat is answered, all were.
                    c.send(vsn == Vsn.V1 ? "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},"
                            + "\"ref\":\"fuzz-end\"}" : "[null,\"fuzz-end\",\"phoenix\",\"heartbeat\",{}]");
                    c.flush();
                    assertThat(c.await("fuzz-end", 300)).as("the heartbeat after the fuzz on vsn %s", vsn)
                            .isNotNull().contains("\"ok\"");
                    assertThat(c.open()).as("the hostile socket is still open (vsn %s)", vsn).isTrue();
                }
                assertThat(server.malformedFrames() - before).as("malformed frames counted on vsn %s", vsn)
                        .isEqualTo(malformed);
                expectedMalformed += malformed;
                sent += FRAMES_PER_VSN;
            }
            System.out.printf("stand-in fuzz: %d frames sent, %d rejected by the decoder and counted%n", sent,
                    expectedMalformed);
            assertThat(expectedMalformed).as("the mutations produce malformed frames").isGreaterThan(sent / 2);
            // Still serving: a new client joins and is answered.
            try (WsTestClient fresh = WsTestClient.connect(server.wsUrl() + "?apikey=anon&vsn=2.0.0")) {
                fresh.send(V2_TEMPLATES.get(1));
                assertThat(fresh.nextText()).contains("\"status\":\"ok\"");
            }
            assertThat(leaks.leaks()).as("Netty leak reports (level %s)", LeakWatch.level()).isEmpty();
        }
    }

    /** What the stand-in's decoder must reject: the protocol's codec says so (and a binary frame on vsn 1.0.0). */
    private static boolean rejected(PhoenixCodec codec, Vsn vsn, Object frame) {
        if (frame instanceof String s) {
            try {
                codec.decode(new WireFrame.Text(s));
                return false;
            } catch (ProtocolException e) {
                return true;
            }
        }
        byte[] b = (byte[]) frame;
        if (vsn != Vsn.V2) {
            return true;
        }
        try {
            V2Codec.decodeBinary(b);
        } catch (ProtocolException e) {
            return true;
        }
        return (b[0] & 0xFF) != V2Codec.KIND_USER_BROADCAST_PUSH;
    }
}
