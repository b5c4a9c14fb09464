package dev.realtimeharness.standin;

import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.embedded.EmbeddedTargetExtension;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.scenario.Drivers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * postgres_changes on public.orders, which has RLS (sql/002_auth_rls.sql: a driver reads only its own rows), checked
 * in the embedded PostgreSQL under each channel's JWT claims as apply_rls does (protocol.md §5).
 */
@ExtendWith(EmbeddedTargetExtension.class)
class RowSecurityIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedTarget target;

    @BeforeAll
    static void useSharedTarget(EmbeddedTarget shared) {
        target = shared;
    }

    static String driverToken(int driver) {
        Instant now = Instant.now();
        return Jwt.userToken(Drivers.id(driver).toString(), target.jwtSecret(), now, now.plusSeconds(3600));
    }

    static WsTestClient connect() throws Exception {
        return WsTestClient.connect(target.wsUrl() + "?apikey=" + target.apikey() + "&vsn=2.0.0");
    }

    /** Joins {@code topic} for every change of public.orders (no filter); {@code token} null joins with the apikey. */
    static void joinAllOrders(WsTestClient ws, String topic, String token) throws Exception {
        String auth = token == null ? "" : "\"access_token\":\"" + token + "\",";
        ws.send("[\"1\",\"1\",\"" + topic + "\",\"phx_join\",{" + auth + "\"config\":{\"broadcast\":{},"
                + "\"presence\":{\"enabled\":false},\"postgres_changes\":[{\"event\":\"*\",\"schema\":\"public\","
                + "\"table\":\"orders\"}],\"private\":false}}]");
        JsonNode reply = JSON.readTree(ws.nextText());
        assertThat(reply.get(4).get("status").asText()).as(reply.toString()).isEqualTo("ok");
        JsonNode system = JSON.readTree(ws.nextText());
        assertThat(system.get(4).get("message").asText()).isEqualTo("Subscribed to PostgreSQL");
    }

    static long insertOrder(Connection c, int driver, String notes) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into orders (driver_id, notes) values (?::uuid, ?) returning id")) {
            ps.setString(1, Drivers.id(driver).toString());
            ps.setString(2, notes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static JsonNode data(String frame) throws Exception {
        JsonNode f = JSON.readTree(frame);
        assertThat(f.get(3).asText()).isEqualTo("postgres_changes");
        return f.get(4).get("data");
    }

    @Test
    void driverTokenSeesOnlyItsOwnOrdersAnonSeesNoneButDeletesReachEveryone() throws Exception {
        // The stand-in is shared: count only what this test hides.
        long hiddenBefore = target.server().rlsHidden();
        try (WsTestClient d1 = connect(); WsTestClient anon = connect(); Connection c = target.database().connect()) {
            joinAllOrders(d1, "realtime:rls-d1", driverToken(1));
            joinAllOrders(anon, "realtime:rls-anon", null);

            // Driver 2's row first: a socket gets changes in commit order, so a leak would arrive before driver 1's.
            insertOrder(c, 2, "for driver 2");
            long id = insertOrder(c, 1, "for driver 1");
            JsonNode insert = data(d1.nextText());
            assertThat(insert.get("type").asText()).isEqualTo("INSERT");
            assertThat(insert.get("record").get("notes").asText()).isEqualTo("for driver 1");

            try (PreparedStatement ps = c.prepareStatement("update orders set status = 'accepted' where id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            assertThat(data(d1.nextText()).get("type").asText()).isEqualTo("UPDATE");

            // DELETEs are not RLS-checked: the anon channel, which saw nothing so far, gets this one, with only the
            // primary key in old_record.
            try (PreparedStatement ps = c.prepareStatement("delete from orders where id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            JsonNode delete = data(anon.nextText());
            assertThat(delete.get("type").asText()).isEqualTo("DELETE");
            assertThat(delete.get("old_record").toString()).isEqualTo("{\"id\":" + id + "}");
            assertThat(delete.has("record")).isFalse();
            assertThat(data(d1.nextText()).get("type").asText()).isEqualTo("DELETE");

            d1.expectNothing(200);
            anon.expectNothing(200);
            assertThat(target.server().rlsHidden() - hiddenBefore).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void oneRlsQueryPerChangeForManyChannelsWithTheSameClaims() throws Exception {
        List<WsTestClient> sockets = new ArrayList<>();
        try (Connection c = target.database().connect()) {
            String token = driverToken(0);
            for (int s = 0; s < 5; s++) {
                WsTestClient ws = connect();
                sockets.add(ws);
                for (int ch = 0; ch < 10; ch++) {
                    joinAllOrders(ws, "realtime:many-" + s + "-" + ch, token);
                }
            }
            long before = target.server().rlsQueries();
            insertOrder(c, 0, "fifty channels");
            for (WsTestClient ws : sockets) {
                for (int ch = 0; ch < 10; ch++) {
                    assertThat(data(ws.nextText()).get("record").get("notes").asText()).isEqualTo("fifty channels");
                }
            }
            assertThat(target.server().rlsQueries() - before).isEqualTo(1);
        } finally {
            sockets.forEach(WsTestClient::close);
        }
    }
}
