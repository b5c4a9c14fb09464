package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryDbGuardTest {
    @TempDir
    Path results;

    @Test
    void nonLoopbackHistoryHostIsRefusedBeforeAnythingStartsAndThePasswordIsNotPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"), List.of(), null, results,
                "guarded", null, null, false)
                .withLive(null, null, "postgresql://perf:s3cret-pw@history.example.com:5432/perf", null);
        int exit = ExitCodes.of(new Run(options, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute());
        assertThat(exit).isEqualTo(ExitCodes.BAD_INPUT);
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("--history-db: host history.example.com is not loopback")
                .contains("--allow-host history.example.com").doesNotContain("s3cret-pw");
        assertThat(results.resolve("guarded")).doesNotExist();
    }

    @Test
    void malformedHistoryUrlIsBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"), List.of(), null, results,
                "bad", null, null, false).withLive(null, null, "mysql://x@y/z", null);
        int exit = ExitCodes.of(new Run(options, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)).execute());
        assertThat(exit).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--history-db");
    }
}
