package dev.realtimeharness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * harness bench, small: one step of 20 drivers x 10 channels against `harness target` in a JVM of its own, then
 * bench.json and bench.html. The figures themselves depend on the machine; what is checked is that every side was
 * measured (CPU of the harness, of the stand-in's JVM and of its PostgreSQL, RSS), that the step's accounting is the
 * run's, and that the stand-in process is gone afterwards.
 */
class BenchCommandIT {

    @TempDir
    Path out;

    @Test
    void oneSmallStepMeasuresEverySideAndWritesItsFigures() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int exit = Main.execute(new String[] {"bench", "--max-drivers", "20", "--step-duration", "5s", "--warmup",
                "1s", "--out", out.toString()}, new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isEqualTo(ExitCodes.PASSED);

        JsonNode bench = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(bench.get("machine").get("cores").asInt()).isPositive();
        assertThat(bench.get("steps")).hasSize(1);
        JsonNode step = bench.get("steps").get(0);
        assertThat(step.get("drivers").asInt()).isEqualTo(20);
        // One probe per driver every 2 s, each owed to the driver's 10 channels.
        assertThat(step.get("probesPerSecond").asDouble()).isEqualTo(10.0);
        assertThat(step.get("deliveriesPerSecond").asDouble()).isEqualTo(100.0);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("steps").resolve(step.get("runId").asText())
                .resolve("summary.json").toFile());
        assertThat(step.get("delivered").asLong()).isEqualTo(summary.get("messages").get("delivered").asLong())
                .isPositive();
        assertThat(step.get("expectedDeliveries").asLong())
                .isEqualTo(summary.get("messages").get("expectedDeliveries").asLong());
        assertThat(step.get("windowDeliveries").asLong()).isPositive()
                .isLessThanOrEqualTo(step.get("delivered").asLong());
        for (String side : new String[] {"harness", "standIn", "postgres"}) {
            assertThat(step.get(side).get("cpuSeconds").asDouble()).as(side + " CPU in the window").isPositive();
            assertThat(step.get(side).get("cpuSecondsPerMillion").asDouble()).as(side).isPositive();
        }
        assertThat(step.get("harness").get("rssBytes").asLong()).isGreaterThan(16L << 20);
        assertThat(step.get("standIn").get("rssBytes").asLong()).isGreaterThan(16L << 20);
        assertThat(step.get("harness").get("rssKiBPerConnection").asDouble()).isPositive();
        assertThat(step.get("standIn").get("rssKiBPerChannel").asDouble()).isPositive();

        String html = Files.readString(out.resolve("bench.html"));
        assertThat(html).contains("CPU per million recorded deliveries").contains("<svg");
        assertThat(printed).contains("20 drivers").contains("bench.json");

        // The stand-in and its PostgreSQL were stopped with the bench.
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> String.join(" ", a))
                .orElse("").contains(out.resolve("target.yaml").toString()))).as("stand-in processes").isEmpty();
    }

    @Test
    void badLoadsAreRefusedWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(new String[] {"bench", "--channels", "0", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--channels");
        assertThat(Main.execute(new String[] {"bench", "--step-duration", "soon", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())))
                .isEqualTo(ExitCodes.BAD_INPUT);
    }
}
