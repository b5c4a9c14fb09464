package dev.realtimeharness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production guard on database URLs, through the CLI: refused with exit 2 before anything connects. */
class DatabaseGuardCliTest {
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

    @Test
    void dbUrlWhoseHostParameterLeavesLoopbackExits2NamingTheFieldAndTheHost() {
        // Port 1 on loopback: nothing listens there, and the guard must refuse before trying.
        int code = execute("run", SMOKE.toString(), "--target", "ws://127.0.0.1:1/realtime/v1/websocket",
                "--apikey", "x", "--db-url", "postgresql://u:secretpw@127.0.0.1:5432/db?host=example.invalid",
                "--results-dir", tmp.resolve("r").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--db-url (query parameter host=): host example.invalid is not loopback")
                .contains("--allow-host example.invalid").doesNotContain("secretpw");
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void historyDbWhoseHostParameterLeavesLoopbackExits2NamingTheFieldAndTheHost() {
        int code = execute("run", SMOKE.toString(), "--history-db",
                "postgresql://u:secretpw@127.0.0.1:5432/db?host=example.invalid",
                "--results-dir", tmp.resolve("r").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--history-db (query parameter host=): host example.invalid is not loopback")
                .doesNotContain("secretpw");
        // Refused before the embedded target started: no run directory.
        assertThat(tmp.resolve("r")).doesNotExist();
    }
}
