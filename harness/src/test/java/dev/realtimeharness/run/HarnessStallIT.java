package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check that the verdict cannot be fooled by the harness itself: a run whose JVM is stopped for 3 s
 * (SIGSTOP, then SIGCONT) mid-run reports the stall in summary.json's {@code harness} and its verdict names the
 * harness. A test cannot stop its own JVM, so the run is the runnable jar in a child process (built by
 * {@code package}, before failsafe runs), stopped with {@code kill}. Linux and macOS only.
 */
class HarnessStallIT {
    private static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
    private static final Path JAR_DIR = Path.of(System.getProperty("harness.jar.dir", "target"));

    @TempDir
    Path results;

    @Test
    void aRunStoppedForThreeSecondsFailsWithTheHarnessNamedAsSaturated() throws Exception {
        assumeThat(Path.of("/bin/kill").toFile().canExecute() || Path.of("/usr/bin/kill").toFile().canExecute())
                .as("kill(1) to stop and continue the run").isTrue();
        Path jar = findJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process run = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString(), "run",
                SCENARIOS.resolve("smoke.yaml").toString(), "--set", "gate.harness.saturated=false",
                "--set", "publish.messages=", "--set", "duration=12s", "--results-dir", results.toString(),
                "--run-id", "stalled").redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    lines.add(l);
                    if (l.contains("channels ready after")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended; what was read is in lines.
            }
        }, "stall-it-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(ready.await(90, TimeUnit.SECONDS)).as(String.join("\n", lines)).isTrue();
            // Let publishing begin, then stop the whole JVM: every harness thread, the publisher included.
            Thread.sleep(2_000);
            signal("STOP", run.pid());
            Thread.sleep(3_000);
            signal("CONT", run.pid());
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", lines)).isTrue();
        } finally {
            run.destroyForcibly();
        }
        reader.join(5_000);
        String stdout = String.join("\n", lines);
        System.out.println(stdout);

        assertThat(run.exitValue()).as(stdout).isEqualTo(ExitCodes.GATE_FAILED);
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

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    private static Path findJar() throws IOException {
        try (Stream<Path> files = Files.list(JAR_DIR)) {
            return files.filter(p -> p.getFileName().toString().matches("harness-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable jar in " + JAR_DIR.toAbsolutePath()
                            + ": failsafe runs after package"));
        }
    }
}
