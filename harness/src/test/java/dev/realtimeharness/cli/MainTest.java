package dev.realtimeharness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** The CLI with this test's own streams, as {@code harness ARGS} would run. */
    private int execute(String... args) {
        return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownScenarioKeyExits2NamingFileLineAndKey() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "name: bad\ndrivers: 2\npublish:\n  via: postgres\n  rate: 10/s\n  rat: 5/s\n");
        int code = execute("run", f.toString(), "--results-dir", tmp.resolve("r").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertThat(msg).contains("bad.yaml:6").contains("publish.rat");
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void targetWithAnInvalidScenarioExits2NamingFileLineAndFieldBeforeStartingAnything() throws Exception {
        Path f = tmp.resolve("bad-target.yaml");
        Files.writeString(f, "name: bad\ndrivers: 2\npublish: {via: broadcast, rate: 10/s}\n"
                + "targetLimits:\n  maxUsers: 5\n");
        assertThat(execute("target", f.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad-target.yaml:5").contains("targetLimits.maxUsers");
    }

    @Test
    void targetWithSetButNoScenarioExits2() {
        assertThat(execute("target", "--set", "drivers=3")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--set needs a SCENARIO");
    }

    @Test
    void validateAcceptsTheShippedT030Scenario() {
        Path t030 = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve("t030-latency.yaml");
        assertThat(execute("validate", t030.toString())).isEqualTo(ExitCodes.PASSED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid").contains("10 drivers x 50 channels");
    }

    @Test
    void validateRefusesADispatcherPoolThatNoTargetOfTheFileCanTakeAndWarnsWhenOneCan() throws Exception {
        // 30 drivers x 10 topics = 300 topics; 2 sockets hold 200 at the default 100 channels a socket.
        String pool = "name: pool\ndrivers: 30\nchannelsPerDriver: 10\n"
                + "channel: {topic: \"orders:{driver}:{channel}\"}\n"
                + "publish:\n  via: broadcast\n  rate: 10/s\n  connections: 2\n";
        Path f = Files.writeString(tmp.resolve("pool.yaml"), pool);
        assertThat(execute("validate", f.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("pool.yaml:8: field 'publish.connections': 2"
                + " dispatcher sockets of at most 100 channels each").contains("give at least 3");

        // The embedded stand-in allows 200 a socket: a run against it would take 2, one against a remote would not.
        err.reset();
        Path g = Files.writeString(tmp.resolve("pool-embedded.yaml"), pool + "target:\n  embedded:\n"
                + "    limits: {maxConcurrentUsers: 1000, maxEventsPerSecond: 100000, maxJoinsPerSecond: 1000,"
                + " maxChannelsPerClient: 200}\n");
        assertThat(execute("validate", g.toString())).isEqualTo(ExitCodes.PASSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("harness: warning: ")
                .contains("pool-embedded.yaml:8: field 'publish.connections'")
                .contains("(maxChannelsPerClient of targetLimits)").contains("(a run against a remote target is refused)");
    }

    @Test
    void nonLoopbackTargetNotAllowedExits2BeforeAnyConnectionNamingBothWaysToAllowIt() {
        Path smoke = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve("smoke.yaml");
        int code = execute("run", smoke.toString(), "--target",
                "wss://realtime.example.com/realtime/v1/websocket", "--apikey", "x",
                "--results-dir", tmp.resolve("r").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertThat(msg).contains("realtime.example.com").contains("--allow-host realtime.example.com")
                .contains("allowedHosts");
        // Refused before anything started: no run directory, nothing on stdout.
        assertThat(tmp.resolve("r")).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void remoteTargetWithoutApikeyExits2() {
        Path smoke = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve("smoke.yaml");
        int code = execute("run", smoke.toString(), "--target", "ws://127.0.0.1:9/realtime/v1/websocket",
                "--apikey", "", "--results-dir", tmp.resolve("r").toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--apikey");
    }

    @Test
    void runHelpListsTheRemoteFlags() {
        execute("run", "--help");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--apikey").contains("--db-url")
                .contains("--jwt-secret").contains("--tokens").contains("--allow-host").contains("--ca-cert")
                .contains("--insecure").contains("SUPABASE_ANON_KEY");
    }

    @Test
    void unknownFlagExits2() {
        assertThat(execute("run", "x.yaml", "--no-such-flag")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag");
    }

    @Test
    void unknownCommandExits2() {
        assertThat(execute("frobnicate")).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void remoteTargetIsRefusedWithExit2InThisVersion() {
        Path smoke = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve("smoke.yaml");
        assertThat(execute("run", smoke.toString(), "--target", "wss://example.invalid/realtime/v1/websocket",
                "--results-dir", tmp.toString())).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void scenarioThatTripsTheTargetsLimitsIsRefusedWithExit2BeforeAnythingStarts() {
        Path t030 = Path.of(System.getProperty("scenarios.dir", "../scenarios")).resolve("t030-latency.yaml");
        Path results = tmp.resolve("r");
        int code = execute("run", t030.toString(), "--set", "target.embedded.limits.maxEventsPerSecond=100",
                "--results-dir", results.toString());
        assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pre-flight").contains("events/s")
                .contains("TRIPS");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--accept-limits");
        assertThat(results).doesNotExist();
    }
}
