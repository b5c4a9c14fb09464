package dev.realtimeharness.gate;

import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.Summary.LatencyStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Evaluates a run's summary against the scenario's gate limits. Every limit becomes a check, in the
 * limits map's order, so a failed run shows everything that failed, not just the first thing.
 *
 * <p>Keys: {@code latency.*} and {@code latencyRaw.*} with min, mean, p50, p90, p95, p99, p999, max,
 * {@code joinLatency.p99}, {@code readyLatency.p99}, {@code connectLatency.p99} (milliseconds, pass when
 * actual ≤ limit; a latency with no samples fails, since nothing was measured); {@code messages.lost},
 * {@code messages.duplicated}, {@code messages.outOfOrder}, {@code errors.protocol} (counts, pass when
 * actual ≤ limit); {@code connections.successRatio}, {@code channels.successRatio},
 * {@code messages.deliveredRatio} (pass when actual ≥ limit; with zero attempts the ratio is 0.0).
 */
public final class Gate {

    enum Kind { MILLIS, COUNT, RATIO }

    private static final List<String> LATENCY_SUFFIXES =
            List.of("min", "mean", "p50", "p90", "p95", "p99", "p999", "max");

    private Gate() {
    }

    public static Verdict evaluate(Map<String, Double> limits, Summary summary) {
        List<Check> checks = new ArrayList<>();
        for (Map.Entry<String, Double> limit : limits.entrySet()) {
            checks.add(check(limit.getKey(), limit.getValue(), summary));
        }
        return Verdict.of(checks);
    }

    /** The known keys, for validating a scenario's gate section before a run. */
    public static boolean isKnownKey(String key) {
        try {
            kindOf(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Check check(String key, Double limitValue, Summary summary) {
        if (limitValue == null || limitValue.isNaN()) {
            throw new IllegalArgumentException("gate limit '" + key + "' has no numeric value");
        }
        double limit = limitValue;
        return switch (kindOf(key)) {
            case MILLIS -> {
                LatencyStats stats = latencyStats(key, summary);
                double actual = stats == null ? 0.0 : latencyField(key).applyAsDouble(stats);
                boolean sampled = stats != null && stats.count() > 0;
                yield new Check(key, limit, actual, sampled && actual <= limit);
            }
            case COUNT -> {
                double actual = count(key, summary);
                yield new Check(key, limit, actual, actual <= limit);
            }
            case RATIO -> {
                double actual = ratio(key, summary);
                yield new Check(key, limit, actual, actual >= limit);
            }
        };
    }

    static Kind kindOf(String key) {
        int dot = key.indexOf('.');
        String group = dot < 0 ? key : key.substring(0, dot);
        String field = dot < 0 ? "" : key.substring(dot + 1);
        switch (group) {
            case "latency", "latencyRaw" -> {
                if (LATENCY_SUFFIXES.contains(field)) {
                    return Kind.MILLIS;
                }
            }
            case "joinLatency", "readyLatency", "connectLatency" -> {
                if (field.equals("p99")) {
                    return Kind.MILLIS;
                }
            }
            case "messages" -> {
                if (field.equals("lost") || field.equals("duplicated") || field.equals("outOfOrder")) {
                    return Kind.COUNT;
                }
                if (field.equals("deliveredRatio")) {
                    return Kind.RATIO;
                }
            }
            case "errors" -> {
                if (field.equals("protocol")) {
                    return Kind.COUNT;
                }
            }
            case "connections", "channels" -> {
                if (field.equals("successRatio")) {
                    return Kind.RATIO;
                }
            }
            default -> {
            }
        }
        throw new IllegalArgumentException("unknown gate key '" + key + "'; known: latency.{"
                + String.join(",", LATENCY_SUFFIXES) + "}, latencyRaw.{same}, joinLatency.p99, readyLatency.p99, "
                + "connectLatency.p99, messages.lost, messages.duplicated, messages.outOfOrder, errors.protocol, "
                + "connections.successRatio, channels.successRatio, messages.deliveredRatio");
    }

    private static LatencyStats latencyStats(String key, Summary summary) {
        return switch (key.substring(0, key.indexOf('.'))) {
            case "latency" -> summary.latency();
            case "latencyRaw" -> summary.latencyRaw();
            case "joinLatency" -> summary.joinLatency();
            case "readyLatency" -> summary.readyLatency();
            default -> summary.connectLatency();
        };
    }

    private static ToDoubleFunction<LatencyStats> latencyField(String key) {
        return switch (key.substring(key.indexOf('.') + 1)) {
            case "min" -> LatencyStats::min;
            case "mean" -> LatencyStats::mean;
            case "p50" -> LatencyStats::p50;
            case "p90" -> LatencyStats::p90;
            case "p95" -> LatencyStats::p95;
            case "p99" -> LatencyStats::p99;
            case "p999" -> LatencyStats::p999;
            default -> LatencyStats::max;
        };
    }

    private static double count(String key, Summary summary) {
        return switch (key) {
            case "messages.lost" -> summary.messages().lost();
            case "messages.duplicated" -> summary.messages().duplicated();
            case "messages.outOfOrder" -> summary.messages().outOfOrder();
            default -> summary.errors() == null ? 0 : summary.errors().protocol();
        };
    }

    // Ratios are recomputed from the counts so that zero attempts is always 0.0, whatever wrote the summary.
    private static double ratio(String key, Summary summary) {
        return switch (key) {
            case "connections.successRatio" ->
                    ratio(summary.connections().succeeded(), summary.connections().attempted());
            case "channels.successRatio" -> ratio(summary.channels().joined(), summary.channels().attempted());
            default -> ratio(summary.messages().delivered(), summary.messages().expectedDeliveries());
        };
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    static String describe(Check check) {
        String verdict = check.passed() ? "PASS " : "FAIL ";
        Kind kind;
        try {
            kind = kindOf(check.name());
        } catch (IllegalArgumentException e) {
            // A check read back from an older or newer summary: describe it without units.
            return verdict + check.name() + ": " + plain(check.actual()) + " (limit " + plain(check.limit()) + ")";
        }
        return verdict + check.name() + ": " + switch (kind) {
            case MILLIS -> !check.passed() && check.actual() <= check.limit()
                    ? "no samples (limit " + millis(check.limit()) + ")"
                    : millis(check.actual()) + (check.passed() ? " <= limit " : " > limit ") + millis(check.limit());
            case COUNT -> plain(check.actual()) + (check.passed() ? " <= " : " > ") + plain(check.limit());
            case RATIO -> ratio4(check.actual()) + (check.passed() ? " >= " : " < ") + ratio4(check.limit());
        };
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
