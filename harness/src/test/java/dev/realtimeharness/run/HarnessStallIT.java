package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check that the verdict cannot be fooled by the harness itself: a run whose JVM is stopped for 3 s
 * (SIGSTOP, then SIGCONT) mid-run reports the stall in summary.json's {@code harness} and its verdict names the
 * harness. A test cannot stop its own JVM, so the run is the runnable jar in a child process (built by
 * {@code package}, before failsafe runs), stopped with {@code kill}. Linux and macOS only.
 */
class HarnessStallIT {
    private static final Path SCENARIOS = JarRun.SCENARIOS;

    @TempDir
    Path results;

    @Test
    void aRunStoppedForThreeSecondsFailsWithTheHarnessNamedAsSaturated() throws Exception {
        assumeThat(Path.of("/bin/kill").toFile().canExecute() || Path.of("/usr/bin/kill").toFile().canExecute())
                .as("kill(1) to stop and continue the run").isTrue();
        String stdout;
        int exit;
        try (JarRun run = JarRun.start(List.of("run", SCENARIOS.resolve("smoke.yaml").toString(), "--set",
                "gate.harness.saturated=false", "--set", "publish.messages=", "--set", "duration=12s",
                "--results-dir", results.toString(), "--run-id", "stalled"))) {
            assertThat(run.awaitLine("channels ready after", 90)).as(run.output()).isTrue();
            // Let publishing begin, then stop the whole JVM: every harness thread, the publisher included.
            Thread.sleep(2_000);
            JarRun.exec("kill", "-STOP", Long.toString(run.pid()));
            Thread.sleep(3_000);
            JarRun.exec("kill", "-CONT", Long.toString(run.pid()));
            exit = run.waitFor(90);
            stdout = run.output();
        }
        System.out.println(stdout);

        assertThat(exit).as(stdout).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(stdout).contains("FAIL harness.saturated: the harness itself was saturated (the JVM stalled")
                .contains("latency figures include its own delay");
        JsonNode summary = new ObjectMapper().readTree(results.resolve("stalled").resolve("summary.json").toFile());
        JsonNode harness = summary.get("harness");
        assertThat(harness.get("saturated").asBoolean()).isTrue();
        assertThat(harness.get("hiccupMax").asDouble()).isGreaterThan(2_500.0);
        assertThat(harness.get("saturatedBy").get(0).asText()).startsWith("the JVM stalled");
        // The publisher was stopped too: its lag behind the schedule shows the stall.
        assertThat(summary.get("publisher").get("lag").get("max").asDouble()).isGreaterThan(2_500.0);
    }
}
