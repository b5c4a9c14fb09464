package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.capture.SlotPoller;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.standin.WsTestClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded target with {@code cdc: poll} (Supabase's poller defaults: 100 ms interval, 500 ms idle, 100 changes
 * a poll) and a 700 ms subscribe delay, against real PostgreSQL. Timing checks assert what the mechanism guarantees
 * (a lower bound on the subscribe delay, an upper bound on idle polls) and otherwise bounds generous enough for a
 * loaded 2-core machine.
 */
class PollCadenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SUBSCRIBE_DELAY = Duration.ofMillis(700);
    private static final CdcConfig POLL = new CdcConfig(CdcConfig.Mode.POLL, CdcConfig.DEFAULT_INTERVAL,
            CdcConfig.DEFAULT_MAX_CHANGES, CdcConfig.DEFAULT_IDLE_MULTIPLIER, SUBSCRIBE_DELAY);
    private static final long IDLE_MS = 500;
    // Scheduling, query and RLS time on a busy shared machine, on top of the idle period.
    private static final long MARGIN_MS = 1_500;

    private static EmbeddedTarget target;

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        target = EmbeddedTarget.start(3, EmbeddedConfig.none().withCdc(POLL));
        assertThat(target.poller()).as("poll mode runs a slot poller").isNotNull();
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void subscribedToPostgresComesAfterTheSubscribeDelayAndTheReplyAtOnce() throws Exception {
        String driver = Drivers.id(0).toString();
        try (WsTestClient ws = WsTestClient.connect(url())) {
            long sent = System.nanoTime();
            ws.send(join("realtime:poll-ready", driver, ""));
            WsTestClient.Timed reply = ws.nextTimedText();
            assertThat(JSON.readTree(reply.text()).get(3).asText()).isEqualTo("phx_reply");
            WsTestClient.Timed system = ws.nextTimedText();
            JsonNode sys = JSON.readTree(system.text());
            assertThat(sys.get(3).asText()).isEqualTo("system");
            assertThat(sys.get(4).get("message").asText()).isEqualTo("Subscribed to PostgreSQL");
            assertThat(sys.get(4).get("extension").asText()).isEqualTo("postgres_changes");
            long replyMs = TimeUnit.NANOSECONDS.toMillis(reply.arrivalNanos() - sent);
            long systemMs = TimeUnit.NANOSECONDS.toMillis(system.arrivalNanos() - sent);
            assertThat(replyMs).as("the ok reply does not wait for the subscription").isLessThan(
                    SUBSCRIBE_DELAY.toMillis());
            assertThat(systemMs).as("ms from phx_join to Subscribed to PostgreSQL")
                    .isGreaterThanOrEqualTo(SUBSCRIBE_DELAY.toMillis())
                    .isLessThan(SUBSCRIBE_DELAY.toMillis() + MARGIN_MS);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void singleInsertsIntoAnIdleSlotWaitOutTheIdlePeriodAndIdlePollsAreHalfASecondApart() throws Exception {
        String driver = Drivers.id(1).toString();
        try (WsTestClient ws = subscribe("realtime:poll-idle", driver, "driver_id=eq." + driver);
                Connection c = db()) {
            // An idle slot: nothing inserted for 3 s. Idle polls sleep 500 ms after each poll ends, so at most
            // 3000 / 500 + 1 polls can start in that time.
            long before = target.poller().polls();
            Thread.sleep(3_000);
            long idlePolls = target.poller().polls() - before;
            assertThat(idlePolls).as("polls of an idle slot in 3 s").isBetween(1L, 7L);

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                // A random phase against the 500 ms cycle, after the slot has gone idle again.
                Thread.sleep(ThreadLocalRandom.current().nextLong(600, 1_100));
                long t0 = System.nanoTime();
                insert(c, driver, "idle-" + i);
                WsTestClient.Timed frame = ws.nextTimedText();
                JsonNode data = JSON.readTree(frame.text()).get(4).get("data");
                assertThat(data.get("record").get("notes").asText()).isEqualTo("idle-" + i);
                latencies.add(TimeUnit.NANOSECONDS.toMillis(frame.arrivalNanos() - t0));
            }
            double mean = latencies.stream().mapToLong(Long::longValue).average().orElseThrow();
            assertThat(latencies).as("insert-to-receive ms of single inserts into an idle slot")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(IDLE_MS + MARGIN_MS));
            // Uniform over the 500 ms cycle the mean is about 250 ms; streaming delivers in a few ms. Twelve samples
            // average under 80 ms with a probability of about 1e-5 if the poller waits as it should.
            assertThat(mean).as("mean ms of %s", latencies).isGreaterThan(80);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBurstOf250ChangesIsReadInPollsOfAtMost100InCommitOrder() throws Exception {
        String driver = Drivers.id(2).toString();
        try (WsTestClient ws = subscribe("realtime:poll-burst", driver, "driver_id=eq." + driver);
                Connection c = db(); Statement st = c.createStatement()) {
            SlotPoller poller = target.poller();
            long pollsBefore = poller.polls();
            // 250 transactions of one row each, committed inside one statement: faster than any poll interval.
            st.execute("do $$ begin for i in 1..250 loop insert into orders (driver_id, notes) values ('" + driver
                    + "'::uuid, 'burst-' || i); commit; end loop; end $$");
            for (int i = 1; i <= 250; i++) {
                JsonNode data = JSON.readTree(ws.nextText()).get(4).get("data");
                assertThat(data.get("record").get("notes").asText()).isEqualTo("burst-" + i);
            }
            assertThat(poller.largestBatch()).as("the most changes one poll took").isLessThanOrEqualTo(100);
            assertThat(poller.polls() - pollsBefore).as("polls that read 250 changes 100 at a time")
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void rowSecurityStillHidesAnotherDriversRowsPerSubscriber() throws Exception {
        String d0 = Drivers.id(0).toString();
        String d1 = Drivers.id(1).toString();
        // No filter: only orders' RLS policy (a driver reads its own rows) decides what each subscriber sees.
        try (WsTestClient ws0 = subscribe("realtime:poll-rls-0", d0, "");
                WsTestClient ws1 = subscribe("realtime:poll-rls-1", d1, "");
                Connection c = db()) {
            insert(c, d1, "rls-for-1");
            insert(c, d0, "rls-for-0");
            assertThat(JSON.readTree(ws0.nextText()).get(4).get("data").get("record").get("notes").asText())
                    .isEqualTo("rls-for-0");
            assertThat(JSON.readTree(ws1.nextText()).get(4).get("data").get("record").get("notes").asText())
                    .isEqualTo("rls-for-1");
            // Longer than two idle cycles: a leaked row would have arrived by now.
            ws0.expectNothing(1_200);
            ws1.expectNothing(100);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void databaseBroadcastsStayStreamedNotPolled() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(url()); Statement st = db().createStatement()) {
            ws.send("[\"1\",\"1\",\"realtime:poll-room\",\"phx_join\",{\"config\":{\"broadcast\":{},"
                    + "\"presence\":{},\"postgres_changes\":[],\"private\":false}}]");
            assertThat(ws.nextText()).contains("\"status\":\"ok\"");
            long polledBefore = target.poller().delivered();
            long streamedBefore = target.capture().delivered();
            st.execute("select realtime.send('{\"probe\":\"p\"}'::jsonb, 'order', 'poll-room', false)");
            UserBroadcast ub = V2Codec.decodeBinary(ws.nextBinary());
            assertThat(ub.topic()).isEqualTo("realtime:poll-room");
            assertThat(ub.userEvent()).isEqualTo("order");
            // As on the server: realtime.messages comes over the replication stream, not through the poller.
            // The capture counts a change after its consumer returns, which may be after the frame arrived.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (target.capture().delivered() == streamedBefore && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(target.capture().delivered()).isEqualTo(streamedBefore + 1);
            assertThat(target.poller().delivered()).isEqualTo(polledBefore);
        }
    }

    private static String url() {
        return target.wsUrl() + "?apikey=" + target.apikey() + "&vsn=2.0.0";
    }

    private static String join(String topic, String driver, String filter) {
        Instant now = Instant.now();
        String token = Jwt.userToken(driver, target.jwtSecret(), now, now.plusSeconds(3600));
        return "[\"3\",\"3\",\"" + topic + "\",\"phx_join\",{\"access_token\":\"" + token
                + "\",\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                + "\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":[{\"event\":\"INSERT\","
                + "\"schema\":\"public\",\"table\":\"orders\",\"filter\":\"" + filter + "\"}],"
                + "\"private\":false}}]";
    }

    private static WsTestClient subscribe(String topic, String driver, String filter) throws Exception {
        WsTestClient ws = WsTestClient.connect(url());
        ws.send(join(topic, driver, filter));
        // Timed reads, so that the arrival times of later frames pair with their frames.
        assertThat(JSON.readTree(ws.nextTimedText().text()).get(4).get("status").asText()).isEqualTo("ok");
        assertThat(JSON.readTree(ws.nextTimedText().text()).get(4).get("message").asText())
                .isEqualTo("Subscribed to PostgreSQL");
        return ws;
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    private static void insert(Connection c, String driver, String notes) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into orders (driver_id, notes) values (?::uuid, ?)")) {
            ps.setString(1, driver);
            ps.setString(2, notes);
            ps.executeUpdate();
        }
    }
}
