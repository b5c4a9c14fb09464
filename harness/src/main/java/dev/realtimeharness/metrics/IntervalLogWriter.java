package dev.realtimeharness.metrics;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes latency.hlog with HdrHistogram's own {@link HistogramLogWriter}: header (format version, start
 * time, base time, legend), then one tagged interval histogram per metric per second, values in
 * microseconds. Flushed after each second so a killed run leaves every completed second on disk.
 * Used by the ticker thread only.
 */
public final class IntervalLogWriter implements Closeable {

    // The log's "Interval_Max" column is written in ms: our values are µs.
    private static final double MAX_VALUE_UNIT_RATIO = 1_000.0;

    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long baseTimeMillis;

    /** @param startTimeMillis wall-clock start of the run (epoch ms), also used as the log's base time */
    public IntervalLogWriter(Path file, long startTimeMillis) throws IOException {
        this.out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), false,
                StandardCharsets.US_ASCII);
        this.writer = new HistogramLogWriter(out);
        this.baseTimeMillis = startTimeMillis;
        writer.outputComment("realtime-harness latency log, values in microseconds, one interval a second");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startTimeMillis);
        writer.setBaseTime(startTimeMillis);
        writer.outputBaseTime(startTimeMillis);
        writer.outputLegend();
        flush();
    }

    /** Writes one histogram per metric, every metric even when empty, so each second is complete. */
    public void write(LatencyRecorders.Interval interval) throws IOException {
        for (Metric metric : Metric.values()) {
            Histogram histogram = interval.histogram(metric);
            if (histogram == null) {
                continue;
            }
            histogram.setTag(metric.tag());
            // Recorders made before the run started would date the first interval before the base time;
            // log readers filter by offset from the base, so never write a negative one.
            double startSec = Math.max(0, histogram.getStartTimeStamp() - baseTimeMillis) / 1000.0;
            double endSec = Math.max(0, histogram.getEndTimeStamp() - baseTimeMillis) / 1000.0;
            writer.outputIntervalHistogram(startSec, endSec, histogram, MAX_VALUE_UNIT_RATIO);
        }
        flush();
    }

    private void flush() throws IOException {
        out.flush();
        if (out.checkError()) {
            throw new IOException("writing the latency log failed");
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
