package dev.realtimeharness.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One HdrHistogram {@link Recorder} per {@link Metric}, values in microseconds from 1 µs to 1 h with three
 * significant digits. Any thread records; one ticker calls {@link #snapshot()} each second, which also
 * folds the interval into a cumulative histogram per metric for summary.json. All histograms are
 * fixed-size (we don't use auto-resize histograms), so memory stays flat however long the run.
 */
public final class LatencyRecorders {

    public static final long LOWEST_MICROS = 1;
    public static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    public static final int SIGNIFICANT_DIGITS = 3;

    /** One second's interval histograms (microseconds), each tagged with its metric's tag. */
    public record Interval(Map<Metric, Histogram> histograms) {
        public Interval {
            histograms = Collections.unmodifiableMap(new EnumMap<>(histograms));
        }

        public Histogram histogram(Metric metric) {
            return histograms.get(metric);
        }
    }

    private final Map<Metric, Recorder> recorders = new EnumMap<>(Metric.class);
    private final Map<Metric, Histogram> cumulative = new EnumMap<>(Metric.class);

    public LatencyRecorders() {
        for (Metric metric : Metric.values()) {
            recorders.put(metric, new Recorder(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS));
            cumulative.put(metric, newHistogram());
        }
    }

    public static Histogram newHistogram() {
        return new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Records a duration given in nanoseconds as microseconds, clamped to [1 µs, 1 h]. */
    public void recordNanos(Metric metric, long nanos) {
        recorders.get(metric).recordValue(clampMicros(nanos / 1_000));
    }

    /** Nanoseconds → microseconds, clamped so a clock oddity never throws on an event loop. */
    public static long nanosToClampedMicros(long nanos) {
        return clampMicros(nanos / 1_000);
    }

    private static long clampMicros(long micros) {
        return Math.max(LOWEST_MICROS, Math.min(HIGHEST_MICROS, micros));
    }

    /** Takes each metric's interval since the previous call and adds it to the cumulative histograms. */
    public synchronized Interval snapshot() {
        Map<Metric, Histogram> interval = new EnumMap<>(Metric.class);
        for (Map.Entry<Metric, Recorder> entry : recorders.entrySet()) {
            // No recycling: the caller may keep the interval (timeline, report) beyond the next second.
            Histogram histogram = entry.getValue().getIntervalHistogram();
            histogram.setTag(entry.getKey().tag());
            cumulative.get(entry.getKey()).add(histogram);
            interval.put(entry.getKey(), histogram);
        }
        return new Interval(interval);
    }

    /**
     * A copy of everything snapshotted so far for {@code metric} (microseconds). Values recorded since the
     * last {@link #snapshot()} are not included: take a final snapshot before building the summary.
     */
    public synchronized Histogram cumulative(Metric metric) {
        Histogram copy = cumulative.get(metric).copy();
        copy.setTag(metric.tag());
        return copy;
    }
}
