package dev.realtimeharness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --ready-dir}'s misuses, through the CLI: refused with exit 2, saying why, before anything starts. */
class ReadyDirCliTest {
    private static final Path SMOKE = Path.of(System.getProperty("scenarios.dir", "../scenarios"))
            .resolve("smoke.yaml");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int execute(String... args) {
        return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "without --shard|--run-id r1 --ready-dir READY|--ready-dir needs --shard K/N",
        "without --run-id|--shard 0/2 --ready-dir READY|--ready-dir needs --run-id ID",
        "with --start-at|--shard 0/2 --run-id r1 --start-at 14:00:00 --ready-dir READY|both set the start",
        "a timeout without it|--shard 0/2 --run-id r1 --ready-timeout 1m|--ready-timeout needs --ready-dir",
        "a timeout that is no duration|--shard 0/2 --run-id r1 --ready-dir READY --ready-timeout soon|"
                + "--ready-timeout soon:",
    })
    void aMisuseIsRefused(String what, String flags, String message) {
        String[] more = flags.replace("READY", tmp.resolve("ready").toString()).split(" ");
        String[] args = new String[more.length + 4];
        args[0] = "run";
        args[1] = SMOKE.toString();
        args[2] = "--results-dir";
        args[3] = tmp.resolve("r").toString();
        System.arraycopy(more, 0, args, 4, more.length);
        assertThat(execute(args)).as(what).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).as(what).contains(message);
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void aReadyFileLeftByAnEarlierRunWithTheSameRunIdIsRefusedBeforeTheRunStarts() throws Exception {
        Files.createDirectories(tmp.resolve("ready/r1"));
        Files.writeString(tmp.resolve("ready/r1/ready-1-of-2"), "2026-12-02T14:00:00Z\n");
        int code = execute("run", SMOKE.toString(), "--results-dir", tmp.resolve("r").toString(), "--shard", "1/2",
                "--run-id", "r1", "--ready-dir", tmp.resolve("ready").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ready-1-of-2 exists already")
                .contains("new --run-id");
        assertThat(tmp.resolve("r")).doesNotExist();
    }
}
