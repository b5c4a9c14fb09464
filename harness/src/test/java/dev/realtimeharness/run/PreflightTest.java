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
        assertThat(row(r, "concurrent users").needed()).isEqualTo(4.0);
    }

    @Test
    void tooManyChannelsPerConnectionTrips() throws Exception {
        Preflight.Report r = Preflight.check(load("smoke.yaml", "channelsPerDriver=101"),
                TargetLimits.supabaseDefaults(), "defaults");
        assertThat(row(r, "channels per connection").trips()).isTrue();
    }
}
