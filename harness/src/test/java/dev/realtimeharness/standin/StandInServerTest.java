package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StandInServerTest {
    private static final String BINDING = "{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\"}";
    private static final Instant COMMIT = Instant.parse("2025-11-19T00:22:40.877123Z");
    private static final List<ChangeEvent.Column> COLUMNS = List.of(new ChangeEvent.Column("id", "int8"),
            new ChangeEvent.Column("text", "text"));

    private StandInServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WsTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private StandInServer start(StandInConfig config) {
        server = StandInServer.start(config.withJoinErrorDelay(Duration.ofMillis(50)));
        return server;
    }

    private WsTestClient v2() throws Exception {
        return connect(server.wsUrl() + "?apikey=anon&vsn=2.0.0");
    }

    private WsTestClient v1() throws Exception {
        return connect(server.wsUrl() + "?apikey=anon");
    }

    private WsTestClient connect(String url) throws Exception {
        WsTestClient c = WsTestClient.connect(url);
        clients.add(c);
        return c;
    }

    private static long id(String bindingJson) throws Exception {
        return PostgresBinding.idOf(Json.MAPPER.readTree(bindingJson));
    }

    private static String config(boolean self, boolean ack, String... bindings) {
        return "{\"config\":{\"broadcast\":{\"ack\":" + ack + ",\"self\":" + self + "},"
                + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[" + String.join(",", bindings)
                + "],\"private\":false},\"access_token\":\"x\"}";
    }

    /** Joins over v2 and consumes the reply and, when bindings were requested, the system message. */
    private static void joinV2(WsTestClient c, String topic, String joinRef, String payload, boolean hasBindings)
            throws Exception {
        c.send("[\"" + joinRef + "\",\"" + joinRef + "\",\"" + topic + "\",\"phx_join\"," + payload + "]");
        assertThat(c.nextText()).contains("\"phx_reply\"").contains("\"status\":\"ok\"");
        if (hasBindings) {
            assertThat(c.nextText()).contains("Subscribed to PostgreSQL");
        }
    }

    private static void joinV1(WsTestClient c, String topic, String joinRef, String payload, boolean hasBindings)
            throws Exception {
        c.send("{\"topic\":\"" + topic + "\",\"event\":\"phx_join\",\"payload\":" + payload + ",\"ref\":\"" + joinRef
                + "\",\"join_ref\":\"" + joinRef + "\"}");
        assertThat(c.nextText()).contains("\"phx_reply\"").contains("\"status\":\"ok\"");
        if (hasBindings) {
            assertThat(c.nextText()).contains("Subscribed to PostgreSQL");
        }
    }

    private static ChangeEvent insert(long id, String text) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("text", text);
        return new ChangeEvent("public", "test", "INSERT", COLUMNS, record, null, COMMIT, System.nanoTime());
    }

    // ---- connection ------------------------------------------------------------------------------------------

    @Test
    void heartbeatGetsOkReplyWithSameRefV2() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        c.send("[null,\"12\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(c.nextText()).isEqualTo("[null,\"12\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(server.connectionsOpen()).isEqualTo(1);
    }

    @Test
    void heartbeatGetsOkReplyWithSameRefV1WhenVsnMissing() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v1();
        c.send("{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"3\"}");
        assertThat(c.nextText())
                .isEqualTo("{\"event\":\"phx_reply\",\"payload\":{\"response\":{},\"status\":\"ok\"},\"ref\":\"3\","
                        + "\"topic\":\"phoenix\"}");
    }

    @Test
    void socketPathIsAcceptedToo() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = connect("ws://127.0.0.1:" + server.port() + "/socket/websocket?vsn=2.0.0");
        c.send("[null,\"1\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(c.nextText()).contains("phx_reply");
    }

    @Test
    void unknownVsnIsRejectedWith403() {
        start(StandInConfig.defaults());
        assertThat(handshakeStatus(server.wsUrl() + "?apikey=a&vsn=3.0.0")).isEqualTo(403);
    }

    @Test
    void wrongPathIsRejectedWith404() {
        start(StandInConfig.defaults());
        assertThat(handshakeStatus("ws://127.0.0.1:" + server.port() + "/realtime/v2/websocket?vsn=2.0.0"))
                .isEqualTo(404);
    }

    private static int handshakeStatus(String url) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(url), new java.net.http.WebSocket.Listener() { }).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("handshake succeeded");
    }

    @Test
    void malformedFrameIsDroppedAndConnectionStaysOpen() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        c.send("{\"not\":\"an array\"}");
        c.send("[1,2]");
        c.send("not json");
        c.sendBinary(new byte[] {9, 9});
        c.send("[null,\"7\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(c.nextText()).isEqualTo("[null,\"7\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(server.malformedFrames()).isEqualTo(4);
        assertThat(c.closed).isNotDone();
    }

    // ---- join ----------------------------------------------------------------------------------------------

    @Test
    void joinReplyEchoesBindingsWithIdsInOrderThenSubscribedSystemMessage() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        String b1 = "{\"event\":\"INSERT\",\"schema\":\"public\",\"table\":\"todos\",\"filter\":\"id=eq.1\"}";
        String b2 = BINDING;
        c.send("[\"6\",\"6\",\"realtime:room1\",\"phx_join\"," + config(false, false, b1, b2) + "]");
        assertThat(c.nextText()).isEqualTo("[\"6\",\"6\",\"realtime:room1\",\"phx_reply\",{\"response\":"
                + "{\"postgres_changes\":[{\"event\":\"INSERT\",\"filter\":\"id=eq.1\",\"id\":" + id(b1)
                + ",\"schema\":\"public\",\"table\":\"todos\"},{\"event\":\"*\",\"id\":" + id(b2)
                + ",\"schema\":\"public\",\"table\":\"test\"}]},\"status\":\"ok\"}]");
        assertThat(c.nextText()).isEqualTo("[\"6\",null,\"realtime:room1\",\"system\",{\"channel\":\"room1\","
                + "\"extension\":\"postgres_changes\",\"message\":\"Subscribed to PostgreSQL\",\"status\":\"ok\"}]");
        assertThat(id(b1)).isNotEqualTo(id(b2)).isBetween(0L, (1L << 27) - 1);
        assertThat(server.channelsJoined()).isEqualTo(1);
    }

    @Test
    void joinWithoutBindingsRepliesEmptyListAndNoSystemMessage() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v1();
        c.send("{\"topic\":\"realtime:chat\",\"event\":\"phx_join\",\"payload\":" + config(false, false)
                + ",\"ref\":\"1\",\"join_ref\":\"1\"}");
        assertThat(c.nextText()).isEqualTo("{\"event\":\"phx_reply\",\"payload\":{\"response\":{\"postgres_changes\":"
                + "[]},\"status\":\"ok\"},\"ref\":\"1\",\"topic\":\"realtime:chat\"}");
        c.expectNothing(200);
    }

    @Test
    void unparseableFilterJoinsButPushesSystemError() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        String b = "{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\",\"filter\":\"foo=hey\"}";
        c.send("[\"1\",\"1\",\"realtime:room1\",\"phx_join\"," + config(false, false, b) + "]");
        assertThat(c.nextText()).contains("\"status\":\"ok\"").contains("\"id\":" + id(b));
        assertThat(c.nextText()).isEqualTo("[\"1\",null,\"realtime:room1\",\"system\",{\"channel\":\"room1\","
                + "\"extension\":\"postgres_changes\",\"message\":\"Error parsing `filter` params: [\\\"foo\\\", "
                + "\\\"hey\\\"]\",\"status\":\"error\"}]");
        server.publishChange(insert(1, "a"));
        c.expectNothing(200);
    }

    @Test
    void topicWithoutNameGetsTopicNameRequiredAndForeignTopicUnmatched() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        c.send("[\"1\",\"1\",\"realtime:\",\"phx_join\"," + config(false, false) + "]");
        assertThat(c.nextText()).isEqualTo("[\"1\",\"1\",\"realtime:\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"TopicNameRequired: You must provide a topic name\"},\"status\":\"error\"}]");
        c.send("[\"2\",\"2\",\"room1\",\"phx_join\",{}]");
        assertThat(c.nextText()).isEqualTo("[\"2\",\"2\",\"room1\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"unmatched topic\"},\"status\":\"error\"}]");
    }

    @Test
    void rejectJoinRatioOneRejectsWithRealReasonAfterTheErrorDelay() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withRejectJoinRatio(1.0)
                .withJoinErrorDelay(Duration.ofMillis(300)));
        WsTestClient c = v2();
        long t0 = System.nanoTime();
        c.send("[\"1\",\"1\",\"realtime:room1\",\"phx_join\"," + config(false, false) + "]");
        assertThat(c.nextText()).isEqualTo("[\"1\",\"1\",\"realtime:room1\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"RealtimeRestarting: Realtime is restarting, please standby\"},\"status\":\"error\"}]");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(server.channelsJoined()).isZero();
    }

    @Test
    void duplicateJoinClosesOldChannelThenJoinsAgain() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false), false);
        c.send("[\"5\",\"5\",\"realtime:room1\",\"phx_join\"," + config(false, false) + "]");
        assertThat(c.nextText()).isEqualTo("[\"1\",\"1\",\"realtime:room1\",\"phx_close\",{}]");
        assertThat(c.nextText()).startsWith("[\"5\",\"5\",\"realtime:room1\",\"phx_reply\"");
        assertThat(server.channelsJoined()).isEqualTo(1);
    }

    @Test
    void flexibleBooleansAcceptStrings() {
        assertThat(JoinConfig.flexibleBoolean(Json.NODES.textNode("TRUE"))).isTrue();
        assertThat(JoinConfig.flexibleBoolean(Json.NODES.textNode("false"))).isFalse();
        assertThat(JoinConfig.flexibleBoolean(Json.NODES.booleanNode(true))).isTrue();
        assertThat(JoinConfig.flexibleBoolean(null)).isFalse();
    }

    // ---- leave ---------------------------------------------------------------------------------------------

    @Test
    void leaveRepliesOkThenClosesWithRefEqualToJoinRef() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "3", config(false, false), false);
        c.send("[\"3\",\"9\",\"realtime:room1\",\"phx_leave\",{}]");
        assertThat(c.nextText()).isEqualTo("[\"3\",\"9\",\"realtime:room1\",\"phx_reply\",{\"response\":{},"
                + "\"status\":\"ok\"}]");
        assertThat(c.nextText()).isEqualTo("[\"3\",\"3\",\"realtime:room1\",\"phx_close\",{}]");
        assertThat(server.channelsJoined()).isZero();
        c.send("[\"4\",\"10\",\"realtime:nowhere\",\"phx_leave\",{}]");
        assertThat(c.nextText()).isEqualTo("[\"4\",\"10\",\"realtime:nowhere\",\"phx_reply\",{\"response\":{},"
                + "\"status\":\"ok\"}]");
        c.expectNothing(200);
    }

    @Test
    void leaveV1ClosesWithoutJoinRef() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v1();
        joinV1(c, "realtime:room1", "3", config(false, false), false);
        c.send("{\"topic\":\"realtime:room1\",\"event\":\"phx_leave\",\"payload\":{},\"ref\":\"9\",\"join_ref\":\"3\"}");
        assertThat(c.nextText()).isEqualTo("{\"event\":\"phx_reply\",\"payload\":{\"response\":{},\"status\":\"ok\"},"
                + "\"ref\":\"9\",\"topic\":\"realtime:room1\"}");
        assertThat(c.nextText()).isEqualTo("{\"event\":\"phx_close\",\"payload\":{},\"ref\":\"3\","
                + "\"topic\":\"realtime:room1\"}");
    }

    // ---- postgres_changes ----------------------------------------------------------------------------------

    @Test
    void insertFrameMatchesProtocolV2() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        server.publishChange(insert(46, "content"));
        assertThat(c.nextText()).isEqualTo("[null,null,\"realtime:room1\",\"postgres_changes\",{\"data\":{"
                + "\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},{\"name\":\"text\",\"type\":\"text\"}],"
                + "\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\",\"errors\":null,"
                + "\"record\":{\"id\":46,\"text\":\"content\"},\"schema\":\"public\",\"table\":\"test\","
                + "\"type\":\"INSERT\"},\"ids\":[" + id(BINDING) + "]}]");
        assertThat(server.framesDelivered()).isEqualTo(1);
    }

    @Test
    void updateFrameMatchesProtocolV1() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v1();
        joinV1(c, "realtime:room1", "1", config(false, false, BINDING), true);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", 46L);
        record.put("text", "content");
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", 46L);
        server.publishChange(new ChangeEvent("public", "test", "UPDATE", COLUMNS, record, old, COMMIT, 0));
        assertThat(c.nextText()).isEqualTo("{\"event\":\"postgres_changes\",\"payload\":{\"data\":{"
                + "\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},{\"name\":\"text\",\"type\":\"text\"}],"
                + "\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\",\"errors\":null,\"old_record\":{\"id\":46},"
                + "\"record\":{\"id\":46,\"text\":\"content\"},\"schema\":\"public\",\"table\":\"test\","
                + "\"type\":\"UPDATE\"},\"ids\":[" + id(BINDING) + "]},\"ref\":null,\"topic\":\"realtime:room1\"}");
    }

    @Test
    void deleteFrameHasOldRecordAndNoRecord() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("id", 46L);
        server.publishChange(new ChangeEvent("public", "test", "DELETE", COLUMNS, null, old, COMMIT, 0));
        assertThat(c.nextText()).isEqualTo("[null,null,\"realtime:room1\",\"postgres_changes\",{\"data\":{"
                + "\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},{\"name\":\"text\",\"type\":\"text\"}],"
                + "\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\",\"errors\":null,\"old_record\":{\"id\":46},"
                + "\"schema\":\"public\",\"table\":\"test\",\"type\":\"DELETE\"},\"ids\":[" + id(BINDING) + "]}]");
    }

    @Test
    void eventSchemaAndTableSelectBindings() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        String insertOnly = "{\"event\":\"INSERT\",\"schema\":\"public\",\"table\":\"test\"}";
        String updateOnly = "{\"event\":\"UPDATE\",\"schema\":\"public\",\"table\":\"test\"}";
        String allTables = "{\"event\":\"*\",\"schema\":\"public\"}";
        String otherTable = "{\"event\":\"*\",\"schema\":\"public\",\"table\":\"other\"}";
        String otherSchema = "{\"event\":\"*\",\"schema\":\"private\",\"table\":\"test\"}";
        joinV2(c, "realtime:room1", "1", config(false, false, insertOnly, updateOnly, allTables, otherTable,
                otherSchema), true);
        server.publishChange(insert(1, "a"));
        assertThat(c.nextText()).endsWith("\"ids\":[" + id(insertOnly) + "," + id(allTables) + "]}]");
    }

    @Test
    void filtersSelectTheRightChannels() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        String[] filters = {"id=eq.5", "id=neq.5", "id=lt.5", "id=lte.5", "id=gt.5", "id=gte.5", "id=in.(1,5,9)",
                "id=in.(1,2)", "text=eq.five", "id=eq.7"};
        for (int i = 0; i < filters.length; i++) {
            String b = "{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\",\"filter\":\"" + filters[i] + "\"}";
            joinV2(c, "realtime:f" + i, String.valueOf(100 + i), config(false, false, b), true);
        }
        server.publishChange(insert(5, "five"));
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String f = c.nextText();
            topics.add(f.substring(f.indexOf("realtime:"), f.indexOf("\",\"postgres_changes\"")));
        }
        c.expectNothing(200);
        // eq, lte, gte, in (1,5,9), text=eq.five; not neq, lt, gt, in (1,2), eq.7
        assertThat(topics).containsExactlyInAnyOrder("realtime:f0", "realtime:f3", "realtime:f5", "realtime:f6",
                "realtime:f8");
    }

    @Test
    void changeReachesAllFiftyMatchingChannelsOfOneConnectionWithTheirIds() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            String b = "{\"event\":\"INSERT\",\"schema\":\"public\",\"table\":\"test\",\"filter\":\"id=gte." + i
                    + "\"}";
            String topic = "realtime:ch" + i;
            expected.put(topic, id(b));
            joinV2(c, topic, String.valueOf(i + 1), config(false, false, b), true);
        }
        // A non-matching channel on the same connection.
        joinV2(c, "realtime:none", "99", config(false, false,
                "{\"event\":\"DELETE\",\"schema\":\"public\",\"table\":\"test\"}"), true);
        server.publishChange(insert(100, "x"));
        Map<String, String> got = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            String f = c.nextText();
            String topic = f.substring(f.indexOf("realtime:"), f.indexOf("\",\"postgres_changes\""));
            got.put(topic, f);
        }
        c.expectNothing(200);
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((topic, id) -> assertThat(got.get(topic)).endsWith("\"ids\":[" + id + "]}]"));
        assertThat(server.framesDelivered()).isEqualTo(50);
    }

    @Test
    void leftChannelReceivesNoChanges() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        c.send("[\"1\",\"2\",\"realtime:room1\",\"phx_leave\",{}]");
        c.nextText();
        c.nextText();
        server.publishChange(insert(1, "a"));
        c.expectNothing(200);
    }

    // ---- broadcast -----------------------------------------------------------------------------------------

    private static String textBroadcast(String joinRef, String ref, String topic) {
        return "[\"" + joinRef + "\",\"" + ref + "\",\"" + topic + "\",\"broadcast\",{\"type\":\"broadcast\","
                + "\"event\":\"cursor-pos\",\"payload\":{\"y\":2,\"x\":1}}]";
    }

    private static final String TEXT_DELIVERY = "[null,null,\"realtime:room1\",\"broadcast\",{\"event\":\"cursor-pos\","
            + "\"payload\":{\"x\":1,\"y\":2},\"type\":\"broadcast\"}]";

    @Test
    void textBroadcastReachesPeersNotSenderWithoutSelfAndNoReplyWithoutAck() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient sender = v2();
        WsTestClient peer = v2();
        WsTestClient v1peer = v1();
        joinV2(sender, "realtime:room1", "1", config(false, false), false);
        joinV2(peer, "realtime:room1", "1", config(false, false), false);
        joinV1(v1peer, "realtime:room1", "1", config(false, false), false);
        sender.send(textBroadcast("1", "2", "realtime:room1"));
        assertThat(peer.nextText()).isEqualTo(TEXT_DELIVERY);
        assertThat(v1peer.nextText()).isEqualTo("{\"event\":\"broadcast\",\"payload\":{\"event\":\"cursor-pos\","
                + "\"payload\":{\"x\":1,\"y\":2},\"type\":\"broadcast\"},\"ref\":null,\"topic\":\"realtime:room1\"}");
        sender.expectNothing(300);
    }

    @Test
    void textBroadcastWithSelfAndAckReachesSenderAndIsAcked() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient sender = v2();
        joinV2(sender, "realtime:room1", "1", config(true, true), false);
        sender.send(textBroadcast("1", "2", "realtime:room1"));
        List<String> got = List.of(sender.nextText(), sender.nextText());
        assertThat(got).containsExactlyInAnyOrder(TEXT_DELIVERY,
                "[\"1\",\"2\",\"realtime:room1\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
    }

    @Test
    void binaryBroadcastReachesV2PeerAsKind4AndV1PeerAsJson() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient sender = v2();
        WsTestClient peer = v2();
        WsTestClient v1peer = v1();
        joinV2(sender, "realtime:room1", "1", config(false, true), false);
        joinV2(peer, "realtime:room1", "1", config(false, false), false);
        joinV1(v1peer, "realtime:room1", "1", config(false, false), false);
        byte[] payload = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        sender.sendBinary(V2Codec.encodeUserBroadcastPush(new UserBroadcast("1", "2", "realtime:room1", "cursor-pos",
                null, true, payload)));
        assertThat(sender.nextText())
                .isEqualTo("[\"1\",\"2\",\"realtime:room1\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        byte[] kind4 = peer.nextBinary();
        assertThat(kind4[0]).isEqualTo((byte) 4);
        assertThat(V2Codec.decodeBinary(kind4)).isEqualTo(new UserBroadcast(null, null, "realtime:room1",
                "cursor-pos", null, true, payload));
        assertThat(v1peer.nextText()).isEqualTo("{\"event\":\"broadcast\",\"payload\":{\"type\":\"broadcast\","
                + "\"event\":\"cursor-pos\",\"payload\":{\"x\":1}},\"ref\":null,\"topic\":\"realtime:room1\"}");
        sender.expectNothing(200);
    }

    @Test
    void binaryBroadcastWithSelfReturnsKind4ToSender() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient sender = v2();
        joinV2(sender, "realtime:room1", "1", config(true, false), false);
        sender.sendBinary(V2Codec.encodeUserBroadcastPush(new UserBroadcast("1", "2", "realtime:room1", "e", null,
                true, "{}".getBytes(StandardCharsets.UTF_8))));
        assertThat(sender.nextBinary()[0]).isEqualTo((byte) 4);
        sender.expectNothing(200);
    }

    @Test
    void broadcastToUnjoinedTopicGetsUnmatchedTopic() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        c.send(textBroadcast("1", "2", "realtime:room1"));
        assertThat(c.nextText()).isEqualTo("[\"1\",\"2\",\"realtime:room1\",\"phx_reply\",{\"response\":{\"reason\":"
                + "\"unmatched topic\"},\"status\":\"error\"}]");
    }

    // ---- fault knobs ---------------------------------------------------------------------------------------

    @Test
    void delayKnobDelaysDeliveryByAtLeastTheDelay() throws Exception {
        start(StandInConfig.defaults().withDelay(Duration.ofMillis(300), Duration.ZERO));
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        long t0 = System.nanoTime();
        server.publishChange(insert(1, "a"));
        server.publishChange(insert(2, "b"));
        assertThat(c.nextText()).contains("\"id\":1,");
        long elapsed = System.nanoTime() - t0;
        assertThat(c.nextText()).contains("\"id\":2,");
        assertThat(elapsed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void jitterNeverReordersFramesOnOneSocket() throws Exception {
        start(StandInConfig.defaults().withDelay(Duration.ofMillis(5), Duration.ofMillis(50)));
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        for (int i = 0; i < 30; i++) {
            server.publishChange(insert(i, "t"));
        }
        for (int i = 0; i < 30; i++) {
            assertThat(c.nextText()).contains("\"record\":{\"id\":" + i + ",");
        }
    }

    @Test
    void dropRatioOneDeliversNothingAndCountsDrops() throws Exception {
        start(StandInConfig.defaults().withDropRatio(1.0));
        WsTestClient c = v2();
        WsTestClient peer = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        joinV2(peer, "realtime:room1", "1", config(false, false), false);
        server.publishChange(insert(1, "a"));
        server.publishChange(insert(2, "b"));
        peer.send(textBroadcast("1", "2", "realtime:room1"));
        c.expectNothing(300);
        assertThat(server.deliveriesDropped()).isEqualTo(3);
        assertThat(server.framesDelivered()).isZero();
    }

    @Test
    void stallHoldsDeliveriesThenReleasesThemInOrder() throws Exception {
        start(StandInConfig.defaults().withStall(Duration.ZERO, Duration.ofMillis(700)));
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        server.publishChange(insert(1, "a"));
        server.publishChange(insert(2, "b"));
        c.expectNothing(200);
        assertThat(c.nextText()).contains("\"record\":{\"id\":1,");
        assertThat(c.nextText()).contains("\"record\":{\"id\":2,");
    }

    @Test
    void configRejectsOutOfRangeKnobs() {
        assertThatThrownBy(() -> StandInConfig.defaults().withDropRatio(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropRatio");
        assertThatThrownBy(() -> StandInConfig.defaults().withDelay(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    }

    @Test
    void closingTheClientUnregistersItsChannels() throws Exception {
        start(StandInConfig.defaults());
        WsTestClient c = v2();
        joinV2(c, "realtime:room1", "1", config(false, false, BINDING), true);
        assertThat(server.channelsJoined()).isEqualTo(1);
        c.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((server.channelsJoined() != 0 || server.connectionsOpen() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.channelsJoined()).isZero();
        assertThat(server.connectionsOpen()).isZero();
    }
}
