package dev.realtimeharness.metrics;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes latency.hlog with HdrHistogram's own {@link HistogramLogWriter}: header (format version, start
 * time, base time, legend), then one tagged interval histogram per metric per second, values in
 * microseconds. Written with one write per second so a killed run leaves every completed second on disk.
 * Used by the ticker thread only.
 */
public final class IntervalLogWriter implements Closeable {

    // The log's "Interval_Max" column is written in ms: our values are µs.
    private static final double MAX_VALUE_UNIT_RATIO = 1_000.0;

    private final FileChannel channel;
    private final OutputStream file;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(16 * 1024);
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long baseTimeMillis;

    /** @param startTimeMillis wall-clock start of the run (epoch ms), also used as the log's base time */
    public IntervalLogWriter(Path file, long startTimeMillis) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.file = Channels.newOutputStream(channel);
        this.out = new PrintStream(pending, false, StandardCharsets.US_ASCII);
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

    // One write(2) of whole lines per second: a run killed at any moment leaves whole intervals (or none of this
    // one), never half a line that HdrHistogram's reader would throw on. A failed write is thrown, every time.
    private void flush() throws IOException {
        out.flush();
        try {
            pending.writeTo(file);
            file.flush();
        } finally {
            pending.reset();
        }
    }

    @Override
    public void close() {
        writer.close();
        try {
            channel.force(true); // on disk at the end of the run
            file.close();
        } catch (IOException e) {
            // Every interval was written (or its failure reported) when it was flushed.
        }
    }
}
