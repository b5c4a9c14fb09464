package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateTest {

    @ParameterizedTest
    @CsvSource({"50/s, 50.0", "300/m, 5.0", "2.5/s, 2.5", "1/m, 0.016666666666666666", "20 / s, 20.0"})
    void parsesPerSecondAndPerMinute(String text, double perSecond) {
        assertThat(Rate.parse(text).perSecond()).isEqualTo(perSecond);
    }

    @ParameterizedTest
    @ValueSource(strings = {"50/s", "300/m", "2.5/s", "1/m", "7/m", "0.1/s", "100000/s"})
    void formatRoundTrips(String text) {
        Rate r = Rate.parse(text);
        assertThat(Rate.parse(r.format())).isEqualTo(r);
    }

    @Test
    void formatsPerMinuteOnlyWhenPerSecondWouldBeInexact() {
        assertThat(Rate.parse("300/m").format()).isEqualTo("5/s");
        assertThat(Rate.parse("7/m").format()).isEqualTo("7/m");
        assertThat(Rate.parse("2.5/s").format()).isEqualTo("2.5/s");
    }

    @Test
    void intervalIsTheInverseOfTheRate() {
        assertThat(Rate.parse("50/s").intervalNanos()).isEqualTo(20_000_000L);
        assertThat(Rate.parse("300/m").intervalNanos()).isEqualTo(200_000_000L);
        assertThat(Rate.parse("3/s").intervalNanos()).isEqualTo(333_333_333L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "50", "50/h", "0/s", "-1/s", "fast", "50/sec", "/s"})
    void rejectsWhatIsNotAPositiveRate(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Rate.parse(text));
    }

    @Test
    void constructorRejectsNonPositiveRates() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Rate(0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Rate(Double.NaN));
    }
}
