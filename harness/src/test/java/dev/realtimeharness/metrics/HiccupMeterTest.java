package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

// Stalls are fed to the recorder directly: no sleeping, so the machine's own noise cannot change the outcome.
class HiccupMeterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aStallIsRecordedWithTheWakeUpsItMissed() {
        HiccupMeter meter = new HiccupMeter();
        meter.recordHiccupNanos(1_000 * MS);

        Histogram h = meter.histogramMicros();
        // One 1 s stall stands for the ~1000 samples the meter would have taken: 1000, 999, ... 1 ms.
        assertThat(h.getTotalCount()).isEqualTo(1_000);
        assertThat(h.getMaxValue() / 1000.0).isCloseTo(1_000.0, within(1.0));
        assertThat(h.getValueAtPercentile(50.0) / 1000.0).isCloseTo(500.0, within(2.0));
    }

    @Test
    void tenOneSecondStallsInSixHundredSecondsDominateTheP99() {
        HiccupMeter meter = new HiccupMeter();
        // 600 s of quiet wake-ups (1 ms apart, 10 µs late) with ten 1 s stalls spread among them.
        for (int second = 0; second < 600; second++) {
            if (second % 60 == 30) {
                meter.recordHiccupNanos(1_000 * MS);
                continue;
            }
            for (int i = 0; i < 1_000; i++) {
                meter.recordHiccupNanos(10_000);
            }
        }

        // Uncorrected, the ten stalls are 10 samples in 590,010 and the p99 is 0.01 ms.
        assertThat(meter.p99Millis()).isGreaterThan(ProcessWatchdog.HICCUP_P99_LIMIT_MILLIS);
        assertThat(meter.maxMillis()).isCloseTo(1_000.0, within(1.0));
    }

    @Test
    void quietWakeUpsKeepTheP99Small() {
        HiccupMeter meter = new HiccupMeter();
        for (int i = 0; i < 10_000; i++) {
            meter.recordHiccupNanos(50_000);
        }
        meter.recordHiccupNanos(-5_000);

        assertThat(meter.histogramMicros().getTotalCount()).isEqualTo(10_001);
        assertThat(meter.p99Millis()).isCloseTo(0.05, within(0.001));
    }
}
