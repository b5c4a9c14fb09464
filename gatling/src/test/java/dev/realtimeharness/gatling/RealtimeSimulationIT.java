package dev.realtimeharness.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The simulation as a user runs it: Gatling's main class in its own JVM (as gatling-maven-plugin forks it), a short
 * T031 (20 s, 10 drivers) on the embedded target. A clean run must pass and leave a complete results directory; the
 * same run with an injected delay above the p99 limit must fail the JVM's exit status, which is what fails Maven.
 */
class RealtimeSimulationIT {
    private static final Path MODULE = Path.of(System.getProperty("gatling.module.dir", ".")).toAbsolutePath();
    private static final Path RESULTS = MODULE.resolve("target/it-results");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shortT031PassesAndLeavesCompleteResults() throws Exception {
        Run run = gatling("ci-pass");

        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isZero();
        Path dir = RESULTS.resolve("ci-pass");
        for (String f : List.of("summary.json", "latency.hlog", "timeline.csv", "run.json", "report.html",
                "junit.xml", "gatling/index.html")) {
            assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
        }
        JsonNode s = JSON.readTree(dir.resolve("summary.json").toFile());
        assertThat(s.path("drivers").asInt()).isEqualTo(10);
        assertThat(s.path("connections").path("successRatio").asDouble()).isEqualTo(1.0);
        assertThat(s.path("channels").path("joined").asLong()).isEqualTo(500);
        assertThat(s.path("messages").path("published").asLong()).isPositive();
        assertThat(s.path("messages").path("delivered").asLong())
                .isEqualTo(s.path("messages").path("expectedDeliveries").asLong()).isPositive();
        assertThat(s.path("messages").path("lost").asLong()).isZero();
        assertThat(s.path("memory").path("harnessHeapMaxBytes").asLong()).isPositive();
        assertThat(s.path("memory").path("postgresRssMaxBytes").asLong()).isPositive();
        assertThat(s.path("gate").path("passed").asBoolean()).isTrue();
        assertThat(Files.readAllLines(dir.resolve("timeline.csv")).get(0)).endsWith(",pgRssBytes");
    }

    @Test
    void delayAboveTheP99LimitFailsTheRun() throws Exception {
        Run run = gatling("ci-delay", "-Dset.target.embedded.delay=600ms");

        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isNotZero();
        Path dir = RESULTS.resolve("ci-delay");
        JsonNode s = JSON.readTree(dir.resolve("summary.json").toFile());
        assertThat(s.path("gate").path("passed").asBoolean()).isFalse();
        List<String> failed = new ArrayList<>();
        s.path("gate").path("checks").forEach(c -> {
            if (!c.path("passed").asBoolean()) {
                failed.add(c.path("name").asText());
            }
        });
        assertThat(failed).contains("latency.p99");
        assertThat(s.path("latency").path("p50").asDouble()).isBetween(600.0, 650.0);
        assertThat(dir.resolve("gatling/index.html")).isNotEmptyFile();
        assertThat(Files.readString(run.log())).contains("harness gate FAILED");
    }

    private record Run(int exitCode, Path log) {
    }

    private static Run gatling(String runId, String... extra) throws IOException, InterruptedException {
        Files.createDirectories(RESULTS);
        Path log = RESULTS.resolve(runId + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                // As gatling-maven-plugin starts Gatling: its stats writer needs java.lang opened.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetectionLevel=paranoid",
                "-Dscenario=scenarios/t031-load.yaml", "-Dduration=20s", "-Ddrivers=10",
                // Heartbeats every 5 s, so that the short run checks a few of them.
                "-Dset.protocol.heartbeat=5s",
                "-DresultsDir=" + RESULTS, "-DrunId=" + runId));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gatling.app.Gatling",
                "-s", RealtimeSimulation.class.getName(),
                "-rf", MODULE.resolve("target/gatling-it").toString()));
        Process p = new ProcessBuilder(cmd).directory(MODULE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the simulation did not end within 3 minutes; see " + log);
        }
        return new Run(p.exitValue(), log);
    }

    static {
        // A second run of the same test must not trip over the first one's directories.
        deleteRecursively(RESULTS.resolve("ci-pass").toFile());
        deleteRecursively(RESULTS.resolve("ci-delay").toFile());
    }

    private static void deleteRecursively(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteRecursively(c);
            }
        }
        f.delete();
    }
}
