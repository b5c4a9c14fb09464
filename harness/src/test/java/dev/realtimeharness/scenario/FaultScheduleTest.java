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

/** {@code target.embedded.faults}: the schedule of issue 11 as written there, and every way an entry can be wrong. */
class FaultScheduleTest {
    // Lines 1-7; the target section starts on line 8 and its first fault is on line 11.
    static final String BASE = "name: faults\n"
            + "duration: 20m\n"
            + "channel:\n"
            + "  postgresChanges:\n"
            + "    - {event: INSERT, schema: public, table: orders}\n"
            + "publish:\n"
            + "  rate: 10/s\n"
            + "target:\n"
            + "  embedded:\n"
            + "    faults:\n";

    @TempDir
    Path dir;

    Scenario load(String faults, String... sets) throws Exception {
        return ScenarioLoader.load(write(faults), List.of(sets));
    }

    Path write(String faults) throws IOException {
        return Files.writeString(dir.resolve("faults.yaml"), BASE + faults);
    }

    ScenarioException error(String faults) throws IOException {
        Path file = write(faults);
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(file, List.of()));
        assertThat(e).as("expected an invalid scenario").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        return e;
    }

    @Test
    void theIssuesScheduleLoadsAsWritten() throws Exception {
        Scenario s = load("      [{at: 2m, disconnect: 10%}, {at: 5m, stall: 3s}, {at: 8m, restartDatabase: true},"
                + " {every: 10m, disconnect: 5%}, {at: 12m, rejectJoins: 50%, for: 30s},"
                + " {at: 14m, delay: 250ms, for: 2s}, {at: 15m, drop: 1%, for: 1m},"
                + " {at: 16m, malformedFrames: 0.1%, for: 1m}]\n");

        List<FaultSpec> f = s.target().embedded().faults();
        assertThat(f).containsExactly(
                new FaultSpec(FaultSpec.Kind.DISCONNECT, Duration.ofMinutes(2), null, 0.1, null, null),
                new FaultSpec(FaultSpec.Kind.STALL, Duration.ofMinutes(5), null, 0, Duration.ofSeconds(3), null),
                new FaultSpec(FaultSpec.Kind.RESTART_DATABASE, Duration.ofMinutes(8), null, 0, null, null),
                new FaultSpec(FaultSpec.Kind.DISCONNECT, null, Duration.ofMinutes(10), 0.05, null, null),
                new FaultSpec(FaultSpec.Kind.REJECT_JOINS, Duration.ofMinutes(12), null, 0.5, null,
                        Duration.ofSeconds(30)),
                new FaultSpec(FaultSpec.Kind.DELAY, Duration.ofMinutes(14), null, 0, Duration.ofMillis(250),
                        Duration.ofSeconds(2)),
                new FaultSpec(FaultSpec.Kind.DROP, Duration.ofMinutes(15), null, 0.01, null, Duration.ofMinutes(1)),
                new FaultSpec(FaultSpec.Kind.MALFORMED_FRAMES, Duration.ofMinutes(16), null, 0.001, null,
                        Duration.ofMinutes(1)));
        assertThat(f.stream().map(FaultSpec::describe)).containsExactly("disconnect 10% of sockets",
                "stall deliveries for 3s", "restart PostgreSQL", "disconnect 5% of sockets",
                "reject 50% of joins for 30s", "delay deliveries by 250ms for 2s", "drop 1% of deliveries for 1m",
                "send 0.1% of deliveries as malformed frames for 1m");
        assertThat(f.get(7).value()).isEqualTo("0.1%");
        // The one-shot knobs are still there, untouched.
        assertThat(s.target().embedded().disconnectRatio()).isZero();
    }

    @Test
    void noScheduleIsAnEmptyListAndAnEmptySetRemovesOne() throws Exception {
        Scenario none = ScenarioLoader.load(Files.writeString(dir.resolve("none.yaml"),
                BASE.substring(0, BASE.indexOf("target:"))), List.of());
        assertThat(none.target().embedded().faults()).isEmpty();
        // The soak's switch: --set target.embedded.faults= turns its schedule off.
        assertThat(load("      - {at: 2m, disconnect: 10%}\n", "target.embedded.faults=").target().embedded()
                .faults()).isEmpty();
    }

    @Test
    void anEntryNeedsExactlyOneOfAtAndEvery() throws Exception {
        ScenarioException neither = error("      - {disconnect: 10%}\n");
        assertThat(neither.line()).isEqualTo(11);
        assertThat(neither.field()).isEqualTo("target.embedded.faults[0]");
        assertThat(neither.detail()).contains("needs at").contains("or every");

        ScenarioException both = error("      - {at: 1m, disconnect: 10%}\n      - {at: 2m, every: 5m, stall: 1s}\n");
        assertThat(both.line()).isEqualTo(12);
        assertThat(both.field()).isEqualTo("target.embedded.faults[1]");
        assertThat(both.detail()).contains("both at and every");
        assertThat(both.getMessage()).startsWith(dir.resolve("faults.yaml") + ":12: field 'target.embedded.faults[1]'");
    }

    @Test
    void anEntryNeedsExactlyOneFault() throws Exception {
        ScenarioException none = error("      - {at: 1m}\n");
        assertThat(none.field()).isEqualTo("target.embedded.faults[0]");
        assertThat(none.detail()).contains("needs a fault, one of disconnect, stall, restartDatabase, rejectJoins");

        ScenarioException two = error("      - {at: 1m, disconnect: 10%, stall: 3s}\n");
        assertThat(two.field()).isEqualTo("target.embedded.faults[0].stall");
        assertThat(two.detail()).contains("one fault per entry").contains("disconnect");

        ScenarioException unknown = error("      - {at: 1m, kill: 10%}\n");
        assertThat(unknown.field()).isEqualTo("target.embedded.faults[0].kill");
        assertThat(unknown.detail()).contains("unknown key").contains("malformedFrames");
    }

    @Test
    void forOnlyWithTheKindsThatLastAWindowAndAlwaysWithThem() throws Exception {
        ScenarioException missing = error("      - {at: 1m, drop: 1%}\n");
        assertThat(missing.field()).isEqualTo("target.embedded.faults[0]");
        assertThat(missing.detail()).contains("drop lasts a window: add for");

        ScenarioException stall = error("      - {at: 1m, stall: 3s, for: 10s}\n");
        assertThat(stall.field()).isEqualTo("target.embedded.faults[0].for");
        assertThat(stall.detail()).contains("stall gives its length as its value");

        ScenarioException disconnect = error("      - {at: 1m, disconnect: 10%, for: 10s}\n");
        assertThat(disconnect.field()).isEqualTo("target.embedded.faults[0].for");

        ScenarioException zero = error("      - {at: 1m, delay: 100ms, for: 0s}\n");
        assertThat(zero.field()).isEqualTo("target.embedded.faults[0].for");

        ScenarioException overlapping = error("      - {every: 1m, drop: 5%, for: 1m}\n");
        assertThat(overlapping.field()).isEqualTo("target.embedded.faults[0].for");
        assertThat(overlapping.detail()).contains("shorter than every");
    }

    @Test
    void percentagesAreWrittenWithTheirSignAndStayWithinZeroToAHundred() throws Exception {
        assertThat(load("      - {at: 1m, drop: 100%, for: 1s}\n      - {at: 1m, disconnect: 0%}\n")
                .target().embedded().faults()).extracting(FaultSpec::ratio).containsExactly(1.0, 0.0);

        ScenarioException over = error("      - {at: 1m, disconnect: 150%}\n");
        assertThat(over.field()).isEqualTo("target.embedded.faults[0].disconnect");
        assertThat(over.detail()).contains("between 0% and 100%").contains("150%");

        ScenarioException bare = error("      - {at: 1m, disconnect: 0.1}\n");
        assertThat(bare.field()).isEqualTo("target.embedded.faults[0].disconnect");
        assertThat(bare.detail()).contains("must be a percentage");

        ScenarioException negative = error("      - {at: 1m, rejectJoins: -5%, for: 1s}\n");
        assertThat(negative.field()).isEqualTo("target.embedded.faults[0].rejectJoins");
    }

    @Test
    void durationsAndRestartValuesAreChecked() throws Exception {
        ScenarioException stall = error("      - {at: 1m, stall: 3}\n");
        assertThat(stall.field()).isEqualTo("target.embedded.faults[0].stall");
        assertThat(stall.detail()).contains("not a duration");

        ScenarioException at = error("      - {at: soon, stall: 3s}\n");
        assertThat(at.field()).isEqualTo("target.embedded.faults[0].at");

        ScenarioException every = error("      - {every: 0s, stall: 3s}\n");
        assertThat(every.field()).isEqualTo("target.embedded.faults[0].every");

        ScenarioException restart = error("      - {at: 1m, restartDatabase: false}\n");
        assertThat(restart.field()).isEqualTo("target.embedded.faults[0].restartDatabase");
        assertThat(restart.detail()).contains("must be true");

        ScenarioException notAList = error("      {at: 1m, stall: 3s}\n");
        assertThat(notAList.field()).isEqualTo("target.embedded.faults");
        assertThat(notAList.detail()).contains("must be a list of faults");
    }

    @Test
    void aFaultOutsideTheRunsDurationIsRefused() throws Exception {
        // duration: 20m. A fault at or after the end could never fire.
        ScenarioException at = error("      - {at: 2m, stall: 1s}\n      - {at: 20m, disconnect: 10%}\n");
        assertThat(at.line()).isEqualTo(12);
        assertThat(at.field()).isEqualTo("target.embedded.faults[1].at");
        assertThat(at.detail()).contains("would never fire").contains("20m").contains("duration");

        ScenarioException every = error("      - {every: 30m, disconnect: 10%}\n");
        assertThat(every.field()).isEqualTo("target.embedded.faults[0].every");

        assertThat(load("      - {at: 0s, stall: 1s}\n      - {at: 19m59s, disconnect: 10%}\n").target().embedded()
                .faults()).hasSize(2);
    }
}
