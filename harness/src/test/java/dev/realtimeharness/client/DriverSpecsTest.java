package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriverSpecsTest {
    private static final Path T031 = Path.of(System.getProperty("scenarios.dir", "../scenarios"), "t031-load.yaml");

    @Test
    void aDriversChannelsWithTheSameFilterShareOneJoinConfigAndDriversDoNot() throws Exception {
        Scenario s = ScenarioLoader.load(T031, List.of("drivers=3", "channelsPerDriver=4"));
        List<DriverSpec> specs = DriverSpecs.of(s, "token");
        assertThat(specs).hasSize(3);
        for (DriverSpec d : specs) {
            JoinConfig first = d.channels().get(0).join();
            assertThat(d.channels()).allSatisfy(c -> assertThat(c.join()).isSameAs(first));
            assertThat(first.postgresChanges()).singleElement().satisfies(f -> assertThat(f.filter())
                    .startsWith("driver_id=eq.").isNotEqualTo("driver_id=eq.{driverId}"));
        }
        assertThat(specs.get(0).channels().get(0).join()).isNotEqualTo(specs.get(1).channels().get(0).join());
        // Topics stay one per channel.
        assertThat(specs.get(0).channels()).extracting(ChannelSpec::topic).doesNotHaveDuplicates();
    }

    @Test
    void aFilterThatNamesTheChannelGivesEachChannelItsOwnConfig() throws Exception {
        Scenario s = ScenarioLoader.load(T031, List.of("drivers=1", "channelsPerDriver=3",
                "channel.postgresChanges.0.filter=id=eq.{channel}"));
        List<ChannelSpec> channels = DriverSpecs.of(s, "token").get(0).channels();
        assertThat(channels).extracting(c -> c.join().postgresChanges().get(0).filter())
                .containsExactly("id=eq.0", "id=eq.1", "id=eq.2");
    }
}
