package dev.realtimeharness.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * T031 in Gatling against a target that is not the simulation's own: a stand-in and PostgreSQL running in this JVM
 * (as {@code harness target} runs them, with T031's tenant limits), reached by URL with the project's settings in
 * the environment, exactly as a real project is. Every publish path must be accounted to the last delivery; the
 * secrets must appear in no file the run leaves; a non-loopback host must be refused before anything connects.
 */
class RemoteSimulationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedTarget target;

    @BeforeAll
    static void startTarget() throws Exception {
        Scenario s = ScenarioLoader.load(GatlingJvm.MODULE.getParent().resolve("scenarios/t031-load.yaml"),
                List.of("drivers=10"));
        target = EmbeddedTarget.start(10, s.target().embedded().resolvedFor(s));
    }

    @AfterAll
    static void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    private static Map<String, String> projectEnvironment() {
        return Map.of("SUPABASE_ANON_KEY", target.apikey(), "SUPABASE_JWT_SECRET", target.jwtSecret(),
                "DATABASE_URL", target.dbUrl());
    }

    @Test
    void postgresPathAgainstARemoteTargetPassesWithEveryDeliveryAccountedAndNoSecretWritten() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-remote", projectEnvironment(), "-Dtarget=" + target.wsUrl(),
                "-DacceptLimits", "-Dduration=15s");

        assertPassedWithEveryDelivery(run);
        JsonNode runJson = JSON.readTree(run.dir().resolve("run.json").toFile());
        assertThat(runJson.toString()).contains(target.wsUrl().getHost() + ":" + target.wsUrl().getPort());
        assertThat(run.output()).contains("pre-flight").contains("--accept-limits: running anyway");
        assertNoSecretIn(run);
    }

    @Test
    void broadcastPathAgainstARemoteTargetPassesWithEveryDeliveryAccounted() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-remote-broadcast", projectEnvironment(),
                "-Dtarget=" + target.wsUrl(), "-DacceptLimits", "-Dduration=15s", "-Dset.publish.via=broadcast");

        assertPassedWithEveryDelivery(run);
        assertNoSecretIn(run);
    }

    @Test
    void aNonLoopbackTargetWithoutAllowHostIsRefusedBeforeAnythingConnects() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-remote-refused", projectEnvironment(),
                "-Dtarget=wss://project.example.invalid/realtime/v1/websocket");

        assertThat(run.exitCode()).as("exit status; output in %s", run.log()).isEqualTo(HarnessRun.REFUSED_STATUS);
        assertThat(run.output()).contains("harness: ").contains("-DallowHost=project.example.invalid").contains("project.example.invalid");
        // Refused while the simulation loaded: no results directory, no Gatling run.
        assertThat(run.dir()).doesNotExist();
        assertThat(run.output()).doesNotContain("Simulation " + RealtimeSimulation.class.getName() + " started");
    }

    private static void assertPassedWithEveryDelivery(GatlingJvm.Run run) throws IOException {
        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isZero();
        JsonNode s = JSON.readTree(run.dir().resolve("summary.json").toFile());
        assertThat(s.path("connections").path("successRatio").asDouble()).isEqualTo(1.0);
        assertThat(s.path("channels").path("ready").asLong()).isEqualTo(500);
        JsonNode m = s.path("messages");
        assertThat(m.path("published").asLong()).isPositive();
        assertThat(m.path("delivered").asLong()).isEqualTo(m.path("expectedDeliveries").asLong()).isPositive();
        assertThat(m.path("lost").asLong()).isZero();
        assertThat(s.path("gate").path("passed").asBoolean()).isTrue();
        assertThat(run.dir().resolve("gatling/index.html")).isNotEmptyFile();
    }

    /** The apikey, the JWT secret and the database password appear in no file of the run (Gatling's included). */
    private static void assertNoSecretIn(GatlingJvm.Run run) throws IOException {
        List<String> secrets = List.of(target.apikey(), target.jwtSecret(), target.password());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(run.dir())) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        try (Stream<Path> walk = Files.walk(GatlingJvm.REPORTS)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        files.add(run.log());
        assertThat(files).anyMatch(f -> f.getFileName().toString().equals("simulation.log"));
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text).as("%s must not contain a secret", f).doesNotContain(secret);
            }
        }
    }
}
