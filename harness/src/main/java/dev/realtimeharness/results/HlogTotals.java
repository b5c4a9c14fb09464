package dev.realtimeharness.results;

import dev.realtimeharness.metrics.LatencyRecorders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * A run's {@code latency.hlog} read back with HdrHistogram's own log reader: every interval of a tag added into one
 * histogram (microseconds). This is what {@code harness gate} re-evaluates from, so a finished run can be judged
 * again against other limits without the raw samples.
 */
public final class HlogTotals {
    private final Map<String, Histogram> byTag;

    private HlogTotals(Map<String, Histogram> byTag) {
        this.byTag = byTag;
    }

    public static HlogTotals read(Path hlog) throws IOException {
        Map<String, Histogram> totals = new HashMap<>();
        try (InputStream in = CompleteLines.open(hlog)) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (!(h instanceof Histogram hist)) {
                    continue;
                }
                String tag = hist.getTag() == null ? "" : hist.getTag();
                totals.computeIfAbsent(tag, k -> LatencyRecorders.newHistogram()).add(hist);
            }
        } catch (RuntimeException e) {
            throw new IOException(hlog + ": not a readable HdrHistogram log (" + e.getMessage() + ")", e);
        }
        return new HlogTotals(totals);
    }

    /** The whole run's histogram of one tag (empty when the tag never appears). */
    public Histogram total(String tag) {
        Histogram h = byTag.get(tag);
        return h != null ? h : LatencyRecorders.newHistogram();
    }
}
