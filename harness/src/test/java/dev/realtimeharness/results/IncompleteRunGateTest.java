package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.cli.Main;
import dev.realtimeharness.gate.Check;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness gate} on a run that did not finish. The unfinished runs are copies of the committed smoke-passed
 * fixture (200 expected deliveries, all delivered, gate messages.lost 0) edited the way a SIGKILL leaves the files:
 * run.json still as written at the start (endedAt null), summary.json as the ticker last wrote it (no gate, and
 * some deliveries neither delivered nor lost yet).
 */
class IncompleteRunGateTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int gate(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "gate";
        System.arraycopy(args, 0, full, 1, args.length);
        return Main.execute(full, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The passed fixture as a SIGKILL leaves it: no end time in run.json, no gate, {@code delivered} of 200 in. */
    private Path killedRun(long delivered) throws IOException {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        ObjectNode info = (ObjectNode) Json.mapper().readTree(run.resolve("run.json").toFile());
        info.putNull("endedAt");
        Json.mapper().writeValue(run.resolve("run.json").toFile(), info);
        ObjectNode summary = (ObjectNode) Json.mapper().readTree(run.resolve("summary.json").toFile());
        summary.putNull("gate");
        ((ObjectNode) summary.get("messages")).put("delivered", delivered);
        Json.mapper().writeValue(run.resolve("summary.json").toFile(), summary);
        return run;
    }

    private static void edit(Path file, String field) throws IOException {
        ObjectNode node = (ObjectNode) Json.mapper().readTree(file.toFile());
        node.putNull(field);
        Json.mapper().writeValue(file.toFile(), node);
    }

    @Test
    void finishedFixturesAreNotUnfinished() throws Exception {
        assertThat(Regate.unfinished(RunFixtures.dir(RunFixtures.PASSED))).isEmpty();
        assertThat(Regate.unfinished(RunFixtures.dir(RunFixtures.DELAYED))).isEmpty();
    }

    @Test
    void gateRefusesARunWithoutEndTime() throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        edit(run.resolve("run.json"), "endedAt");
        assertThat(gate(run.toString())).as(err()).isEqualTo(ExitCodes.NOT_RUN);
        assertThat(err()).contains(run + ": incomplete run: no end time (run.json endedAt is null)")
                .doesNotContain("no verdict").contains("--allow-incomplete");
        assertThat(out()).doesNotContain("gate PASSED");
    }

    @Test
    void gateRefusesARunWithoutVerdict() throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        edit(run.resolve("summary.json"), "gate");
        assertThat(gate(run.toString())).as(err()).isEqualTo(ExitCodes.NOT_RUN);
        assertThat(err()).contains("incomplete run: no verdict (summary.json gate is null)")
                .doesNotContain("no end time");
    }

    @Test
    void withoutRunJsonTheEndTimeComesFromSummaryJson() throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        Files.delete(run.resolve("run.json"));
        assertThat(Regate.unfinished(run)).isEmpty();
        edit(run.resolve("summary.json"), "endedAt");
        assertThat(Regate.unfinished(run))
                .containsExactly("no end time (summary.json endedAt is null, and there is no run.json)");
    }

    @Test
    void gateRefusesAKilledRunNamingEverythingMissingEvenWhenItsCountsWouldPass() throws Exception {
        // Nothing pending and nothing lost: the recorded limits would pass, and still there is no verdict to trust.
        Path run = killedRun(200);
        assertThat(Regate.evaluate(run, Map.of()).verdict().passed()).isTrue();
        assertThat(gate(run.toString())).as(err()).isEqualTo(ExitCodes.NOT_RUN);
        assertThat(err()).contains("incomplete run: no end time (run.json endedAt is null), no verdict"
                + " (summary.json gate is null)");
    }

    @Test
    void allowIncompleteCountsPendingDeliveriesAsLost() throws Exception {
        Path run = killedRun(190);
        Regate.Result r = Regate.evaluateIncomplete(run, Map.of());
        assertThat(r.pendingCountedAsLost()).isEqualTo(10);
        assertThat(r.summary().messages().lost()).isEqualTo(10);
        assertThat(r.summary().messages().delivered()).isEqualTo(190);
        assertThat(r.verdict().failures()).containsExactly(new Check("messages.lost", 0.0, 10.0, false));
        // The rest is regated as usual: latency still from the hlog.
        assertThat(r.summary().latency().p99()).isEqualTo(75.135);
    }

    @Test
    void allowIncompleteRegatesAndSaysHowManyPendingDeliveriesItCountedAsLost() throws Exception {
        Path run = killedRun(190);
        assertThat(gate(run.toString(), "--allow-incomplete")).as(out() + err()).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(out()).contains("incomplete run (no end time (run.json endedAt is null), no verdict")
                .contains("--allow-incomplete: 10 deliveries still pending counted as lost (messages.lost 10)")
                .contains("gate FAILED").contains("FAIL messages.lost");
    }

    @Test
    void allowIncompletePassesAKilledRunWithNothingPendingAgainstItsOwnGate() throws Exception {
        Path run = killedRun(200);
        assertThat(gate(run.toString(), "--allow-incomplete")).as(out() + err()).isEqualTo(ExitCodes.PASSED);
        assertThat(out()).contains("0 deliveries still pending counted as lost").contains("gate PASSED");
    }

    @Test
    void allowIncompleteOnAFinishedRunGatesItAsUsual() {
        String passed = RunFixtures.dir(RunFixtures.PASSED).toString();
        assertThat(gate(passed, "--allow-incomplete")).as(out() + err()).isEqualTo(ExitCodes.PASSED);
        assertThat(out()).contains("gate PASSED").doesNotContain("incomplete");
    }
}
