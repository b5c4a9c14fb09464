package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole run through a real PostgreSQL restart (the fault schedule's restartDatabase at 5 s of 12 s publishing), in
 * both cdc modes: the change capture comes back, every probe whose INSERT was committed is delivered (the ones the
 * restart held up late, within the drain), and the only loss is the probes that could not be published while the
 * database was down. timeline.csv shows the outage in slotLagSeconds.
 */
class DatabaseRestartRunIT {
    @TempDir
    Path results;

    @ParameterizedTest
    @ValueSource(strings = {"stream", "poll"})
    void deliveriesResumeAfterADatabaseRestartAndOnlyUnpublishedProbesAreLost(String cdc) throws Exception {
        String smoke = Files.readString(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"));
        Path scenario = Files.writeString(results.resolve("smoke-restart.yaml"), smoke
                + "target:\n  embedded:\n    faults:\n"
                + "      - {at: 5s, restartDatabase: true}\n");
        InProcessRun o = InProcessRun.of(scenario, results, "restart-" + cdc, List.of("publish.messages=",
                "duration=12s", "drainTimeout=15s", "target.embedded.cdc=" + cdc, "gate.latency.p99=",
                "gate.messages.lost="), false);
        assertThat(o.exit()).as(o.stdout() + o.stderr()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.stdout()).containsPattern("fault at 0m0[456]s: restart PostgreSQL \\(down [0-9.]+ s.*change "
                + "capture running");

        JsonNode s = o.summary();
        JsonNode messages = s.get("messages");
        long lost = messages.get("lost").asLong();
        JsonNode by = messages.get("lostByReason");
        assertThat(by.get("inFlight").asLong() + by.get("channelDown").asLong() + by.get("neverReady").asLong())
                .as("nothing committed is lost: %s", messages).isZero();
        assertThat(lost).isEqualTo(by.get("publishFailed").asLong());
        assertThat(messages.get("delivered").asLong()).isEqualTo(messages.get("expectedDeliveries").asLong() - lost);
        assertThat(messages.get("duplicated").asLong()).isZero();
        assertThat(messages.get("outOfOrder").asLong()).isZero();
        JsonNode capture = s.get("capture");
        assertThat(capture.get("reconnects").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(capture.has("failure")).isFalse();
        assertThat(capture.get("slotLagSecondsMax").asDouble()).isPositive();

        // Deliveries go on after the restart: the last seconds of publishing deliver.
        List<String> lines = Files.readAllLines(o.dir().resolve("timeline.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int delivered = header.indexOf("delivered");
        String[] last = lines.get(lines.size() - 1).split(",", -1);
        String[] mid = lines.get(lines.size() / 2).split(",", -1);
        assertThat(Long.parseLong(last[delivered])).isGreaterThan(Long.parseLong(mid[delivered]));
        System.out.printf("cdc %s through a restart: published %d, expected %d, delivered %d, lost %d (publish "
                + "failed), latency p99 %.1f ms, max %.1f ms; capture reconnects %d, slot lag max %d bytes, %.3f s%n",
                cdc, messages.get("published").asLong(), messages.get("expectedDeliveries").asLong(),
                messages.get("delivered").asLong(), lost, s.get("latency").get("p99").asDouble(),
                s.get("latency").get("max").asDouble(), capture.get("reconnects").asLong(),
                capture.get("slotLagBytesMax").asLong(), capture.get("slotLagSecondsMax").asDouble());
    }
}
