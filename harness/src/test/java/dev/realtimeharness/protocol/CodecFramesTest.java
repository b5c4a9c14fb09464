package dev.realtimeharness.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The literal frames of design/protocol.md, encoded and decoded by both serializers. */
class CodecFramesTest {

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void v2HeartbeatIsAFiveElementArrayWithNullJoinRef() {
        WireFrame f = V2Codec.INSTANCE.encodeClientPush(Messages.heartbeat("12"));
        assertThat(f).isEqualTo(WireFrame.text("[null,\"12\",\"phoenix\",\"heartbeat\",{}]"));
    }

    @Test
    void v1HeartbeatHasNoJoinRefKey() {
        WireFrame f = V1Codec.INSTANCE.encodeClientPush(Messages.heartbeat("7"));
        assertThat(f).isEqualTo(
                WireFrame.text("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"7\"}"));
    }

    @Test
    void v2HeartbeatReplyMatchesTheServersFrame() {
        WireFrame f = V2Codec.INSTANCE.encodeServerMessage(
                Messages.reply(null, "12", "phoenix", "ok", Json.object()));
        assertThat(f).isEqualTo(
                WireFrame.text("[null,\"12\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]"));
    }

    @Test
    void v1ServerMessageNeverCarriesJoinRefAndWritesKeysInOrder() throws Exception {
        PhoenixMessage reply = Messages.reply("5", "5", "realtime:room1", "ok", json("{\"postgres_changes\":[]}"));
        WireFrame f = V1Codec.INSTANCE.encodeServerMessage(reply);
        assertThat(((WireFrame.Text) f).text()).isEqualTo("{\"event\":\"phx_reply\",\"payload\":{\"response\":"
                + "{\"postgres_changes\":[]},\"status\":\"ok\"},\"ref\":\"5\",\"topic\":\"realtime:room1\"}");
    }

    @Test
    void v1ClientBroadcastIsTheDocumentedObject() throws Exception {
        PhoenixMessage m = Messages.broadcast("realtime:room1", "6", "9", "cursor-pos", json("{\"x\":1}"));
        assertThat(V1Codec.INSTANCE.encodeClientPush(m)).isEqualTo(WireFrame.text("{\"topic\":\"realtime:room1\","
                + "\"event\":\"broadcast\",\"payload\":{\"type\":\"broadcast\",\"event\":\"cursor-pos\","
                + "\"payload\":{\"x\":1}},\"ref\":\"9\",\"join_ref\":\"6\"}"));
    }

    @Test
    void v2DecodesTheDocumentedJoinReply() throws Exception {
        String frame = "[\"6\",\"6\",\"realtime:room1\",\"phx_reply\",{\"status\":\"ok\",\"response\":"
                + "{\"postgres_changes\":[{\"id\":106243155,\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\"}]}}]";
        PhoenixMessage m = V2Codec.INSTANCE.decode(WireFrame.text(frame));
        assertThat(m.joinRef()).isEqualTo("6");
        assertThat(m.ref()).isEqualTo("6");
        assertThat(m.topic()).isEqualTo("realtime:room1");
        assertThat(m.isReply()).isTrue();
        JoinReply jr = JoinReply.parse(m.reply(),
                List.of(new JoinConfig.PostgresChangeFilter("*", "public", "test", null)));
        assertThat(jr.ok()).isTrue();
        assertThat(jr.postgresChangeIds()).containsExactly(106243155L);
    }

    @Test
    void joinReplyWithMismatchedBindingIsAChannelError() throws Exception {
        Reply r = Reply.of(json("{\"status\":\"ok\",\"response\":{\"postgres_changes\":"
                + "[{\"id\":1,\"event\":\"*\",\"schema\":\"public\",\"table\":\"other\"}]}}"));
        JoinReply jr = JoinReply.parse(r, List.of(new JoinConfig.PostgresChangeFilter("*", "public", "test", null)));
        assertThat(jr.ok()).isFalse();
        assertThat(jr.reason()).contains("mismatch between server and client bindings");
    }

