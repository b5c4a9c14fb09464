package dev.realtimeharness.results;

import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Adds the shards' {@code latency.hlog}s into one, interval by interval: every interval is placed in the wall-clock
 * second its start falls in (HdrHistogram's reader gives each interval its absolute start), and the intervals of the
 * same tag and second, from every shard, are added into one. Adding histograms loses nothing, so the merged log's
 * totals are the histogram of the union of all samples and its percentiles are exact, never averaged.
 *
 * <p>The logs are read side by side, one second at a time, so memory holds one second of each tag, whatever the
 * length of the run.
 */
final class HlogMerge {
    // The log's "Interval_Max" column is written in ms: our values are µs (as IntervalLogWriter).
    private static final double MAX_VALUE_UNIT_RATIO = 1_000.0;

    /** The whole run's histogram per tag, and the merged pub-to-recv p50/p99 (ms) of each wall-clock second. */
    record Result(Map<String, Histogram> totals, Map<Long, double[]> pubToRecvBySecond, long firstSecond) {
        Histogram total(String tag) {
            Histogram h = totals.get(tag);
            return h != null ? h : LatencyRecorders.newHistogram();
        }
    }

    private HlogMerge() {
    }

    /** Merges {@code hlogs} (a missing file counts as an empty log) into {@code out}. */
    static Result merge(List<Path> hlogs, Path out) throws IOException {
        List<Source> sources = new ArrayList<>();
        try {
            for (Path p : hlogs) {
                if (Files.exists(p)) {
                    sources.add(new Source(p));
                }
            }
            long first = Long.MAX_VALUE;
            for (Source s : sources) {
                if (s.peek != null) {
                    first = Math.min(first, second(s.peek));
                }
            }
            long baseMillis = first == Long.MAX_VALUE ? System.currentTimeMillis() / 1000 * 1000 : first * 1000;
            Map<String, Histogram> totals = new LinkedHashMap<>();
            Map<Long, double[]> perSecond = new TreeMap<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
            try (OutputStream file = Files.newOutputStream(out)) {
                PrintStream print = new PrintStream(bytes, false, StandardCharsets.US_ASCII);
                HistogramLogWriter writer = new HistogramLogWriter(print);
                writer.outputComment("realtime-harness latency log merged from " + hlogs.size()
                        + " shards, values in microseconds, one interval a wall-clock second");
                writer.outputLogFormatVersion();
                writer.outputStartTime(baseMillis);
                writer.setBaseTime(baseMillis);
                writer.outputBaseTime(baseMillis);
                writer.outputLegend();
                while (true) {
                    long sec = Long.MAX_VALUE;
                    for (Source s : sources) {
                        if (s.peek != null) {
                            sec = Math.min(sec, second(s.peek));
                        }
                    }
                    if (sec == Long.MAX_VALUE) {
                        break;
                    }
                    Map<String, Histogram> bucket = new TreeMap<>(HlogMerge::tagOrder);
                    for (Source s : sources) {
                        while (s.peek != null && second(s.peek) <= sec) {
                            String tag = s.peek.getTag() == null ? "" : s.peek.getTag();
                            bucket.computeIfAbsent(tag, k -> LatencyRecorders.newHistogram()).add(s.peek);
                            s.advance();
                        }
                    }
                    double offset = (sec * 1000 - baseMillis) / 1000.0;
                    for (Map.Entry<String, Histogram> e : bucket.entrySet()) {
                        Histogram h = e.getValue();
                        h.setTag(e.getKey().isEmpty() ? null : e.getKey());
                        writer.outputIntervalHistogram(offset, offset + 1.0, h, MAX_VALUE_UNIT_RATIO);
                        totals.computeIfAbsent(e.getKey(), k -> LatencyRecorders.newHistogram()).add(h);
                    }
                    Histogram p = bucket.get(Metric.PUB_TO_RECV.tag());
                    if (p != null && p.getTotalCount() > 0) {
                        perSecond.put(sec, new double[] {p.getValueAtPercentile(50.0) / 1000.0,
                            p.getValueAtPercentile(99.0) / 1000.0});
                    }
                    print.flush();
                    bytes.writeTo(file);
                    bytes.reset();
                }
            }
            return new Result(totals, perSecond, first == Long.MAX_VALUE ? baseMillis / 1000 : first);
        } finally {
            for (Source s : sources) {
                s.close();
            }
        }
    }

    // Metric tags in the order the harness writes them, unknown ones after, by name.
    private static int tagOrder(String a, String b) {
        int ia = tagIndex(a);
        int ib = tagIndex(b);
        return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
    }

    private static int tagIndex(String tag) {
        for (Metric m : Metric.values()) {
            if (m.tag().equals(tag)) {
                return m.ordinal();
            }
        }
        return Integer.MAX_VALUE;
    }

    // The wall-clock second an interval starts in.
    private static long second(Histogram h) {
        return Math.floorDiv(h.getStartTimeStamp(), 1000L);
    }

    /** One shard's log, read one interval ahead. */
    private static final class Source {
        private final Path path;
        private final InputStream in;
        private final HistogramLogReader reader;
        private final Map<String, Long> lastSecond = new HashMap<>();
        Histogram peek;

        Source(Path path) throws IOException {
            this.path = path;
            this.in = CompleteLines.open(path);
            this.reader = new HistogramLogReader(in);
            advance();
        }

        void advance() throws IOException {
            try {
                EncodableHistogram next;
                do {
                    next = reader.nextIntervalHistogram();
                } while (next != null && !(next instanceof Histogram));
                peek = (Histogram) next;
            } catch (RuntimeException e) {
                throw new IOException(path + ": not a readable HdrHistogram log (" + e.getMessage() + ")", e);
            }
            if (peek != null) {
                // Read side by side by time: a log whose intervals go back in time would be added out of place.
                String tag = peek.getTag() == null ? "" : peek.getTag();
                Long before = lastSecond.put(tag, second(peek));
                if (before != null && before > second(peek)) {
                    throw new IOException(path + ": interval of tag '" + tag + "' at " + peek.getStartTimeStamp()
                            + " ms starts before the one read before it; the log is not in time order");
                }
            }
        }

        void close() throws IOException {
            in.close();
        }
    }
}
