package dev.realtimeharness.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulation as a user runs it: Gatling's main class in its own JVM (as gatling-maven-plugin forks it), a short
 * T031 (20 s, 10 drivers) on the embedded target. A clean run must pass and leave a complete results directory; the
 * same run with an injected delay above the p99 limit must fail the JVM's exit status, which is what fails Maven; and a
 * run whose server drops half the sockets must reconnect, rejoin and account for what was missed.
 */
class RealtimeSimulationIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shortT031PassesAndLeavesCompleteResults() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-pass", Map.of());

        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isZero();
        Path dir = run.dir();
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
        assertThat(Files.readAllLines(dir.resolve("timeline.csv")).get(0)).contains(",pgRssBytes,")
                .endsWith(",slotLagBytes,slotLagSeconds");
    }

    @Test
    void delayAboveTheP99LimitFailsTheRun() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-delay", Map.of(), "-Dset.target.embedded.delay=600ms");

        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isNotZero();
        Path dir = run.dir();
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
        assertThat(run.output()).contains("harness gate FAILED");
    }

    /**
     * Half the sockets closed by the server halfway through publishing: each virtual user notices at once,
     * reconnects after realtime-js's first backoff (1 s), rejoins its 50 channels, and receives again; what was owed
     * while it was away is lost as channelDown, the books balance, and the default gate (messages.lost: 0) fails.
     */
    @Test
    void closedSocketsReconnectRejoinAndWhatTheyMissedIsLostAsChannelDown() throws Exception {
        GatlingJvm.Run run = GatlingJvm.run("ci-disconnect", Map.of(), "-Dset.target.embedded.disconnectRatio=0.5");

        assertThat(run.exitCode()).as("Gatling exit status; output in %s", run.log()).isNotZero();
        JsonNode s = JSON.readTree(run.dir().resolve("summary.json").toFile());
        // ceil(0.5 x 10) sockets closed, each reconnected once.
        assertThat(s.path("connections").path("reconnects").asLong()).as("reconnects").isEqualTo(5);
        assertThat(s.path("channels").path("rejoined").asLong()).as("rejoined").isGreaterThanOrEqualTo(250);
        JsonNode m = s.path("messages");
        long expected = m.path("expectedDeliveries").asLong();
        assertThat(m.path("delivered").asLong() + m.path("lost").asLong()).isEqualTo(expected);
        assertThat(m.path("lostByReason").path("channelDown").asLong()).as("channelDown").isPositive();
        // Down for about a second of a 20 s run: the reconnected drivers received again.
        assertThat(m.path("lost").asLong()).as("lost").isPositive().isLessThan(expected / 10);
        List<String> failed = new ArrayList<>();
        s.path("gate").path("checks").forEach(c -> {
            if (!c.path("passed").asBoolean()) {
                failed.add(c.path("name").asText());
            }
        });
        assertThat(failed).contains("messages.lost");
        assertThat(run.output()).contains("harness gate FAILED");
    }
}
