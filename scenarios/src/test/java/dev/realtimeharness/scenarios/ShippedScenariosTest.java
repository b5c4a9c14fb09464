package dev.realtimeharness.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario we ship must load; a broken one would only show up when someone runs it. */
class ShippedScenariosTest {

    static Path dir() {
        String dir = System.getProperty("scenarios.dir");
        assertThat(dir).as("system property scenarios.dir (set by scenarios/pom.xml)").isNotNull();
        return Path.of(dir);
    }

    static Stream<Path> scenarioFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void theDocumentedScenariosAreShipped() throws IOException {
        assertThat(scenarioFiles().map(f -> f.getFileName().toString()))
                .contains("smoke.yaml", "t030-latency.yaml", "t031-load.yaml", "soak.yaml");
    }

    @ParameterizedTest
    @MethodSource("scenarioFiles")
    void shippedScenarioIsValid(Path file) throws ScenarioException {
        Scenario s = ScenarioLoader.load(file, List.of());

        String base = file.getFileName().toString();
        assertThat(s.name()).isEqualTo(base.substring(0, base.length() - ".yaml".length()));
        assertThat(s.description()).isNotBlank();
        assertThat(s.gate()).isNotEmpty();
        assertThat(s.source()).isEqualTo(file);
    }

    @Test
    void t030MatchesTheContract() throws ScenarioException {
        Scenario s = ScenarioLoader.load(dir().resolve("t030-latency.yaml"), List.of());

        assertThat(s.drivers()).isEqualTo(10);
        assertThat(s.channelsPerDriver()).isEqualTo(50);
        assertThat(s.publish().messages()).isEqualTo(1000L);
        assertThat(s.publish().via()).isEqualTo(PublishVia.POSTGRES);
        assertThat(s.publish().rate().perSecond()).isEqualTo(50.0);
        assertThat(s.gate()).containsEntry("latency.p99", 200.0).containsEntry("messages.lost", 0.0)
                .containsEntry("connections.successRatio", 0.99);
        // Streams by default; --set target.embedded.cdc=poll rehearses Supabase's poller with its defaults.
        assertThat(s.target().embedded().cdc().polling()).isFalse();
        Scenario poll = ScenarioLoader.load(dir().resolve("t030-latency.yaml"), List.of("target.embedded.cdc=poll"));
        assertThat(poll.target().embedded().cdc()).isEqualTo(dev.realtimeharness.scenario.CdcConfig.poll());
    }

    @Test
    void t031RunsFiftyDriversForFiveMinutesWithoutATotal() throws ScenarioException {
        Scenario s = ScenarioLoader.load(dir().resolve("t031-load.yaml"), List.of());

        assertThat(s.drivers()).isEqualTo(50);
        assertThat(s.duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.publish().messages()).isNull();
        assertThat(s.gate()).containsEntry("latency.mean", 200.0).containsEntry("latency.p99", 500.0);
    }

    @Test
    void soakTakesTheNightlyDurationOverride() throws ScenarioException {
        Scenario s = ScenarioLoader.load(dir().resolve("soak.yaml"), List.of());

        assertThat(ScenarioLoader.withDuration(s, Duration.ofHours(8)).duration()).isEqualTo(Duration.ofHours(8));
    }
}
