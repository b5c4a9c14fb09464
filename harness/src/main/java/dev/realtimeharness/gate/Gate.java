package dev.realtimeharness.gate;

import dev.realtimeharness.gate.Figures.LatencyFigures;
import dev.realtimeharness.scenario.GateKeys;
import dev.realtimeharness.scenario.GatePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Evaluates a run's figures against the scenario's gate limits. Every limit becomes a check, in the
 * limits map's order, so a failed run shows everything that failed, not just the first thing.
 *
 * <p>Keys are those of {@link GateKeys}, the one table that validates a scenario and evaluates its run:
 * {@code latency}, {@code latencyRaw}, {@code joinLatency}, {@code readyLatency}, {@code connectLatency}, each with
 * min, mean, p50, p90, p95, p99, p999, max (milliseconds, pass when
 * actual ≤ limit; a latency with no samples fails, since nothing was measured); {@code messages.lost},
 * {@code messages.duplicated}, {@code messages.outOfOrder}, {@code errors.protocol},
 * {@code messages.lostByReason.inFlight|channelDown|neverReady|publishFailed} (counts, pass when
 * actual ≤ limit); {@code connections.successRatio}, {@code channels.successRatio},
 * {@code messages.deliveredRatio}, {@code channels.readyRatio} (pass when actual ≥ limit; with zero attempts the
 * ratio is 0.0); {@code harness.saturated} (a flag: actual 1 when the harness was saturated, limit {@code false} = 0
 * fails it).
 */
public final class Gate {
    private static final String LOST_BY_REASON = "messages.lostByReason.";

    private Gate() {
    }

    public static Verdict evaluate(Map<String, Double> limits, Figures summary) {
        List<Check> checks = new ArrayList<>();
        for (Map.Entry<String, Double> limit : limits.entrySet()) {
            checks.add(check(limit.getKey(), limit.getValue(), summary));
        }
        return Verdict.of(checks);
    }

    /**
     * The checks over the whole run and, for a run judged per window ({@code gate.window}), one more:
     * {@value GatePolicy#WINDOWS_FAILED}, which fails when more than {@code maxFailedWindows} windows failed (and when
     * no window was judged at all: a windowed gate that judged nothing cannot pass).
     */
    public static Verdict evaluate(Map<String, Double> limits, GatePolicy policy, Figures summary) {
        Verdict whole = evaluate(limits, summary);
        if (policy == null || !policy.windowed()) {
            return whole;
        }
        List<Check> checks = new ArrayList<>(whole.checks());
        checks.add(windowsCheck(policy.maxFailedWindows(), summary.windowTally()));
        return Verdict.of(checks);
    }

    static Check windowsCheck(int maxFailed, Figures.WindowTally tally) {
        if (tally == null || tally.judged() == 0) {
            return new Check(GatePolicy.WINDOWS_FAILED, maxFailed, 0, false, "no window was judged");
        }
        String detail = tally.failures().isEmpty() ? null
                : String.join("; ", tally.failures().subList(0, Math.min(3, tally.failures().size())))
                        + (tally.failures().size() > 3 ? "; ..." : "");
        return new Check(GatePolicy.WINDOWS_FAILED, maxFailed, tally.failed(), tally.failed() <= maxFailed, detail);
    }

    /**
     * The verdict of a run that check {@code name} stopped early ({@code gate.abortOnFail}): that check fails and says
     * so and when, even if the figures after the drain would let it pass (it is added when the limits no longer name
     * it). A stopped run did not measure what it was asked to, so it never passes.
     */
    public static Verdict stoppedBy(Verdict verdict, String name, long elapsedSeconds) {
        String stopped = "stopped the run after " + elapsedSeconds + " s of publishing";
        List<Check> checks = new ArrayList<>();
        boolean found = false;
        for (Check c : verdict.checks()) {
            if (c.name().equals(name)) {
                found = true;
                c = new Check(c.name(), c.limit(), c.actual(), false,
                        c.detail() == null ? stopped : c.detail() + "; " + stopped);
            }
            checks.add(c);
        }
        if (!found) {
            checks.add(new Check(name, 0, 0, false, stopped));
        }
        return Verdict.of(checks);
    }

    /** The known keys, for validating a scenario's gate section before a run. */
    public static boolean isKnownKey(String key) {
        return GateKeys.isKnown(key);
    }

    private static Check check(String key, Double limitValue, Figures summary) {
        if (limitValue == null || limitValue.isNaN()) {
            throw new IllegalArgumentException("gate limit '" + key + "' has no numeric value");
        }
        double limit = limitValue;
        return switch (GateKeys.kind(key)) {
            case LATENCY_MAX_MS -> {
                LatencyFigures stats = summary.latencyFigures(key.substring(0, key.indexOf('.')));
                double actual = stats == null ? 0.0 : latencyField(key).applyAsDouble(stats);
                boolean sampled = stats != null && stats.count() > 0;
                yield new Check(key, limit, actual, sampled && actual <= limit);
            }
            case COUNT_MAX -> {
                double actual = count(key, summary);
                yield new Check(key, limit, actual, actual <= limit);
            }
            case RATIO_MIN -> {
                double actual = ratio(key, summary);
                yield new Check(key, limit, actual, actual >= limit);
            }
            case FLAG -> {
                boolean happened = flag(key, summary);
                String why = happened && key.equals("harness.saturated") ? summary.harnessSaturatedBy() : "";
                yield new Check(key, limit, happened ? 1.0 : 0.0, (happened ? 1.0 : 0.0) <= limit,
                        why.isEmpty() ? null : why);
            }
        };
    }

