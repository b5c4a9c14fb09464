package dev.realtimeharness.embedded;

import dev.realtimeharness.standin.WsTestClient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.scenario.Drivers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stand-in's postgres_changes frames for real INSERTs and UPDATEs made in the embedded PostgreSQL and carried by
 * logical replication, checked field by field against design/protocol.md §5.
 */
@ExtendWith(EmbeddedTargetExtension.class)
class EmbeddedTargetIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedTarget target;

    @BeforeAll
    static void useSharedTarget(EmbeddedTarget shared) {
        target = shared;
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            k.add(it.next());
        }
        return k;
    }

    /** A driver's signed-in token: orders has RLS (sql/002_auth_rls.sql), so only it sees the driver's rows. */
    static String driverToken(String driverId) {
        Instant now = Instant.now();
        return Jwt.userToken(driverId, target.jwtSecret(), now, now.plusSeconds(3600));
    }

    WsTestClient subscribe(String topic, String driverFilter) throws Exception {
        WsTestClient ws = WsTestClient.connect(target.wsUrl() + "?apikey=" + target.apikey() + "&vsn=2.0.0");
        ws.send("[\"3\",\"3\",\"" + topic + "\",\"phx_join\",{\"access_token\":\"" + driverToken(driverFilter)
                + "\",\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[{\"event\":\"*\","
                + "\"schema\":\"public\",\"table\":\"orders\",\"filter\":\"driver_id=eq." + driverFilter + "\"}],"
                + "\"private\":false}}]");
        JsonNode reply = JSON.readTree(ws.nextText());
        assertThat(reply.get(3).asText()).isEqualTo("phx_reply");
        assertThat(reply.get(4).get("status").asText()).isEqualTo("ok");
        JsonNode system = JSON.readTree(ws.nextText());
        assertThat(system.get(3).asText()).isEqualTo("system");
        assertThat(system.get(4).get("message").asText()).isEqualTo("Subscribed to PostgreSQL");
        return ws;
    }

    Connection db() throws Exception {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    @Test
    void insertAndUpdateFramesMatchProtocolSection5FieldByField() throws Exception {
        String driver = Drivers.id(1).toString();
        try (WsTestClient ws = subscribe("realtime:orders-d1", driver); Connection c = db()) {
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into orders (driver_id, status, notes) values (?::uuid, 'pending', 'probe-1') returning id")) {
                ps.setString(1, driver);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            JsonNode insert = JSON.readTree(ws.nextText());
            assertThat(insert.get(0).isNull()).isTrue();
            assertThat(insert.get(1).isNull()).isTrue();
            assertThat(insert.get(2).asText()).isEqualTo("realtime:orders-d1");
            assertThat(insert.get(3).asText()).isEqualTo("postgres_changes");
            JsonNode payload = insert.get(4);
            assertThat(keys(payload)).containsExactlyInAnyOrder("ids", "data");
            assertThat(payload.get("ids").size()).isEqualTo(1);
            JsonNode data = payload.get("data");
            assertThat(keys(data)).containsExactly("columns", "commit_timestamp", "errors", "record", "schema", "table",
                    "type");
            assertThat(data.get("columns").toString()).isEqualTo("[{\"name\":\"id\",\"type\":\"int8\"},"
                    + "{\"name\":\"driver_id\",\"type\":\"uuid\"},{\"name\":\"status\",\"type\":\"text\"},"
                    + "{\"name\":\"notes\",\"type\":\"text\"},{\"name\":\"created_at\",\"type\":\"timestamptz\"}]");
            String ts = data.get("commit_timestamp").asText();
            assertThat(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(Instant.parse(ts)).isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));
            assertThat(data.get("errors").isNull()).isTrue();
            assertThat(data.get("schema").asText()).isEqualTo("public");
            assertThat(data.get("table").asText()).isEqualTo("orders");
            assertThat(data.get("type").asText()).isEqualTo("INSERT");
            JsonNode record = data.get("record");
            assertThat(keys(record)).containsExactly("id", "driver_id", "status", "notes", "created_at");
            assertThat(record.get("id").isIntegralNumber()).isTrue();
            assertThat(record.get("id").asLong()).isEqualTo(id);
            assertThat(record.get("driver_id").asText()).isEqualTo(driver);
            assertThat(record.get("status").asText()).isEqualTo("pending");
            assertThat(record.get("notes").asText()).isEqualTo("probe-1");
            assertThat(record.get("created_at").isTextual()).isTrue();

            try (PreparedStatement ps = c.prepareStatement("update orders set status = 'accepted' where id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            JsonNode update = JSON.readTree(ws.nextText()).get(4).get("data");
            assertThat(keys(update)).containsExactly("columns", "commit_timestamp", "errors", "old_record", "record",
                    "schema", "table", "type");
            assertThat(update.get("type").asText()).isEqualTo("UPDATE");
            assertThat(update.get("record").get("status").asText()).isEqualTo("accepted");
            // Without REPLICA IDENTITY FULL the real server's old_record carries only the primary key.
            assertThat(update.get("old_record").toString()).isEqualTo("{\"id\":" + id + "}");
        }
    }

    @Test
    void anotherDriversRowIsNotDeliveredToThisFilter() throws Exception {
        String mine = Drivers.id(2).toString();
        String other = Drivers.id(0).toString();
        try (WsTestClient ws = subscribe("realtime:orders-d2", mine); Connection c = db()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into orders (driver_id, notes) values (?::uuid, ?)")) {
                ps.setString(1, other);
                ps.setString(2, "not-mine");
                ps.executeUpdate();
                ps.setString(1, mine);
                ps.setString(2, "mine");
                ps.executeUpdate();
            }
            JsonNode frame = JSON.readTree(ws.nextText());
            assertThat(frame.get(4).get("data").get("record").get("notes").asText()).isEqualTo("mine");
            ws.expectNothing(300);
        }
    }
}
