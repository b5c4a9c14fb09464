package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Presence on the stand-in (protocol.md §7): track/untrack, presence_state after join, presence_diff, limits. */
class StandInPresenceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "realtime:lobby";

    private StandInServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = StandInServer.start(StandInConfig.defaults());
    }

    @AfterEach
    void stop() {
        clients.forEach(WsTestClient::close);
        server.close();
    }

    private WsTestClient connect() throws Exception {
        WsTestClient c = WsTestClient.connect(server.wsUrl() + "?vsn=2.0.0");
        clients.add(c);
        return c;
    }

    /** Joins with presence; returns the presence_state payload, or null when presence is off. */
    private static JsonNode join(WsTestClient c, String key, boolean enabled) throws Exception {
        c.send("[\"1\",\"1\",\"" + TOPIC + "\",\"phx_join\",{\"config\":{\"broadcast\":{},\"presence\":{\"key\":\""
                + key + "\",\"enabled\":" + enabled + "},\"postgres_changes\":[],\"private\":false}}]");
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        if (!enabled) {
            return null;
        }
        JsonNode state = JSON.readTree(c.nextText());
        // A channel push: it carries the join_ref.
        assertThat(state.get(0).asText()).isEqualTo("1");
        assertThat(state.get(1).isNull()).isTrue();
        assertThat(state.get(3).asText()).isEqualTo("presence_state");
        return state.get(4);
    }

    private static void track(WsTestClient c, String ref, String payload) {
        c.send("[\"1\",\"" + ref + "\",\"" + TOPIC + "\",\"presence\",{\"type\":\"presence\",\"event\":\"track\","
                + "\"payload\":" + payload + "}]");
    }

    private static JsonNode diff(WsTestClient c) throws Exception {
        JsonNode f = JSON.readTree(c.nextText());
        assertThat(f.get(0).isNull()).isTrue();
        assertThat(f.get(1).isNull()).isTrue();
        assertThat(f.get(3).asText()).isEqualTo("presence_diff");
        return f.get(4);
    }

    @Test
    void trackSendsDiffToPresenceChannelsAndNewJoinersGetTheState() throws Exception {
        WsTestClient alice = connect();
        WsTestClient bob = connect();
        WsTestClient quiet = connect();
        assertThat(join(alice, "alice", true).toString()).isEqualTo("{}");
        join(quiet, "quiet", false);

        track(alice, "2", "{\"status\":\"online\"}");
        assertThat(alice.nextText()).isEqualTo("[\"1\",\"2\",\"" + TOPIC + "\",\"phx_reply\","
                + "{\"response\":{},\"status\":\"ok\"}]");
        JsonNode d = diff(alice);
        JsonNode meta = d.get("joins").get("alice").get("metas").get(0);
        assertThat(meta.get("status").asText()).isEqualTo("online");
        assertThat(meta.get("phx_ref").asText()).isNotEmpty();
        assertThat(d.get("leaves").toString()).isEqualTo("{}");

        JsonNode state = join(bob, "bob", true);
        assertThat(state.get("alice").get("metas").get(0)).isEqualTo(meta);

        // Untrack: a diff with the meta in leaves to every presence channel; the one without presence gets nothing.
        alice.send("[\"1\",\"3\",\"" + TOPIC + "\",\"presence\",{\"type\":\"presence\",\"event\":\"untrack\"}]");
        assertThat(alice.nextText()).contains("\"status\":\"ok\"");
        assertThat(diff(alice).get("leaves").get("alice").get("metas").get(0)).isEqualTo(meta);
        assertThat(diff(bob).get("leaves").get("alice").get("metas").get(0)).isEqualTo(meta);
        quiet.expectNothing(200);
    }

    @Test
    void socketCloseSendsLeavesAndUnkeyedTrackGetsAGeneratedKey() throws Exception {
        WsTestClient a = connect();
        WsTestClient b = connect();
        join(a, "", false);
        join(b, "bob", true);
        // Tracking enables presence on a's channel.
        track(a, "2", "{\"n\":1}");
        assertThat(a.nextText()).contains("\"status\":\"ok\"");
        JsonNode joins = diff(b).get("joins");
        String key = joins.fieldNames().next();
        assertThat(key).matches("[0-9a-f-]{36}");
        assertThat(diff(a).get("joins").has(key)).isTrue();
        a.close();
        JsonNode leaves = diff(b).get("leaves");
        assertThat(leaves.get(key).get("metas").get(0).get("n").asInt()).isEqualTo(1);
    }

    @Test
    void nonMapPayloadGetsAnErrorReply() throws Exception {
        WsTestClient a = connect();
        join(a, "a", true);
        track(a, "2", "\"online\"");
        assertThat(a.nextText()).isEqualTo("[\"1\",\"2\",\"" + TOPIC + "\",\"phx_reply\","
                + "{\"response\":{\"reason\":\"Presence track payload must be a map\"},\"status\":\"error\"}]");
        a.expectNothing(200);
    }

    @Test
    void sixthPresenceCallIn30SecondsClosesTheChannel() throws Exception {
        WsTestClient a = connect();
        join(a, "a", true);
        for (int i = 0; i < 5; i++) {
            track(a, "r" + i, "{\"i\":" + i + "}");
            assertThat(a.nextText()).contains("\"status\":\"ok\"");
            diff(a);
        }
        track(a, "r5", "{\"i\":5}");
        assertThat(a.nextText()).isEqualTo("[\"1\",null,\"" + TOPIC + "\",\"system\",{\"channel\":\"lobby\","
                + "\"extension\":\"system\",\"message\":\"Client presence rate limit exceeded\",\"status\":\"error\"}]");
        assertThat(a.nextText()).isEqualTo("[\"1\",\"1\",\"" + TOPIC + "\",\"phx_close\",{}]");
        assertThat(server.refusals(Refusal.PRESENCE_CLIENT_RATE_LIMITED)).isEqualTo(1);
    }
}
