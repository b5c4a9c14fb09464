package dev.realtimeharness.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How -Dscenario, -Dduration, -Ddrivers and -Dset.KEY=VALUE become the scenario the simulation runs. */
class SimulationParametersTest {
    @TempDir
    Path checkout;

    Path module() throws Exception {
        Files.createDirectories(checkout.resolve("harness"));
        Path scenarios = Files.createDirectories(checkout.resolve("scenarios"));
        Files.writeString(scenarios.resolve("t031-load.yaml"), """
                name: t031-load
                drivers: 50
                channelsPerDriver: 2
                channel:
                  topic: "driver-orders:{driver}:{channel}"
                  postgresChanges:
                    - {event: "*", schema: public, table: orders, filter: "driver_id=eq.{driverId}"}
                publish: {via: postgres, rate: 20/s}
                duration: 5m
                gate: {latency.p99: 500ms}
                """);
        return Files.createDirectories(checkout.resolve("gatling"));
    }

    @Test
    void defaultsFindTheScenarioAndResultsAtTheCheckoutRootFromTheModuleDirectory() throws Exception {
        SimulationParameters p = SimulationParameters.from(new Properties(), module());
        assertThat(p.repositoryRoot()).isEqualTo(checkout);
        assertThat(p.scenarioFile()).isEqualTo(checkout.resolve("scenarios/t031-load.yaml"));
        assertThat(p.resultsRoot()).isEqualTo(checkout.resolve("results"));
        assertThat(p.sets()).isEmpty();
        assertThat(p.duration()).isNull();
        assertThat(p.runId()).isNull();
    }

    @Test
    void driversDurationAndSetOverridesReachTheLoadedScenario() throws Exception {
        Properties props = new Properties();
        props.setProperty("drivers", "10");
        props.setProperty("duration", "20s");
        props.setProperty("set.publish.rate", "5/s");
        props.setProperty("set.gate.latency.p99", "250ms");
        props.setProperty("runId", " short ");
        SimulationParameters p = SimulationParameters.from(props, module());
        // -Ddrivers first, then the -Dset.* overrides sorted by key, so one command line gives one scenario.
        assertThat(p.sets()).containsExactly("drivers=10", "gate.latency.p99=250ms", "publish.rate=5/s");
        assertThat(p.runId()).isEqualTo("short");
        Scenario s = p.load();
        assertThat(s.drivers()).isEqualTo(10);
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.publish().rate().perSecond()).isEqualTo(5.0);
        assertThat(s.gate()).containsEntry("latency.p99", 250.0);
    }

    @Test
    void aScenarioPathRelativeToTheWorkingDirectoryWinsOverTheRoot() throws Exception {
        Path module = module();
        Path local = Files.createDirectories(module.resolve("scenarios"));
        Files.copy(checkout.resolve("scenarios/t031-load.yaml"), local.resolve("mine.yaml"));
        Properties props = new Properties();
        props.setProperty("scenario", "scenarios/mine.yaml");
        assertThat(SimulationParameters.from(props, module).scenarioFile()).isEqualTo(local.resolve("mine.yaml"));
        props.setProperty("scenario", "scenarios/t031-load.yaml");
        assertThat(SimulationParameters.from(props, module).scenarioFile())
                .isEqualTo(checkout.resolve("scenarios/t031-load.yaml"));
    }
}
