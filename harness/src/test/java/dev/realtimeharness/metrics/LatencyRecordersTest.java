package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyRecordersTest {

    @Test
    void metricTagsAreTheContractNames() {
        assertThat(Metric.values()).extracting(Metric::tag).containsExactly(
                "pub-to-recv", "pub-to-recv-raw", "connect", "join", "ready", "heartbeat-rtt", "commit-to-recv",
                "publish-lag", "warmup");
    }

    @Test
    void recordsNanosAsMicros() {
        LatencyRecorders recorders = new LatencyRecorders();
        recorders.recordNanos(Metric.PUB_TO_RECV, 5_000_000); // 5 ms

        Histogram interval = recorders.snapshot().histogram(Metric.PUB_TO_RECV);

        assertThat(interval.getTotalCount()).isEqualTo(1);
        assertThat(interval.valuesAreEquivalent(interval.getMaxValue(), 5_000)).isTrue();
        assertThat(interval.getTag()).isEqualTo("pub-to-recv");
    }

    @Test
    void clampsToOneMicrosecondAndOneHour() {
        LatencyRecorders recorders = new LatencyRecorders();
        recorders.recordNanos(Metric.JOIN, -42);
        recorders.recordNanos(Metric.JOIN, 10);
        recorders.recordNanos(Metric.JOIN, 5L * 3_600_000_000_000L);

        Histogram interval = recorders.snapshot().histogram(Metric.JOIN);

        assertThat(interval.getTotalCount()).isEqualTo(3);
        assertThat(interval.getMinValue()).isEqualTo(1);
        assertThat(interval.valuesAreEquivalent(interval.getMaxValue(), 3_600_000_000L)).isTrue();
    }

    @Test
    void snapshotReturnsIntervalsAndAccumulatesCumulative() {
        LatencyRecorders recorders = new LatencyRecorders();
        recorders.recordNanos(Metric.CONNECT, 1_000_000);
        LatencyRecorders.Interval first = recorders.snapshot();
        recorders.recordNanos(Metric.CONNECT, 2_000_000);
        recorders.recordNanos(Metric.CONNECT, 3_000_000);
        LatencyRecorders.Interval second = recorders.snapshot();

        assertThat(first.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(1);
        assertThat(second.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(2);
        assertThat(recorders.cumulative(Metric.CONNECT).getTotalCount()).isEqualTo(3);
        assertThat(recorders.cumulative(Metric.JOIN).getTotalCount()).isZero();
        assertThat(second.histograms()).hasSize(Metric.values().length);
    }
}
