package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gate.window, gate.maxFailedWindows and gate.abortOnFail: what loads, and what is refused with its line and field. */
class GatePolicyBinderTest {
    // Lines 1-6; the gate section starts on line 7.
    static final String MINIMAL = ScenarioLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    Scenario load(String yaml, String... sets) throws Exception {
        Path file = dir.resolve("x.yaml");
        Files.writeString(file, yaml);
        return ScenarioLoader.load(file, List.of(sets));
    }

    ScenarioException error(String yaml, String... sets) throws IOException {
        Path file = dir.resolve("x.yaml");
        Files.writeString(file, yaml);
        ScenarioException e = catchThrowableOfType(ScenarioException.class,
                () -> ScenarioLoader.load(file, List.of(sets)));
        assertThat(e).as("expected an invalid scenario").isNotNull();
        return e;
    }

    @Test
    void aGateWithoutPolicyIsJudgedOnceAndNeverStops() throws Exception {
        Scenario s = load(MINIMAL + "gate:\n  latency.p99: 200ms\n");
        assertThat(s.gatePolicy()).isEqualTo(GatePolicy.none());
        assertThat(s.gate()).containsOnlyKeys("latency.p99");
    }

    @Test
    void windowAndMaxFailedWindowsAreReadAndAreNotChecks() throws Exception {
        Scenario s = load(MINIMAL + "gate:\n  latency.p99: 200ms\n  messages.lost: 0\n  window: 1m\n"
                + "  maxFailedWindows: 2\n");
        assertThat(s.gatePolicy().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.gatePolicy().maxFailedWindows()).isEqualTo(2);
        assertThat(s.gatePolicy().abortOn()).isEmpty();
        assertThat(s.gate()).containsOnlyKeys("latency.p99", "messages.lost");
    }

    @Test
    void abortOnFailTrueStopsOnEveryCheckThatCanStopAndSetWorksAsText() throws Exception {
        Scenario yes = load(MINIMAL + "gate:\n  messages.lost: 0\n  abortOnFail: true\n");
        assertThat(yes.gatePolicy().abortsOn("messages.lost")).isTrue();
        Scenario set = load(MINIMAL + "gate:\n  messages.lost: 0\n", "gate.abortOnFail=true");
        assertThat(set.gatePolicy().abortsOn("messages.lost")).isTrue();
        Scenario no = load(MINIMAL + "gate:\n  messages.lost: 0\n  abortOnFail: false\n");
        assertThat(no.gatePolicy().abortOn()).isEmpty();
    }

    @Test
    void abortOnFailAsAListNamesOnlyThoseChecks() throws Exception {
        Scenario s = load(MINIMAL + "gate:\n  latency.p99: 200ms\n  messages.lost: 0\n  messages.duplicated: 0\n"
                + "  window: 30s\n  abortOnFail: [messages.lost, windows.failed]\n");
        assertThat(s.gatePolicy().abortOn()).containsExactlyInAnyOrder("messages.lost", "windows.failed");
        assertThat(s.gatePolicy().abortsOn("messages.duplicated")).isFalse();
    }

    @Test
    void aWindowThatIsNotWholeSecondsIsRefusedWithItsLine() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  latency.p99: 200ms\n  window: 1500ms\n");
        assertThat(e.line()).isEqualTo(9);
        assertThat(e.field()).isEqualTo("gate.window");
        assertThat(e.detail()).startsWith("must be whole seconds");
    }

    @Test
    void aWindowWithNothingToJudgePerWindowIsRefused() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  connections.successRatio: 0.99\n  window: 1m\n");
        assertThat(e.field()).isEqualTo("gate.window");
        assertThat(e.detail()).startsWith("no check to judge per window");
    }

    @Test
    void maxFailedWindowsNeedsAWindow() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  latency.p99: 200ms\n  maxFailedWindows: 1\n");
        assertThat(e.field()).isEqualTo("gate.maxFailedWindows");
        assertThat(e.detail()).contains("needs gate.window");
    }

    @Test
    void abortOnAWholeRunLatencyIsRefusedBecauseItCanStillComeBack() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  latency.p99: 200ms\n  abortOnFail: [latency.p99]\n");
        assertThat(e.line()).isEqualTo(9);
        assertThat(e.field()).isEqualTo("gate.abortOnFail");
        assertThat(e.detail()).contains("cannot stop a run early").contains("windows.failed");
    }

    @Test
    void abortOnHarnessSaturatedIsRefusedBecauseItsPercentileRulesCanComeBack() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  harness.saturated: false\n  abortOnFail: [harness.saturated]\n");
        assertThat(e.field()).isEqualTo("gate.abortOnFail");
        assertThat(e.detail()).contains("cannot stop a run early");
        // abortOnFail: true takes every check that can stop a run; the harness flag is judged at the end only.
        Scenario s = load(MINIMAL + "gate:\n  harness.saturated: false\n  messages.lost: 0\n  abortOnFail: true\n");
        assertThat(s.gatePolicy().abortsOn("messages.lost")).isTrue();
        assertThat(GateKeys.canStopEarly("harness.saturated")).isFalse();
    }

    @Test
    void abortOnACheckTheGateDoesNotHaveIsRefused() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  latency.p99: 200ms\n  abortOnFail: [messages.lost]\n");
        assertThat(e.detail()).contains("'messages.lost' is not a check of this gate");
        ScenarioException w = error(MINIMAL + "gate:\n  messages.lost: 0\n  abortOnFail: [windows.failed]\n");
        assertThat(w.detail()).contains("windows.failed needs gate.window");
    }
}
