package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"300ms, PT0.3S", "1.5s, PT1.5S", "8h, PT8H", "5m, PT5M", "0, PT0S", "0ms, PT0S",
            "1h30m, PT1H30M", "0.5ms, PT0.0005S", "90s, PT1M30S"})
    void parsesEveryUnit(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"300ms", "1.5s", "8h", "90m", "30s", "0.5ms", "1h30m", "0", "25s", "1500ms"})
    void formatRoundTrips(String text) {
        Duration d = Durations.parse(text);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @CsvSource({"PT8H, 8h", "PT1H30M, 90m", "PT1.5S, 1500ms", "PT0S, 0ms", "PT0.0005S, 0.5ms", "PT30S, 30s"})
    void formatsInTheLargestWholeUnit(Duration d, String expected) {
        assertThat(Durations.format(d)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "-1s", "1.s", "s", "10 seconds", "1d", "1h 30m", "3us", "ms5"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessageContaining("use ms, s, m or h");
    }

    @ParameterizedTest
    @CsvSource({"200ms, 200.0", "1.5s, 1500.0", "0.25ms, 0.25"})
    void convertsToMillis(String text, double millis) {
        assertThat(Durations.toMillis(Durations.parse(text))).isEqualTo(millis);
    }
}