    private static ToDoubleFunction<LatencyFigures> latencyField(String key) {
        return switch (key.substring(key.indexOf('.') + 1)) {
            case "min" -> LatencyFigures::min;
            case "mean" -> LatencyFigures::mean;
            case "p50" -> LatencyFigures::p50;
            case "p90" -> LatencyFigures::p90;
            case "p95" -> LatencyFigures::p95;
            case "p99" -> LatencyFigures::p99;
            case "p999" -> LatencyFigures::p999;
            default -> LatencyFigures::max;
        };
    }

    private static double count(String key, Figures summary) {
        return switch (key) {
            case "messages.lost" -> summary.messagesLost();
            case "messages.duplicated" -> summary.messagesDuplicated();
            case "messages.outOfOrder" -> summary.messagesOutOfOrder();
            case "errors.protocol" -> summary.protocolErrors();
            default -> {
                if (key.startsWith(LOST_BY_REASON)) {
                    yield summary.messagesLostByReason(key.substring(LOST_BY_REASON.length()));
                }
                throw new IllegalStateException("gate key '" + key + "' is in GateKeys but not evaluated");
            }
        };
    }

    // Ratios are recomputed from the counts so that zero attempts is always 0.0, whatever wrote the summary.
    private static double ratio(String key, Figures summary) {
        return switch (key) {
            case "connections.successRatio" ->
                    ratio(summary.connectionsSucceeded(), summary.connectionsAttempted());
            case "channels.successRatio" -> ratio(summary.channelsJoined(), summary.channelsAttempted());
            case "messages.deliveredRatio" -> ratio(summary.delivered(), summary.expectedDeliveries());
            case "channels.readyRatio" -> ratio(summary.channelsReady(), summary.subscriptions());
            default -> throw new IllegalStateException("gate key '" + key + "' is in GateKeys but not evaluated");
        };
    }

    private static boolean flag(String key, Figures summary) {
        return switch (key) {
            case "harness.saturated" -> summary.harnessSaturated();
            default -> throw new IllegalStateException("gate key '" + key + "' is in GateKeys but not evaluated");
        };
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    static String describe(Check check) {
        String verdict = check.passed() ? "PASS " : "FAIL ";
        if (check.name().equals(GatePolicy.WINDOWS_FAILED)) {
            return verdict + check.name() + ": " + (check.detail() != null && check.actual() == 0 && !check.passed()
                    ? check.detail() : plain(check.actual()) + (check.passed() ? " <= " : " > ") + plain(check.limit())
                            + " failed windows" + (check.detail() == null ? "" : " (" + check.detail() + ")"));
        }
        if (!GateKeys.isKnown(check.name())) {
            // A check read back from an older or newer summary: describe it without units.
            return verdict + check.name() + ": " + plain(check.actual()) + " (limit " + plain(check.limit()) + ")";
        }
        GateKeys.Kind kind = GateKeys.kind(check.name());
        boolean holds = holds(kind, check);
        String line = switch (kind) {
            case LATENCY_MAX_MS -> !holds && check.actual() <= check.limit()
                    ? "no samples (limit " + millis(check.limit()) + ")"
                    : millis(check.actual()) + (holds ? " <= limit " : " > limit ") + millis(check.limit());
            case COUNT_MAX -> plain(check.actual()) + (holds ? " <= " : " > ") + plain(check.limit());
            case RATIO_MIN -> ratio4(check.actual()) + (holds ? " >= " : " < ") + ratio4(check.limit());
            case FLAG -> flag(check);
        };
        // A flag's detail is its reason, already in the line; any other detail (an early stop) follows it.
        return verdict + check.name() + ": " + line
                + (kind != GateKeys.Kind.FLAG && check.detail() != null ? " (" + check.detail() + ")" : "");
    }

    // Whether the figure is within its limit: a check can fail with a figure that holds (it stopped the run).
    private static boolean holds(GateKeys.Kind kind, Check c) {
        return switch (kind) {
            case LATENCY_MAX_MS, FLAG -> c.passed();
            case COUNT_MAX -> c.actual() <= c.limit();
            case RATIO_MIN -> c.actual() >= c.limit();
        };
    }

    // Only harness.saturated is a flag so far; its FAIL line must blame the harness, not the target.
    private static String flag(Check check) {
        boolean happened = check.actual() > 0;
        if (!happened) {
            return "the harness was not saturated";
        }
        String by = check.detail() == null || check.detail().isEmpty() ? "" : " (" + check.detail() + ")";
        return "the harness itself was saturated" + by + "; latency figures include its own delay"
                + (check.passed() ? " (allowed by the limit true)" : "");
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.3f ms", value);
    }

    private static String ratio4(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
    }
}
