package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.cli.Main;
import dev.realtimeharness.gate.Check;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegateTest {

    @Test
    void recordedLimitsAreTheRunsOwnGateInFileOrder() throws Exception {
        assertThat(Regate.recordedLimits(RunFixtures.dir(RunFixtures.PASSED))).containsExactly(
                Map.entry("latency.p99", 200.0), Map.entry("messages.lost", 0.0),
                Map.entry("connections.successRatio", 0.99));
    }

    @Test
    void regateWithTheRunsOwnLimitsReproducesTheRecordedVerdicts() throws Exception {
        for (String name : new String[] {RunFixtures.PASSED, RunFixtures.DELAYED}) {
            Path dir = RunFixtures.dir(name);
            Regate.Result r = Regate.evaluate(dir, Map.of());
            assertThat(r.verdict()).as(name).isEqualTo(SummaryReader.read(dir.resolve("summary.json")).gate());
            assertThat(r.summary().gate()).isEqualTo(r.verdict());
        }
    }

    @Test
    void regateFailsWhenP99LimitIsBelowTheRecordedP99() throws Exception {
        Regate.Result r = Regate.evaluate(RunFixtures.dir(RunFixtures.PASSED), Map.of("latency.p99", 75.0));
        assertThat(r.verdict().passed()).isFalse();
        assertThat(r.verdict().failures()).containsExactly(new Check("latency.p99", 75.0, 75.135, false));
        // the other recorded limits still apply and pass
        assertThat(r.verdict().checks()).hasSize(3);
        assertThat(r.limits()).containsEntry("messages.lost", 0.0);
    }

    @Test
    void regatePassesWhenP99LimitEqualsTheRecordedP99() throws Exception {
        Regate.Result r = Regate.evaluate(RunFixtures.dir(RunFixtures.PASSED), Map.of("latency.p99", 75.135));
        assertThat(r.verdict().passed()).isTrue();
    }

    @Test
    void delayedRunPassesOnceItsP99LimitIsRaisedAboveTheRecordedP99() throws Exception {
        Regate.Result r = Regate.evaluate(RunFixtures.dir(RunFixtures.DELAYED), Map.of("latency.p99", 400.0));
        assertThat(r.verdict().passed()).isTrue();
        assertThat(r.verdict().checks().get(0)).isEqualTo(new Check("latency.p99", 400.0, 382.463, true));
    }

    @Test
    void overrideAddsALimitTheRunWasNotGatedWith() throws Exception {
        Regate.Result r = Regate.evaluate(RunFixtures.dir(RunFixtures.DELAYED),
                Map.of("latency.p99", 400.0, "latency.min", 300.0));
        assertThat(r.verdict().failures()).containsExactly(new Check("latency.min", 300.0, 303.36, false));
    }

    @Test
    void latencyIsRecomputedFromTheHlogNotTakenFromSummaryJson(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        ObjectNode summary = (ObjectNode) Json.mapper().readTree(run.resolve("summary.json").toFile());
        ((ObjectNode) summary.get("latency")).put("p99", 1.0);
        Json.mapper().writeValue(run.resolve("summary.json").toFile(), summary);
        assertThat(SummaryReader.read(run.resolve("summary.json")).latency().p99()).isEqualTo(1.0);

        assertThat(Regate.recompute(run).latency().p99()).isEqualTo(75.135);
        assertThat(Regate.evaluate(run, Map.of("latency.p99", 50.0)).verdict().passed()).isFalse();
    }

    @Test
    void withoutAnHlogTheSummarysLatencyIsUsed(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.DELAYED, tmp);
        Files.delete(run.resolve("latency.hlog"));
        assertThat(Regate.recompute(run).latency().p99()).isEqualTo(382.463);
    }

    @Test
    void withoutRunJsonThereAreNoRecordedLimits(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        Files.delete(run.resolve("run.json"));
        assertThat(Regate.recordedLimits(run)).isEmpty();
        assertThat(Regate.evaluate(run, Map.of()).verdict().checks()).isEmpty();
    }

    @Test
    void gateCommandExits0ForThePassedRunAnd1ForTheDelayedRunAndForATighterLimit() {
        String passed = RunFixtures.dir(RunFixtures.PASSED).toString();
        String delayed = RunFixtures.dir(RunFixtures.DELAYED).toString();
        int[] code = new int[1];
        String out = stdout(() -> code[0] = Main.execute("gate", passed));
        assertThat(code[0]).as(out).isEqualTo(ExitCodes.PASSED);
        assertThat(out).contains("gate PASSED").contains("PASS latency.p99");
        out = stdout(() -> code[0] = Main.execute("gate", delayed));
        assertThat(code[0]).as(out).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(out).contains("gate FAILED").contains("FAIL latency.p99");
        out = stdout(() -> code[0] = Main.execute("gate", passed, "--set", "gate.latency.p99=70ms"));
        assertThat(code[0]).as(out).isEqualTo(ExitCodes.GATE_FAILED);
    }

    static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
