package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessWatchdogTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void saturatedAfterThreeBusySamplesInARow() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        watchdog.observe(new ProcessWatchdog.Sample(0.95, 100, 1_000));
        watchdog.observe(new ProcessWatchdog.Sample(0.95, 300, 1_000));
        watchdog.observe(new ProcessWatchdog.Sample(0.50, 200, 1_000));
        watchdog.observe(new ProcessWatchdog.Sample(0.95, 200, 1_000));
        watchdog.observe(new ProcessWatchdog.Sample(0.99, 200, 1_000));
        assertThat(watchdog.saturated()).isFalse();

        watchdog.observe(new ProcessWatchdog.Sample(0.91, 200, 1_000));

        assertThat(watchdog.saturated()).isTrue();
        assertThat(watchdog.maxCpuRatio()).isEqualTo(0.99);
        assertThat(watchdog.maxHeapUsedBytes()).isEqualTo(300);
    }

    @Test
    void realSamplesReportHeap() throws Exception {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        watchdog.sample();
        Thread.sleep(20);
        ProcessWatchdog.Sample sample = watchdog.sample();

        assertThat(sample.heapUsedBytes()).isPositive();
        assertThat(watchdog.maxHeapUsedBytes()).isPositive();
        if (!Double.isNaN(sample.cpuRatio())) {
            assertThat(sample.cpuRatio()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void hiccupMeterRecordsWakeUps() throws Exception {
        HiccupMeter meter = new HiccupMeter();
        meter.start();
        Thread.sleep(100);
        meter.stop();

        assertThat(meter.histogramMicros().getTotalCount()).isPositive();
        assertThat(meter.p99Millis()).isGreaterThanOrEqualTo(0.0);
        assertThat(new ProcessWatchdog(meter).hiccupP99Millis()).isEqualTo(meter.p99Millis());
    }

    @Test
    void oneEventLoopAtAFullCoreForThreeSecondsSaturatesAndIsNamed() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        // fleet-3-1 uses 0.98 s of CPU each second, fleet-3-2 0.2 s: the process is far from the machine's total.
        for (int s = 0; s <= 4; s++) {
            watchdog.observeThreads(s * SECOND, List.of(
                    new ProcessWatchdog.ThreadTime(11, "fleet-3-1", s * 980_000_000L),
                    new ProcessWatchdog.ThreadTime(12, "fleet-3-2", s * 200_000_000L)));
            watchdog.observe(new ProcessWatchdog.Sample(0.3, 100, 1_000));
        }

        assertThat(watchdog.saturated()).isTrue();
        assertThat(watchdog.cpuSaturated()).isFalse();
        assertThat(watchdog.saturatedBy()).containsExactly("thread fleet-3-1 at 98 % of a core for 4 s");
        assertThat(watchdog.maxThreadCpuRatio()).isEqualTo(0.98);
        assertThat(watchdog.maxThreadName()).isEqualTo("fleet-3-1");
    }

    @Test
    void aThreadBusyForTwoSecondsAtATimeIsNotSaturated() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        long[] cpu = {0, SECOND, 2 * SECOND, 2 * SECOND + 100_000_000L, 3 * SECOND + 100_000_000L,
                4 * SECOND + 100_000_000L};
        for (int s = 0; s < cpu.length; s++) {
            watchdog.observeThreads(s * SECOND, List.of(new ProcessWatchdog.ThreadTime(7, "publish", cpu[s])));
        }

        assertThat(watchdog.saturated()).isFalse();
        assertThat(watchdog.saturatedBy()).isEmpty();
        assertThat(watchdog.maxThreadCpuRatio()).isEqualTo(1.0);
    }

    @Test
    void ticksThatCatchUpBackToBackDoNotCountAsABusyThread() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        watchdog.observeThreads(0, List.of(new ProcessWatchdog.ThreadTime(5, "ticker", 0)));
        // After a stall the ticker runs its missed ticks 1 ms apart, busy all along.
        for (int i = 1; i <= 5; i++) {
            watchdog.observeThreads(4 * SECOND + i * 1_000_000L,
                    List.of(new ProcessWatchdog.ThreadTime(5, "ticker", i * 1_000_000L)));
        }

        assertThat(watchdog.saturated()).isFalse();
        assertThat(watchdog.maxThreadCpuRatio()).isLessThan(0.01);
    }

    @Test
    void onlyTheHarnessHotThreadsAreWatched() {
        assertThat(ProcessWatchdog.isHot("fleet-2-1")).isTrue();
        assertThat(ProcessWatchdog.isHot("publish")).isTrue();
        assertThat(ProcessWatchdog.isHot("publisher-postgres")).isTrue();
        assertThat(ProcessWatchdog.isHot("ticker")).isTrue();
        assertThat(ProcessWatchdog.isHot("standin-4-1")).isFalse();
        assertThat(ProcessWatchdog.isHot("change-capture")).isFalse();
    }

    @Test
    void processCpuRuleSaysHowBusyAndForHowLong() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null);
        for (double ratio : new double[] {0.95, 0.95, 0.98}) {
            watchdog.observe(new ProcessWatchdog.Sample(ratio, 1, 1));
        }

        assertThat(watchdog.saturatedBy()).singleElement().asString()
                .startsWith("process CPU at 96 % of the machine's ").endsWith(" cores for 3 s");
    }

    @Test
    void aThreeSecondStallSaturatesThroughTheHiccupMeterAndSaysSo() {
        HiccupMeter meter = new HiccupMeter();
        // 20 s of 1 ms wake-ups, 20 µs late, with the JVM stopped for 3 s in the middle.
        for (int i = 0; i < 17_000; i++) {
            meter.recordHiccupNanos(i == 8_000 ? 3 * SECOND : 20_000);
        }
        ProcessWatchdog watchdog = new ProcessWatchdog(meter);

        assertThat(watchdog.saturated()).isTrue();
        assertThat(watchdog.hiccupMaxMillis()).isBetween(2_990.0, 3_010.0);
        assertThat(watchdog.saturatedBy()).singleElement().asString()
                .startsWith("the JVM stalled: hiccup p99 ").contains(" > 20 ms, max 3");
    }

    @Test
    void aThreeSecondStallInAnHourStillSaturatesByTheHiccupMax() {
        HiccupMeter meter = new HiccupMeter();
        for (int i = 0; i < 3_600_000; i++) {
            meter.recordHiccupNanos(i == 1_000 ? 3 * SECOND : 20_000);
        }
        ProcessWatchdog watchdog = new ProcessWatchdog(meter);

        assertThat(watchdog.hiccupP99Millis()).isLessThan(ProcessWatchdog.HICCUP_P99_LIMIT_MILLIS);
        assertThat(watchdog.saturatedBy()).singleElement().asString()
                .startsWith("the JVM stalled: hiccup max 3").endsWith(" >= 1000 ms");
    }
}