    @Test
    void joinErrorReasonIsTheServersReasonString() throws Exception {
        Reply r = Reply.of(json("{\"status\":\"error\",\"response\":{\"reason\":\"ChannelRateLimitReached: Too many channels\"}}"));
        assertThat(JoinReply.parse(r, List.of()).reason()).isEqualTo("ChannelRateLimitReached: Too many channels");
    }

    @Test
    void v1DecodesAServerReplyWithoutJoinRef() throws Exception {
        PhoenixMessage m = V1Codec.INSTANCE.decode(WireFrame.text("{\"event\":\"phx_reply\",\"payload\":"
                + "{\"response\":{},\"status\":\"ok\"},\"ref\":\"5\",\"topic\":\"realtime:room1\"}"));
        assertThat(m.joinRef()).isNull();
        assertThat(m.ref()).isEqualTo("5");
        assertThat(m.reply().ok()).isTrue();
    }

    @Test
    void v1RejectsAnObjectWithoutRef() {
        assertThatThrownBy(() -> V1Codec.INSTANCE.decode(WireFrame.text("{\"topic\":\"t\",\"event\":\"e\",\"payload\":{}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("ref");
    }

    @Test
    void v2RejectsShortArrays() {
        assertThatThrownBy(() -> V2Codec.INSTANCE.decode(WireFrame.text("[null,\"1\",\"phoenix\",\"heartbeat\"]")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("V2 array");
    }

    @Test
    void joinPayloadIsShapedAsRealtimeJsSendsIt() throws Exception {
        JoinConfig c = new JoinConfig(false, false, "", false,
                List.of(new JoinConfig.PostgresChangeFilter("INSERT", "public", "todos", "id=eq.1")), false, "jwt");
        assertThat(c.toPayload()).isEqualTo(json("{\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[{\"event\":\"INSERT\","
                + "\"schema\":\"public\",\"table\":\"todos\",\"filter\":\"id=eq.1\"}],\"private\":false},"
                + "\"access_token\":\"jwt\"}"));
    }

    @Test
    void kind3MatchesTheDocsWorkedExample() throws Exception {
        PhoenixMessage m = Messages.broadcast("realtime:chat-room", "10", "1", "user-event", json("{\"a\":1}"));
        WireFrame f = V2Codec.INSTANCE.encodeClientPush(m);
        assertThat(f).isInstanceOf(WireFrame.Binary.class);
        byte[] b = ((WireFrame.Binary) f).bytes();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0x03, 0x02, 0x01, 0x12, 0x0A, 0x00, 0x01});
        expected.writeBytes("10".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes("1".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes("realtime:chat-room".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes("user-event".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(b).isEqualTo(expected.toByteArray());

        UserBroadcast back = V2Codec.decodeBinary(b);
        assertThat(back.joinRef()).isEqualTo("10");
        assertThat(back.ref()).isEqualTo("1");
        assertThat(back.topic()).isEqualTo("realtime:chat-room");
        assertThat(back.userEvent()).isEqualTo("user-event");
        assertThat(back.jsonEncoding()).isTrue();
        assertThat(back.payloadText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void kind4MatchesTheDocsWorkedExampleAndDecodesAsRealtimeJsDoes() throws Exception {
        String meta = "{\"id\":\"006554ce-0000-4000-8000-000000000000\"}";
        assertThat(meta.length()).isEqualTo(0x2D);
        UserBroadcast ub = new UserBroadcast(null, null, "realtime:chat-room", "message",
                meta.getBytes(StandardCharsets.UTF_8), true, "{\"probe\":\"r:1\"}".getBytes(StandardCharsets.UTF_8));
        byte[] b = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(ub)).bytes();
        assertThat(new byte[] {b[0], b[1], b[2], b[3], b[4]}).isEqualTo(new byte[] {0x04, 0x12, 0x07, 0x2D, 0x01});
        assertThat(new String(b, 5, 0x12, StandardCharsets.UTF_8)).isEqualTo("realtime:chat-room");

        PhoenixMessage m = V2Codec.INSTANCE.decode(new WireFrame.Binary(b));
        assertThat(m.joinRef()).isNull();
        assertThat(m.ref()).isNull();
        assertThat(m.event()).isEqualTo("broadcast");
        assertThat(m.payload()).isEqualTo(json("{\"type\":\"broadcast\",\"event\":\"message\","
                + "\"payload\":{\"probe\":\"r:1\"},\"meta\":{\"id\":\"006554ce-0000-4000-8000-000000000000\"}}"));
    }

    @Test
    void v1SubscriberGetsTheJsonFormOfAUserBroadcastAndNothingForBinaryPayloads() throws Exception {
        UserBroadcast json = new UserBroadcast(null, null, "realtime:room1", "cursor-pos", null, true,
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        PhoenixMessage m = V1Codec.INSTANCE.decode(V1Codec.INSTANCE.encodeUserBroadcast(json));
        assertThat(m.payload()).isEqualTo(json("{\"type\":\"broadcast\",\"event\":\"cursor-pos\",\"payload\":{\"x\":1}}"));
        UserBroadcast bin = new UserBroadcast(null, null, "realtime:room1", "e", null, false, new byte[] {1, 2});
        assertThat(V1Codec.INSTANCE.encodeUserBroadcast(bin)).isNull();
    }

    @Test
    void unknownBinaryKindIsAProtocolError() {
        assertThatThrownBy(() -> V2Codec.decodeBinary(new byte[] {0x02, 0x01, 0x01, 'a', 'b'}))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("kind 2");
        assertThatThrownBy(() -> V2Codec.decodeBinary(new byte[] {0x04, 0x40, 0x01, 0x00, 0x01, 'a'}))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Test
    void v2SubscriberTextBroadcastDecodes() throws Exception {
        PhoenixMessage m = V2Codec.INSTANCE.decode(WireFrame.text("[null,null,\"realtime:room1\",\"broadcast\","
                + "{\"event\":\"cursor-pos\",\"payload\":{\"x\":1},\"type\":\"broadcast\"}]"));
        assertThat(m.joinRef()).isNull();
        assertThat(m.payload().path("payload").path("x").asInt()).isEqualTo(1);
    }

    @Test
    void systemMessageMarksPostgresReadiness() throws Exception {
        PhoenixMessage m = V2Codec.INSTANCE.decode(WireFrame.text("[\"3\",null,\"realtime:room1\",\"system\","
                + "{\"channel\":\"room1\",\"extension\":\"postgres_changes\",\"message\":\"Subscribed to PostgreSQL\","
                + "\"status\":\"ok\"}]"));
        assertThat(SystemMessage.of(m.payload()).isPostgresSubscribed()).isTrue();
        SystemMessage s = new SystemMessage("postgres_changes", "ok", "Subscribed to PostgreSQL", "room1");
        assertThat(V2Codec.INSTANCE.encodeServerMessage(new PhoenixMessage("3", null, "realtime:room1", "system",
                s.toPayload()))).isEqualTo(WireFrame.text("[\"3\",null,\"realtime:room1\",\"system\",{\"channel\":"
                + "\"room1\",\"extension\":\"postgres_changes\",\"message\":\"Subscribed to PostgreSQL\","
                + "\"status\":\"ok\"}]"));
    }

    @Test
    void refCounterCountsFromOneAsStrings() {
        RefCounter r = new RefCounter();
        assertThat(r.next()).isEqualTo("1");
        assertThat(r.next()).isEqualTo("2");
        assertThat(new RefCounter(Long.MAX_VALUE).next()).isEqualTo("0");
    }
}
