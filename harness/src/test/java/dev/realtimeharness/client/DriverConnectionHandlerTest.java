package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's inbound/outbound behaviour on an EmbeddedChannel: no sockets, frames in and out by hand. */
class DriverConnectionHandlerTest {
    static final JoinConfig.PostgresChangeFilter ORDERS =
            new JoinConfig.PostgresChangeFilter("*", "public", "orders", "driver_id=eq.d1");

    final List<String> events = new ArrayList<>();
    EmbeddedChannel ch;

    final ClientListener listener = new ClientListener() {
        @Override
        public void joinAttempted(int s) {
            events.add("joinAttempted " + s);
        }

        @Override
        public void joined(int s, long nanos) {
            events.add("joined " + s);
        }

        @Override
        public void joinFailed(int s, String reason) {
            events.add("joinFailed " + s + " " + reason);
        }

        @Override
        public void ready(int s, long nanos) {
            events.add("ready " + s);
        }

        @Override
        public void subscriptionClosed(int s, String reason) {
            events.add("closed " + s + " " + reason);
        }

        @Override
        public void probeReceived(int s, String probe, long recv, String commitTs) {
            events.add("probe " + s + " " + probe + " " + commitTs);
        }

        @Override
        public void heartbeatRtt(int driver, long rtt) {
            events.add("heartbeatRtt");
        }

        @Override
        public void protocolError(int driver, String message, String head) {
            events.add("protocolError");
        }

        @Override
        public void connected(int driver, long nanos, boolean reconnect) {
            events.add("connected");
        }

        @Override
        public void disconnected(int driver, String reason) {
            events.add("disconnected " + reason);
        }

        @Override
        public void connectAttempted(int driver) {
            connects++;
        }
    };
    int connects;

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    DriverConnection open(Vsn vsn, int channels, boolean postgres) {
        List<ChannelSpec> specs = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            specs.add(new ChannelSpec(10 + i, "realtime:driver-orders:1:" + i, new JoinConfig(false, false, "", false,
                    postgres ? List.of(ORDERS) : List.of(), false, null)));
        }
        return open(vsn, specs);
    }

    DriverConnection open(Vsn vsn, List<ChannelSpec> specs) {
        FleetConfig config = new FleetConfig(URI.create("ws://127.0.0.1:1/realtime/v1/websocket"), "key", vsn,
                Duration.ofSeconds(25), 0, 0, Duration.ofSeconds(10), "notes", 1);
        ch = new EmbeddedChannel();
        ch.freezeTime();
        DriverConnection c = new DriverConnection(new DriverSpec(1, specs), config, listener, new Pacer(0),
                ch.eventLoop(), null, Clock.systemUTC(), EmbeddedSockets.opener(ch));
        EmbeddedSockets.startAndCompleteHandshake(c, ch);
        return c;
    }

    String nextText() {
        WebSocketFrame f = ch.readOutbound();
        assertThat(f).isInstanceOf(TextWebSocketFrame.class);
        try {
            return ((TextWebSocketFrame) f).text();
        } finally {
            f.release();
        }
    }

    void in(String text) {
        ch.writeInbound(new TextWebSocketFrame(text));
        ch.runPendingTasks();
    }

    @Test
    void joinsEveryChannelOnOpenWithRealtimeJsPayloadAndRefsAsJoinRefs() {
        open(Vsn.V2, 2, true);
        assertThat(nextText()).isEqualTo("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_join\",{\"config\":"
                + "{\"broadcast\":{\"ack\":false,\"self\":false},\"presence\":{\"key\":\"\",\"enabled\":false},"
                + "\"postgres_changes\":[{\"event\":\"*\",\"schema\":\"public\",\"table\":\"orders\","
                + "\"filter\":\"driver_id=eq.d1\"}],\"private\":false}}]");
        assertThat(nextText()).startsWith("[\"2\",\"2\",\"realtime:driver-orders:1:1\",\"phx_join\"");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joinAttempted 11");
    }

    @Test
    void readyOnlyAfterSubscribedToPostgresThenProbesAreReported() {
        open(Vsn.V2, 1, true);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":"
                + "[{\"event\":\"*\",\"filter\":\"driver_id=eq.d1\",\"id\":77,\"schema\":\"public\",\"table\":\"orders\"}]},"
                + "\"status\":\"ok\"}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10");
        in("[\"1\",null,\"realtime:driver-orders:1:0\",\"system\",{\"channel\":\"driver-orders:1:0\",\"extension\":"
                + "\"postgres_changes\",\"message\":\"Subscribed to PostgreSQL\",\"status\":\"ok\"}]");
        in("[null,null,\"realtime:driver-orders:1:0\",\"postgres_changes\",{\"data\":{\"columns\":[],"
                + "\"commit_timestamp\":\"2026-11-25T10:00:00.123Z\",\"errors\":null,\"record\":{\"id\":1,"
                + "\"notes\":\"run:5\"},\"schema\":\"public\",\"table\":\"orders\",\"type\":\"INSERT\"},\"ids\":[77]}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "probe 10 run:5 2026-11-25T10:00:00.123Z");
    }

    @Test
    void broadcastOnlyChannelIsReadyAtTheJoinReplyAndBinaryKind4CarriesTheProbe() {
        open(Vsn.V2, 1, false);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        byte[] kind4 = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                "realtime:driver-orders:1:0", "order", null, true,
                "{\"probe\":\"run:9\"}".getBytes(StandardCharsets.UTF_8)))).bytes();
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(kind4)));
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "probe 10 run:9 null");
    }

    @Test
    void directFramesShareTheCopyBufferAndEachIsReadWithinItsOwnLength() {
        open(Vsn.V2, 1, false);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        // A long frame, then shorter ones: each is copied over the start of the same buffer, whose tail still holds
        // the earlier frame's bytes.
        direct(new TextWebSocketFrame(Unpooled.directBuffer()), "[null,null,\"realtime:driver-orders:1:0\","
                + "\"broadcast\",{\"event\":\"order\",\"payload\":{\"probe\":\"run:1\",\"pad\":\"" + "y".repeat(300)
                + "\"},\"type\":\"broadcast\"}]");
        direct(new TextWebSocketFrame(Unpooled.directBuffer()), "[null,null,\"realtime:driver-orders:1:0\","
                + "\"broadcast\",{\"event\":\"order\",\"payload\":{\"probe\":\"run:2\"},\"type\":\"broadcast\"}]");
        byte[] kind4 = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                "realtime:driver-orders:1:0", "order", null, true,
                "{\"probe\":\"run:3\"}".getBytes(StandardCharsets.UTF_8)))).bytes();
        io.netty.buffer.ByteBuf b = Unpooled.directBuffer();
        b.writeBytes(kind4);
        ch.writeInbound(new BinaryWebSocketFrame(b));
        // Cut short: the bytes after its end in the buffer must not complete it.
        direct(new TextWebSocketFrame(Unpooled.directBuffer()), "[null,null,\"realtime:driver-orders:1:0\","
                + "\"broadcast\",{\"event\":\"order\",\"payload\":{\"probe\":\"run:4\"}");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "probe 10 run:1 null", "probe 10 run:2 null", "probe 10 run:3 null", "protocolError");
    }

    private void direct(TextWebSocketFrame frame, String text) {
        frame.content().writeCharSequence(text, StandardCharsets.UTF_8);
        ch.writeInbound(frame);
    }

    @Test
    void joinErrorIsCountedByReasonAndRejoinedAfterOneSecondWithANewRef() {
        open(Vsn.V2, 1, true);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"ChannelRateLimitReached: Too many channels\"},\"status\":\"error\"}]");
        assertThat(events).contains("joinFailed 10 ChannelRateLimitReached: Too many channels");
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).startsWith("[\"2\",\"2\",\"realtime:driver-orders:1:0\",\"phx_join\"");
    }

    @Test
    void heartbeatEvery25SecondsAndAMissedReplyClosesTheSocket() {
        open(Vsn.V2, 1, false);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        ch.advanceTimeBy(25, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).isEqualTo("[null,\"2\",\"phoenix\",\"heartbeat\",{}]");
        in("[null,\"2\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(events).contains("heartbeatRtt");
        ch.advanceTimeBy(25, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).isEqualTo("[null,\"3\",\"phoenix\",\"heartbeat\",{}]");
        ch.advanceTimeBy(25, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        WebSocketFrame close = ch.readOutbound();
        assertThat(close).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) close).statusCode()).isEqualTo(1000);
        assertThat(((CloseWebSocketFrame) close).reasonText()).isEqualTo("heartbeat timeout");
        close.release();
    }

    @Test
    void malformedFrameIsAProtocolErrorAndTheConnectionCarriesOn() {
        open(Vsn.V2, 1, false);
        nextText();
        in("{\"not\":\"v2\"}");
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "protocolError", "joined 10", "ready 10");
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void copyBufferGrownForABigDirectFrameShrinksBackAfterIt() {
        open(Vsn.V2, 1, false);
        nextText();
        PhoenixFrameHandler handler = ch.pipeline().get(PhoenixFrameHandler.class);
        String big = "[null,null,\"realtime:driver-orders:1:0\",\"broadcast\",{\"event\":\"order\",\"payload\":"
                + "{\"pad\":\"" + "x".repeat(1_000_000) + "\"},\"type\":\"broadcast\"}]";
        io.netty.buffer.ByteBuf direct = Unpooled.directBuffer();
        direct.writeCharSequence(big, StandardCharsets.UTF_8);
        ch.writeInbound(new TextWebSocketFrame(direct));
        assertThat(handler.scratchBytes()).isEqualTo(PhoenixFrameHandler.SCRATCH_BYTES);
        // Still decoded: the reply after it is matched, so the big frame was read whole and the handler carries on.
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10");
    }

    @Test
    void pushesCarryingAnOlderJoinRefAreDropped() {
        open(Vsn.V2, 1, false);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        in("[\"0\",null,\"realtime:driver-orders:1:0\",\"broadcast\",{\"event\":\"order\",\"payload\":"
                + "{\"probe\":\"run:1\"},\"type\":\"broadcast\"}]");
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_close\",{}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "closed 10 phx_close");
    }

    @Test
    void v1JoinsAreObjectsAndRepliesWithoutJoinRefAreMatchedByRef() {
        open(Vsn.V1, 1, true);
        assertThat(nextText()).startsWith("{\"topic\":\"realtime:driver-orders:1:0\",\"event\":\"phx_join\","
                + "\"payload\":{\"config\":").endsWith(",\"ref\":\"1\",\"join_ref\":\"1\"}");
        in("{\"event\":\"phx_reply\",\"payload\":{\"response\":{\"postgres_changes\":[{\"event\":\"*\","
                + "\"filter\":\"driver_id=eq.d1\",\"id\":5,\"schema\":\"public\",\"table\":\"orders\"}]},"
                + "\"status\":\"ok\"},\"ref\":\"1\",\"topic\":\"realtime:driver-orders:1:0\"}");
        in("{\"event\":\"system\",\"payload\":{\"channel\":\"driver-orders:1:0\",\"extension\":\"postgres_changes\","
                + "\"message\":\"Subscribed to PostgreSQL\",\"status\":\"ok\"},\"ref\":null,"
                + "\"topic\":\"realtime:driver-orders:1:0\"}");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10");
    }

    @Test
    void joinTimeoutLeavesAndRejoinsAfterOneSecond() {
        open(Vsn.V2, 1, true);
        nextText();
        ch.advanceTimeBy(9_999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).isEqualTo("[\"1\",\"2\",\"realtime:driver-orders:1:0\",\"phx_leave\",{}]");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joinFailed 10 TIMED_OUT");
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).startsWith("[\"3\",\"3\",\"realtime:driver-orders:1:0\",\"phx_join\"");
        // The join reply cancels the new join's timer: no second timeout.
        in("[\"3\",\"3\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":"
                + "[{\"event\":\"*\",\"filter\":\"driver_id=eq.d1\",\"id\":77,\"schema\":\"public\","
                + "\"table\":\"orders\"}]},\"status\":\"ok\"}]");
        ch.advanceTimeBy(20, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joinFailed 10 TIMED_OUT",
                "joinAttempted 10", "joined 10");
    }

    @Test
    void phxCloseAnsweringTheLeaveAfterAJoinTimeoutDoesNotStopTheRejoin() {
        open(Vsn.V2, 1, true);
        nextText();
        ch.advanceTimeBy(10, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).isEqualTo("[\"1\",\"2\",\"realtime:driver-orders:1:0\",\"phx_leave\",{}]");
        // The server answers the leave, then closes the old join (ref = join_ref), as Phoenix does.
        in("[\"1\",\"2\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_close\",{}]");
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).startsWith("[\"3\",\"3\",\"realtime:driver-orders:1:0\",\"phx_join\"");
    }

    @Test
    void mismatchRefusalLeavesBeforeRejoining() {
        open(Vsn.V2, 1, true);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"mismatch between server and client bindings for postgres changes\"},\"status\":\"error\"}]");
        assertThat(nextText()).isEqualTo("[\"1\",\"2\",\"realtime:driver-orders:1:0\",\"phx_leave\",{}]");
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).startsWith("[\"3\",\"3\",\"realtime:driver-orders:1:0\",\"phx_join\"");
    }

    @Test
    void phxErrorRejoinsAfterOneSecondAndPresenceIsTrackedAfterEachJoin() {
        com.fasterxml.jackson.databind.node.ObjectNode track = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode().put("driver", "d1");
        open(Vsn.V2, List.of(new ChannelSpec(10, "realtime:room:1", new JoinConfig(false, false, "d1", true,
                List.of(), false, null), track)));
        nextText();
        in("[\"1\",\"1\",\"realtime:room:1\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(nextText()).isEqualTo("[\"1\",\"2\",\"realtime:room:1\",\"presence\",{\"type\":\"presence\","
                + "\"event\":\"track\",\"payload\":{\"driver\":\"d1\"}}]");
        in("[\"1\",null,\"realtime:room:1\",\"phx_error\",{}]");
        assertThat((Object) ch.readOutbound()).isNull();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(nextText()).startsWith("[\"3\",\"3\",\"realtime:room:1\",\"phx_join\"");
        in("[\"3\",\"3\",\"realtime:room:1\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(nextText()).startsWith("[\"3\",\"4\",\"realtime:room:1\",\"presence\"");
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "closed 10 phx_error", "joinAttempted 10", "joined 10", "ready 10");
    }

    @Test
    void broadcastsGoOnlyToJoinedChannelsAndTheCallbackRunsBeforeTheyAreWritten() {
        DriverConnection c = open(Vsn.V1, 2, false);
        nextText();
        nextText();
        in("{\"event\":\"phx_reply\",\"payload\":{\"response\":{},\"status\":\"ok\"},\"ref\":\"2\","
                + "\"topic\":\"realtime:driver-orders:1:1\"}");
        List<String> done = new ArrayList<>();
        c.sendBroadcasts(List.of("realtime:driver-orders:1:0", "realtime:driver-orders:1:1", "realtime:nope"),
                "order", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("probe", "r:1"),
                (sendNanos, frames) -> done.add(frames + " frames, " + ch.outboundMessages().size() + " written"));
        ch.runPendingTasks();
        assertThat(done).containsExactly("1 frames, 0 written");
        assertThat(nextText()).isEqualTo("{\"topic\":\"realtime:driver-orders:1:1\",\"event\":\"broadcast\","
                + "\"payload\":{\"type\":\"broadcast\",\"event\":\"order\",\"payload\":{\"probe\":\"r:1\"}},"
                + "\"ref\":\"3\",\"join_ref\":\"2\"}");
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void socketCloseReportsJoinedChannelsAndReconnectsAfterOneSecond() {
        open(Vsn.V2, 1, false);
        nextText();
        in("[\"1\",\"1\",\"realtime:driver-orders:1:0\",\"phx_reply\",{\"response\":{\"postgres_changes\":[]},"
                + "\"status\":\"ok\"}]");
        // Through the pipeline, as a peer's close arrives: EmbeddedChannel.close() would also cancel the tasks the
        // close schedules.
        ch.pipeline().close();
        ch.runPendingTasks();
        assertThat(events).containsExactly("connected", "joinAttempted 10", "joined 10", "ready 10",
                "closed 10 socket closed", "disconnected socket closed by peer");
        ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(connects).isEqualTo(1);
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(connects).as("reconnect attempt").isEqualTo(2);
    }
}
