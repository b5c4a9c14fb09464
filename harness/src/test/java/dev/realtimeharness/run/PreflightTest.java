package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import dev.realtimeharness.scenario.TargetLimits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));

    static Scenario load(String file, String... sets) throws Exception {
        return ScenarioLoader.load(SCENARIOS.resolve(file), List.of(sets));
    }

    static Preflight.Row row(Preflight.Report r, String name) {
        return r.rows().stream().filter(x -> x.name().startsWith(name)).findFirst().orElseThrow();
    }

    @Test
    void t030TripsADefaultTenantOnEventsAndJoins() throws Exception {
        Preflight.Report r = Preflight.check(load("t030-latency.yaml"), TargetLimits.supabaseDefaults(), "defaults");
        assertThat(r.trips()).isTrue();
        // 50 orders/s, each delivered to the 50 channels of its driver.
        assertThat(row(r, "events/s").needed()).isEqualTo(2500.0);
        assertThat(row(r, "events/s").trips()).isTrue();
        // 500 joins at 500/s land in one 5 s bucket: 100/s on average, which trips a limit of 100 (>=).
        assertThat(row(r, "joins/s").needed()).isEqualTo(100.0);
        assertThat(row(r, "joins/s").trips()).isTrue();
        assertThat(row(r, "concurrent users").trips()).isFalse();
        assertThat(row(r, "channels per connection").trips()).isFalse();
        assertThat(r.format()).contains("events/s").contains("TRIPS");
    }

    @Test
    void t030FitsTheLimitsItGivesTheEmbeddedStandIn() throws Exception {
        Scenario s = load("t030-latency.yaml");
        assertThat(Preflight.check(s, s.target().embedded().limits(), "embedded").trips()).isFalse();
    }

    @Test
    void smokeStaysWithinDefaultLimitsOnEveryPublishPath() throws Exception {
        for (String via : List.of("postgres", "broadcast")) {
            Preflight.Report r = Preflight.check(load("smoke.yaml", "publish.via=" + via),
                    TargetLimits.supabaseDefaults(), "defaults");
            assertThat(r.trips()).as(via + "\n" + r.format()).isFalse();
        }
    }

    @Test
    void broadcastCountsSendsAndPublisherConnections() throws Exception {
        Preflight.Report r = Preflight.check(load("smoke.yaml", "publish.via=broadcast"),
                TargetLimits.supabaseDefaults(), "defaults");
        // 8/s x (5 deliveries + 5 sends).
        assertThat(row(r, "events/s").needed()).isEqualTo(80.0);
        // 2 drivers + 1 dispatcher socket: their 10 topics fit in one socket's 100 channels.
        assertThat(row(r, "concurrent users").needed()).isEqualTo(3.0);
        assertThat(row(r, "concurrent users").note()).isEqualTo("2 drivers + 1 dispatcher sockets");
        // 10 driver channels + the same 10 topics joined once by the pool.
        assertThat(row(r, "joins/s").note()).startsWith("20 joins");
    }

    @Test
    void theDispatcherPoolCountedInConcurrentUsersIsPublishConnectionsOrTheFewestThatHoldTheTopics() throws Exception {
        TargetLimits defaults = TargetLimits.supabaseDefaults();
        // 150 drivers x 10 topics = 1,500 topics: 15 sockets of 100; 150 + 15 = 165 users, under 200.
        Scenario fewest = load("smoke.yaml", "publish.via=broadcast", "drivers=150", "channelsPerDriver=10");
        assertThat(Preflight.dispatcherSockets(fewest, defaults)).isEqualTo(15);
        assertThat(row(Preflight.check(fewest, defaults, "d"), "concurrent users").needed()).isEqualTo(165.0);
        // Given 60, the pool opens 60 and the run trips the 200 users (150 + 60).
        Scenario given = load("smoke.yaml", "publish.via=broadcast", "drivers=150", "channelsPerDriver=10",
                "publish.connections=60");
        Preflight.Row users = row(Preflight.check(given, defaults, "d"), "concurrent users");
        assertThat(users.needed()).isEqualTo(210.0);
        assertThat(users.trips()).isTrue();
        // A topic every driver shares is joined once: 5 topics, 1 socket.
        Scenario shared = load("smoke.yaml", "publish.via=broadcast", "drivers=150", "channel.topic=orders:{channel}");
        assertThat(Preflight.distinctTopics(shared)).isEqualTo(5);
        assertThat(Preflight.dispatcherSockets(shared, defaults)).isEqualTo(1);
        // JDBC publishing opens no dispatcher socket.
        assertThat(row(Preflight.check(load("smoke.yaml", "drivers=150"), defaults, "d"), "concurrent users")
                .needed()).isEqualTo(150.0);
    }

    @Test
    void aPublishConnectionsThatCannotHoldTheTopicsIsRefusedNamingTheFieldAndTheLimit() throws Exception {
        Scenario s = load("smoke.yaml", "publish.via=broadcast", "drivers=30", "channelsPerDriver=10",
                "publish.connections=2");
        String why = Preflight.dispatcherRefusal(s, TargetLimits.supabaseDefaults(), "targetLimits");
        assertThat(why).isEqualTo("2 dispatcher sockets of at most 100 channels each (maxChannelsPerClient of"
                + " targetLimits) cannot join the 300 distinct topics the broadcast publisher sends to; give at"
                + " least 3, or leave it out for the fewest that hold them");
        assertThat(Preflight.dispatcherRefusal(load("smoke.yaml", "publish.via=broadcast", "drivers=30",
                "channelsPerDriver=10", "publish.connections=3"), TargetLimits.supabaseDefaults(), "x")).isNull();
        // Absent: the run takes the fewest that hold them; and a JDBC pool's size has nothing to hold.
        assertThat(Preflight.dispatcherRefusal(load("smoke.yaml", "publish.via=broadcast", "drivers=30",
                "channelsPerDriver=10"), TargetLimits.supabaseDefaults(), "x")).isNull();
        assertThat(Preflight.dispatcherRefusal(load("smoke.yaml", "drivers=30", "channelsPerDriver=10",
                "publish.connections=2"), TargetLimits.supabaseDefaults(), "x")).isNull();
    }

    @Test
    void tooManyChannelsPerConnectionTrips() throws Exception {
        Preflight.Report r = Preflight.check(load("smoke.yaml", "channelsPerDriver=101"),
                TargetLimits.supabaseDefaults(), "defaults");
        assertThat(row(r, "channels per connection").trips()).isTrue();
    }
}
