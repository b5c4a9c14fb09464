package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessWatchdogTest {

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
}
