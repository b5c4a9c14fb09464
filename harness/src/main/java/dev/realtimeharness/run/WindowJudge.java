package dev.realtimeharness.run;

import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.DueTally;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.WindowFigures;
import dev.realtimeharness.results.WindowLoss;
import dev.realtimeharness.scenario.GateKeys;
import dev.realtimeharness.scenario.GatePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Judges a long run window by window ({@code gate.window}): every latency and loss check of the gate, on the figures
 * of one window. Windows are counted from the start of publishing. Latency is taken by the second a frame arrived
 * (the hlog's intervals), loss by the second its probe was due ({@link DueTally}), so a window is judged once its
 * last probe's deliveries are decided: {@code drainTimeout} plus a second after its end (at the end of the run for
 * the rest). A window with nothing to judge (no sample and no delivery owed) is skipped, not passed.
 *
 * <p>Memory: the open window's histograms, and per closed window its latency statistics and verdict.
 */
final class WindowJudge {
    private static final long SECOND = 1_000_000_000L;
    private static final Map<String, Metric> METRICS = WindowFigures.METRICS;

    private final Map<String, Double> limits = new LinkedHashMap<>();
    private final long windowNanos;
    private final long settleNanos;
    private final Instant baseInstant;
    private final long baseNanos;

    private DueTally tally;
    private int openIndex;
    private final Map<Metric, Histogram> open = new EnumMap<>(Metric.class);
    // Windows whose latency is complete, waiting for their loss to be decided.
    private final List<Closed> closed = new ArrayList<>();
    private final List<Summary.Window> judged = new ArrayList<>();

    private record Closed(int index, Map<String, Summary.LatencyStats> latency) {
    }

    /**
     * @param baseInstant and {@code baseNanos}: one moment on both clocks, to date windows
     */
    WindowJudge(Map<String, Double> gate, GatePolicy policy, Duration drainTimeout, Instant baseInstant,
            long baseNanos) {
        gate.forEach((k, v) -> {
            if (GateKeys.windowed(k)) {
                limits.put(k, v);
            }
        });
        this.windowNanos = policy.window().toNanos();
        this.settleNanos = drainTimeout.toNanos() + SECOND;
        this.baseInstant = baseInstant;
        this.baseNanos = baseNanos;
    }

    /** Publishing starts: window 0 begins at the tally's origin. */
    synchronized void start(DueTally dueTally) {
        this.tally = dueTally;
    }

    /** One second of latency (an hlog interval) that ended at {@code nowNanos}. */
    synchronized void add(LatencyRecorders.Interval interval, long nowNanos) {
        if (tally == null) {
            return;
        }
        // The second that ended now belongs to the window it mostly covered.
        int index = index(nowNanos - SECOND / 2);
        closeBefore(index);
        for (Metric m : METRICS.values()) {
            Histogram h = interval.histogram(m);
            if (h != null && h.getTotalCount() > 0) {
                open.computeIfAbsent(m, x -> LatencyRecorders.newHistogram()).add(h);
            }
        }
    }

    /** Judges the windows whose deliveries are decided by {@code nowNanos}; returns the ones judged now. */
    synchronized List<Summary.Window> judgeDue(long nowNanos) {
        if (tally == null) {
            return List.of();
        }
        closeBefore(index(nowNanos));
        List<Summary.Window> now = new ArrayList<>();
        while (!closed.isEmpty() && nowNanos - (endNanos(closed.get(0).index()) + settleNanos) >= 0) {
            judge(closed.remove(0), now);
        }
        return now;
    }

    /** End of the run (deliveries all decided): closes the open window and judges every one left. */
    synchronized List<Summary.Window> finish(long nowNanos) {
        if (tally == null) {
            return List.of();
        }
        closeBefore(index(nowNanos) + 1);
        List<Summary.Window> now = new ArrayList<>();
        while (!closed.isEmpty()) {
            judge(closed.remove(0), now);
        }
        return now;
    }

    /** Every window judged so far, in order; null when the run was never windowed (publishing never started). */
    synchronized List<Summary.Window> judged() {
        return tally == null ? null : List.copyOf(judged);
    }

    private int index(long nanos) {
        return (int) Math.max(0, (nanos - tally.originNanos()) / windowNanos);
    }

    private long startNanos(int index) {
        return tally.originNanos() + index * windowNanos;
    }

    private long endNanos(int index) {
        return startNanos(index) + windowNanos;
    }

    private void closeBefore(int index) {
        while (openIndex < index) {
            Map<String, Summary.LatencyStats> stats = new LinkedHashMap<>();
            METRICS.forEach((name, metric) -> stats.put(name, Summary.LatencyStats.of(open.get(metric))));
            closed.add(new Closed(openIndex, stats));
            open.clear();
            openIndex++;
        }
    }

    private void judge(Closed w, List<Summary.Window> into) {
        DueTally.Sums sums = tally.sums((int) (w.index() * windowNanos / SECOND),
                (int) ((w.index() + 1) * windowNanos / SECOND));
        WindowFigures figures = new WindowFigures(w.latency(), WindowLoss.of(sums.expected(), sums.lostByReason()));
        Map<String, Double> applicable = figures.applicable(limits);
        if (applicable.isEmpty()) {
            return;
        }
        Verdict v = Gate.evaluate(applicable, figures);
        Summary.Window window = new Summary.Window(at(startNanos(w.index())), at(endNanos(w.index())), v.passed(),
                v.checks(), figures.loss()); // the loss too: harness merge adds the shards' windows from it
        judged.add(window);
        into.add(window);
    }

    private String at(long nanos) {
        return baseInstant.plusNanos(nanos - baseNanos).toString();
    }
}
