package dev.realtimeharness.embedded;

import dev.realtimeharness.standin.WsTestClient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broadcast from the database (protocol.md §6): realtime.send() inserts into realtime.messages, the capture streams
 * it from its own publication, and the stand-in delivers a UserBroadcast with meta {"id": row id}: binary kind 4 to
 * v2 subscribers, JSON with "meta" to v1 subscribers, never as postgres_changes.
 */
@ExtendWith(EmbeddedTargetExtension.class)
class DatabaseBroadcastIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedTarget target;

    @BeforeAll
    static void useSharedTarget(EmbeddedTarget shared) {
        target = shared;
    }

    static WsTestClient connect(String vsn) throws Exception {
        return WsTestClient.connect(target.wsUrl() + "?apikey=" + target.apikey() + "&vsn=" + vsn);
    }

    static void joinV2(WsTestClient ws, String topic, boolean isPrivate, String bindings) throws Exception {
        ws.send("[\"1\",\"1\",\"" + topic + "\",\"phx_join\",{\"config\":{\"broadcast\":{},\"presence\":{},"
                + "\"postgres_changes\":[" + bindings + "],\"private\":" + isPrivate + "}}]");
        assertThat(ws.nextText()).contains("\"status\":\"ok\"");
        if (!bindings.isEmpty()) {
            assertThat(ws.nextText()).contains("Subscribed to PostgreSQL");
        }
    }

    static String send(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            try (ResultSet rs = st.executeQuery("select id::text from realtime.messages order by inserted_at desc, "
                    + "id limit 1")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void realtimeSendReachesV2AsKind4AndV1AsJsonWithMetaId() throws Exception {
        try (WsTestClient v2 = connect("2.0.0"); WsTestClient v1 = connect("1.0.0");
                WsTestClient privateV2 = connect("2.0.0"); WsTestClient allChanges = connect("2.0.0");
                Connection c = target.database().connect()) {
            joinV2(v2, "realtime:room1", false, "");
            v1.send("{\"topic\":\"realtime:room1\",\"event\":\"phx_join\",\"payload\":{\"config\":{\"private\":false}},"
                    + "\"ref\":\"1\",\"join_ref\":\"1\"}");
            assertThat(v1.nextText()).contains("\"status\":\"ok\"");
            joinV2(privateV2, "realtime:room1", true, "");
            joinV2(allChanges, "realtime:everything", false, "{\"event\":\"*\",\"schema\":\"*\"}");

            String id = send(c, "select realtime.send('{\"probe\":\"x\"}'::jsonb, 'order', 'room1', false)");

            UserBroadcast ub = V2Codec.decodeBinary(v2.nextBinary());
            assertThat(ub.topic()).isEqualTo("realtime:room1");
            assertThat(ub.userEvent()).isEqualTo("order");
            assertThat(ub.jsonEncoding()).isTrue();
            assertThat(new String(ub.metadata(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"" + id + "\"}");
            // realtime.send adds an id to a payload without one.
            assertThat(ub.payloadText()).isEqualTo("{\"id\":\"" + id + "\",\"probe\":\"x\"}");

            JsonNode m = JSON.readTree(v1.nextText());
            assertThat(m.get("topic").asText()).isEqualTo("realtime:room1");
            assertThat(m.get("event").asText()).isEqualTo("broadcast");
            JsonNode p = m.get("payload");
            assertThat(p.get("type").asText()).isEqualTo("broadcast");
            assertThat(p.get("event").asText()).isEqualTo("order");
            assertThat(p.get("payload").get("probe").asText()).isEqualTo("x");
            assertThat(p.get("meta").toString()).isEqualTo("{\"id\":\"" + id + "\"}");

            // Public row: not for the private channel; a realtime.messages insert is no postgres change.
            privateV2.expectNothing(200);
            allChanges.expectNothing(0);

            String privateId = send(c, "select realtime.send('{\"probe\":\"y\",\"id\":\"mine\"}'::jsonb, 'order', "
                    + "'room1')");
            UserBroadcast priv = V2Codec.decodeBinary(privateV2.nextBinary());
            assertThat(new String(priv.metadata(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"" + privateId + "\"}");
            // A payload that has an id keeps it.
            assertThat(priv.payloadText()).isEqualTo("{\"id\":\"mine\",\"probe\":\"y\"}");
            v2.expectNothing(200);
            v1.expectNothing(0);
            allChanges.expectNothing(0);
        }
    }
}
