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

/** The change capture's slot lag, a second at a time in timeline.csv and at most in summary.json, in both cdc modes. */
class SlotLagRunIT {

    @TempDir
    Path results;

    @ParameterizedTest
    @ValueSource(strings = {"stream", "poll"})
    void timelineHasSlotLagBytesAndSecondsEverySecondAndTheSummaryTheirMaxima(String cdc) throws Exception {
        InProcessRun o = InProcessRun.of(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"), results, "slot-lag-" + cdc,
                List.of("target.embedded.cdc=" + cdc, "gate.latency.p99=3s"), false);
        assertThat(o.exit()).as(o.stdout()).isEqualTo(ExitCodes.PASSED);

        List<String> lines = Files.readAllLines(o.dir().resolve("timeline.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int bytes = header.indexOf("slotLagBytes");
        int seconds = header.indexOf("slotLagSeconds");
        assertThat(bytes).isNotNegative();
        assertThat(seconds).isEqualTo(bytes + 1);
        assertThat(lines).hasSizeGreaterThan(3);
        long maxBytes = -1;
        double maxSeconds = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).as(line).hasSize(header.size());
            // The database runs all along: every second has both numbers.
            long b = Long.parseLong(cells[bytes]);
            double s = Double.parseDouble(cells[seconds]);
            assertThat(b).as(line).isNotNegative();
            assertThat(s).as(line).isNotNegative().isLessThan(5);
            maxBytes = Math.max(maxBytes, b);
            maxSeconds = Math.max(maxSeconds, s);
        }
        JsonNode capture = o.summary().get("capture");
        assertThat(capture).as("summary.json capture").isNotNull();
        assertThat(capture.get("slotLagBytesMax").asLong()).isGreaterThanOrEqualTo(maxBytes);
        assertThat(capture.get("slotLagSecondsMax").asDouble()).isGreaterThanOrEqualTo(maxSeconds - 0.001);
        assertThat(capture.get("reconnects").asLong()).isZero();
        assertThat(capture.has("failure")).isFalse();
        assertThat(o.stdout()).contains("capture      slot lag max");
        System.out.printf("cdc %s: slot lag max %d bytes, %.3f s over %d seconds%n", cdc, maxBytes, maxSeconds,
                lines.size() - 1);
    }
}
