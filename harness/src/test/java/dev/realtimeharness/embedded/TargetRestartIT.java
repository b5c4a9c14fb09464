package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.standin.WsTestClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole embedded target across a real PostgreSQL restart: a subscriber on a real WebSocket receives every row
 * committed before the stop and after the start, once and in commit order, in both cdc modes; the capture reports
 * the reconnection and no failure.
 */
class TargetRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"stream", "poll"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSubscriberGetsEveryRowCommittedBeforeAndAfterADatabaseRestartInOrder(String mode) throws Exception {
        CdcConfig cdc = mode.equals("poll") ? CdcConfig.poll() : CdcConfig.stream();
        try (EmbeddedTarget target = EmbeddedTarget.start(1, EmbeddedConfig.none().withCdc(cdc))) {
            String driver = Drivers.id(0).toString();
            try (WsTestClient ws = subscribe(target, driver)) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    expected.add(insert(target, driver, mode + "-before-" + i));
                }
                target.database().stopServer();
                long stopped = System.nanoTime();
                // While PostgreSQL is down the capture says so: its lag in seconds grows with the outage.
                while (target.slotLag().latest().seconds() < 0.5) {
                    assertThat(System.nanoTime() - stopped).isLessThan(TimeUnit.SECONDS.toNanos(10));
                    Thread.sleep(50);
                }
                target.database().startServer();
                for (int i = 0; i < 5; i++) {
                    expected.add(insert(target, driver, mode + "-after-" + i));
                }
                List<String> got = new ArrayList<>();
                while (got.size() < expected.size()) {
                    JsonNode frame = JSON.readTree(ws.nextText());
                    assertThat(frame.get(3).asText()).as(frame.toString()).isEqualTo("postgres_changes");
                    got.add(frame.get(4).get("data").get("record").get("notes").asText());
                }
                assertThat(got).containsExactlyElementsOf(expected);
                ws.expectNothing(1_000);
            }
            assertThat(target.slotLag().failure()).isEmpty();
            // One reconnection per capture thread: the stream, and in poll mode the poller beside it.
            assertThat(target.slotLag().reconnects()).isEqualTo(mode.equals("poll") ? 2 : 1);
            System.out.printf("cdc %s: slot lag max %d bytes, %.3f s across the restart%n", mode,
                    target.slotLag().bytesMax(), target.slotLag().secondsMax());
        }
    }

    private static WsTestClient subscribe(EmbeddedTarget target, String driver) throws Exception {
        WsTestClient ws = WsTestClient.connect(target.wsUrl() + "?apikey=" + target.apikey() + "&vsn=2.0.0");
        Instant now = Instant.now();
        String token = Jwt.userToken(driver, target.jwtSecret(), now, now.plusSeconds(3600));
        ws.send("[\"3\",\"3\",\"realtime:restart\",\"phx_join\",{\"access_token\":\"" + token
                + "\",\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[{\"event\":\"INSERT\","
                + "\"schema\":\"public\",\"table\":\"orders\",\"filter\":\"driver_id=eq." + driver + "\"}],"
                + "\"private\":false}}]");
        assertThat(JSON.readTree(ws.nextText()).get(4).get("status").asText()).isEqualTo("ok");
        assertThat(JSON.readTree(ws.nextText()).get(4).get("message").asText()).isEqualTo("Subscribed to PostgreSQL");
        return ws;
    }

    private static String insert(EmbeddedTarget target, String driver, String notes) throws Exception {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
                PreparedStatement ps = c.prepareStatement("insert into orders (driver_id, notes) values (?::uuid, ?)")) {
            ps.setString(1, driver);
            ps.setString(2, notes);
            ps.executeUpdate();
        }
        return notes;
    }
}
