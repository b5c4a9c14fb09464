package dev.realtimeharness.metrics;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Writes timeline.csv, one row a second, flushed per row so a killed run keeps its last second.
 * Percentiles are those of that second's pub-to-recv interval; a second without samples leaves p50/p99
 * empty rather than writing a 0 that reads like a fast second. Used by the ticker thread only.
 */
public final class TimelineWriter implements Closeable {

    public static final String HEADER = "elapsedSeconds,connectionsOpen,channelsJoined,published,delivered,lost,"
            + "p50Ms,p99Ms,errors,heapUsedBytes,cpuRatio,pgRssBytes,slotLagBytes,slotLagSeconds";

    /**
     * One second; {@code NaN} in p50Ms/p99Ms/cpuRatio/slotLagSeconds is written as an empty cell, and so is a
     * negative {@code pgRssBytes} or {@code slotLagBytes} (no local PostgreSQL or change capture to measure: remote
     * target; the database cannot be asked right now).
     */
    public record Row(long elapsedSeconds, long connectionsOpen, long channelsJoined, long published,
                      long delivered, long lost, double p50Ms, double p99Ms, long errors, long heapUsedBytes,
                      double cpuRatio, long pgRssBytes, long slotLagBytes, double slotLagSeconds) {

        public Row(long elapsedSeconds, long connectionsOpen, long channelsJoined, long published, long delivered,
                long lost, double p50Ms, double p99Ms, long errors, long heapUsedBytes, double cpuRatio,
                long pgRssBytes) {
            this(elapsedSeconds, connectionsOpen, channelsJoined, published, delivered, lost, p50Ms, p99Ms, errors,
                    heapUsedBytes, cpuRatio, pgRssBytes, -1, Double.NaN);
        }

        public Row(long elapsedSeconds, long connectionsOpen, long channelsJoined, long published, long delivered,
                long lost, double p50Ms, double p99Ms, long errors, long heapUsedBytes, double cpuRatio) {
            this(elapsedSeconds, connectionsOpen, channelsJoined, published, delivered, lost, p50Ms, p99Ms, errors,
                    heapUsedBytes, cpuRatio, -1);
        }
    }

    private final FileChannel channel;
    private final BufferedWriter out;

    public TimelineWriter(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 8192);
        out.write(HEADER);
        out.write('\n');
        out.flush();
    }

    /** The value at {@code percentile} of a microsecond histogram, in ms; NaN when it is empty. */
    public static double percentileMillis(Histogram micros, double percentile) {
        if (micros == null || micros.getTotalCount() == 0) {
            return Double.NaN;
        }
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    public void write(Row row) throws IOException {
        out.write(row.elapsedSeconds() + "," + row.connectionsOpen() + "," + row.channelsJoined() + ","
                + row.published() + "," + row.delivered() + "," + row.lost() + "," + decimal(row.p50Ms()) + ","
                + decimal(row.p99Ms()) + "," + row.errors() + "," + row.heapUsedBytes() + ","
                + decimal(row.cpuRatio()) + "," + count(row.pgRssBytes()) + "," + count(row.slotLagBytes()) + ","
                + decimal(row.slotLagSeconds()));
        out.write('\n');
        out.flush();
    }

    private static String count(long value) {
        return value < 0 ? "" : Long.toString(value);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) || value < 0 ? "" : String.format(Locale.ROOT, "%.3f", value);
    }

    @Override
    public void close() throws IOException {
        out.flush();
        channel.force(true); // on disk at the end of the run
        out.close();
    }
}
