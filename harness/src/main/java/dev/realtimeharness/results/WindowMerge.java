package dev.realtimeharness.results;

import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.scenario.GateKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * A merged run's windows ({@code gate.window}), judged again on the union of the shards rather than copied from one:
 * windows of the same length counted from the earliest shard's first window (shards that shared a start, with
 * {@code --start-at} or {@code --ready-dir}, have windows on the same grid), latency from the merged hlog (each
 * wall-clock second in the window it mostly covers, as a run judges its own), loss from the shards' own windows
 * (deliveries owed and lost by the second a probe was due, recorded per window; each shard window goes to the merged
 * window its middle falls in, exact when the shards' windows line up). A window with nothing to judge is skipped,
 * not passed. Shards whose summaries hold no window loss (written before it was recorded) give latency-only windows.
 */
final class WindowMerge {
    private WindowMerge() {
    }

    /** The merged windows; null when no shard was judged per window (nothing to line them up with). */
    static List<Summary.Window> judge(List<Summary> shards, Map<String, Double> gate, Duration window, Path mergedHlog)
            throws IOException {
        Instant origin = null;
        for (Summary s : shards) {
            if (s.windows() != null && !s.windows().isEmpty()) {
                Instant first = Instant.parse(s.windows().get(0).start());
                origin = origin == null || first.isBefore(origin) ? first : origin;
            }
        }
        if (origin == null) {
            return null;
        }
        long windowMillis = window.toMillis();
        Map<String, Double> limits = new LinkedHashMap<>();
        gate.forEach((k, v) -> {
            if (GateKeys.windowed(k)) {
                limits.put(k, v);
            }
        });
        boolean lossKnown = shards.stream().allMatch(s -> s.windows() == null
                || s.windows().stream().allMatch(w -> w.loss() != null));
        if (!lossKnown) {
            limits.keySet().removeIf(k -> !WindowFigures.METRICS.containsKey(k.substring(0, k.indexOf('.'))));
        }
        Map<Integer, WindowLoss> loss = new TreeMap<>();
        for (Summary s : shards) {
            for (Summary.Window w : s.windows() == null ? List.<Summary.Window>of() : s.windows()) {
                int index = windowOf((Instant.parse(w.start()).toEpochMilli() + Instant.parse(w.end()).toEpochMilli())
                        / 2, origin, windowMillis);
                loss.merge(index, w.loss() == null ? WindowLoss.NONE : w.loss(), WindowLoss::plus);
            }
        }
        Map<Integer, Map<String, Summary.LatencyStats>> latency = latencyByWindow(mergedHlog, origin, windowMillis);
        int last = Math.max(loss.isEmpty() ? -1 : ((TreeMap<Integer, WindowLoss>) loss).lastKey(),
                latency.isEmpty() ? -1 : ((TreeMap<Integer, Map<String, Summary.LatencyStats>>) latency).lastKey());
        List<Summary.Window> judged = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            WindowFigures f = new WindowFigures(latency.getOrDefault(i, Map.of()), loss.getOrDefault(i,
                    WindowLoss.NONE));
            Map<String, Double> applicable = f.applicable(limits);
            if (applicable.isEmpty()) {
                continue;
            }
            Verdict v = Gate.evaluate(applicable, f);
            Instant start = origin.plusMillis(i * windowMillis);
            judged.add(new Summary.Window(start.toString(), start.plusMillis(windowMillis).toString(), v.passed(),
                    v.checks(), lossKnown ? f.loss() : null));
        }
        return judged;
    }

    // Each window's latency statistics from the merged log (written in time order: one window open at a time).
    private static Map<Integer, Map<String, Summary.LatencyStats>> latencyByWindow(Path hlog, Instant origin,
            long windowMillis) throws IOException {
        Map<Integer, Map<String, Summary.LatencyStats>> byWindow = new TreeMap<>();
        if (!Files.exists(hlog)) {
            return byWindow;
        }
        Map<String, String> names = new LinkedHashMap<>();
        WindowFigures.METRICS.forEach((name, metric) -> names.put(metric.tag(), name));
        Map<Metric, Histogram> open = new EnumMap<>(Metric.class);
        int openIndex = -1;
        try (InputStream in = CompleteLines.open(hlog)) {
            HistogramLogReader reader = new HistogramLogReader(in);
            for (EncodableHistogram e; (e = reader.nextIntervalHistogram()) != null;) {
                if (!(e instanceof Histogram h) || h.getTag() == null || !names.containsKey(h.getTag())) {
                    continue;
                }
                // The second belongs to the window it mostly covered.
                int index = windowOf((h.getStartTimeStamp() + h.getEndTimeStamp()) / 2, origin, windowMillis);
                if (index != openIndex) {
                    close(open, openIndex, byWindow);
                    openIndex = index;
                }
                String name = names.get(h.getTag());
                open.computeIfAbsent(WindowFigures.METRICS.get(name), m -> LatencyRecorders.newHistogram()).add(h);
            }
        } catch (RuntimeException e) {
            throw new IOException(hlog + ": not a readable HdrHistogram log (" + e.getMessage() + ")", e);
        }
        close(open, openIndex, byWindow);
        return byWindow;
    }

    // The window a span whose middle is at middleMillis falls in (before the first: the first).
    private static int windowOf(long middleMillis, Instant origin, long windowMillis) {
        return (int) Math.max(0, Math.floorDiv(middleMillis - origin.toEpochMilli(), windowMillis));
    }

    private static void close(Map<Metric, Histogram> open, int index, Map<Integer, Map<String, Summary.LatencyStats>>
            into) {
        if (index < 0) {
            return;
        }
        Map<String, Summary.LatencyStats> stats = into.computeIfAbsent(index, i -> new LinkedHashMap<>());
        WindowFigures.METRICS.forEach((name, metric) -> {
            Histogram h = open.get(metric);
            if (h != null) {
                stats.put(name, Summary.LatencyStats.of(h)); // the log is in time order: each window closes once
            }
        });
        open.clear();
    }
}
