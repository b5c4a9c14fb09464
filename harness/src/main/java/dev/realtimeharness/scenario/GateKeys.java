package dev.realtimeharness.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gate keys a scenario may use, and what kind of limit each is. Values are kept in canonical units:
 * latency limits in milliseconds, counts and ratios as plain numbers.
 */
public final class GateKeys {

    /** What a gate limit means for the measured value. */
    public enum Kind {
        /** A latency in milliseconds; passes when actual ≤ limit. Written as a duration ("200ms"). */
        LATENCY_MAX_MS,
        /** A count; passes when actual ≤ limit. Written as a non-negative integer. */
        COUNT_MAX,
        /** A ratio in [0, 1]; passes when actual ≥ limit. Written as a number or a percentage ("99%"). */
        RATIO_MIN,
        /**
         * Something that must not happen: actual is 1 when it did, 0 when not; passes when actual ≤ limit. Written
         * {@code false} (limit 0: must not happen) or {@code true} (limit 1: allowed, the check only reports it).
         */
        FLAG
    }

    public static final List<String> LATENCY_METRICS =
            List.of("latency", "latencyRaw", "joinLatency", "readyLatency", "connectLatency");
    public static final List<String> LATENCY_STATS =
            List.of("min", "mean", "p50", "p90", "p95", "p99", "p999", "max");

    /**
     * The gate of a scenario without a {@code gate} section: nothing lost, connections and channels up, and the
     * harness not its own bottleneck. {@code gate: {}} means no checks at all.
     */
    static final Map<String, String> DEFAULT_GATE = defaultGate();

    /** The reasons of {@code messages.lostByReason}, as summary.json names them. */
    public static final List<String> LOST_REASONS = List.of("inFlight", "channelDown", "neverReady", "publishFailed");

    private static final Map<String, Kind> KEYS = build();
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    private GateKeys() {
    }

    private static Map<String, Kind> build() {
        Map<String, Kind> keys = new LinkedHashMap<>();
        for (String metric : LATENCY_METRICS) {
            for (String stat : LATENCY_STATS) {
                keys.put(metric + "." + stat, Kind.LATENCY_MAX_MS);
            }
        }
        for (String k : List.of("messages.lost", "messages.duplicated", "messages.outOfOrder", "errors.protocol")) {
            keys.put(k, Kind.COUNT_MAX);
        }
        for (String k : List.of("connections.successRatio", "channels.successRatio", "messages.deliveredRatio")) {
            keys.put(k, Kind.RATIO_MIN);
        }
        // Appended: the readiness ratio and the lost deliveries by reason (measurement.md, "Accounting").
        keys.put("channels.readyRatio", Kind.RATIO_MIN);
        for (String reason : LOST_REASONS) {
            keys.put("messages.lostByReason." + reason, Kind.COUNT_MAX);
        }
        keys.put("harness.saturated", Kind.FLAG);
        return Collections.unmodifiableMap(keys);
    }

    private static Map<String, String> defaultGate() {
        Map<String, String> gate = new LinkedHashMap<>();
        gate.put("messages.lost", "0");
        gate.put("connections.successRatio", "0.99");
        gate.put("channels.readyRatio", "0.99");
        gate.put("harness.saturated", "false");
        return Collections.unmodifiableMap(gate);
    }

    /**
     * Whether a check is also judged per window ({@code gate.window}): the latency checks and the loss checks. Ratios
     * of connections and channels and the harness flag are judged over the run only.
     */
    public static boolean windowed(String key) {
        Kind kind = KEYS.get(key);
        return kind == Kind.LATENCY_MAX_MS || key.equals("messages.lost") || key.startsWith("messages.lostByReason.")
                || key.equals("messages.deliveredRatio");
    }

    /**
     * Whether a failed check can stop a run early ({@code gate.abortOnFail}): only those that can no longer pass
     * once they failed: counts that only grow, the connection ratio once the ramp is over. A whole-run latency can
     * still come down, so it never stops a run (its windows can); nor does {@code harness.saturated}, whose hiccup
     * and event-loop-lag rules are whole-run p99s that come back under their limit once a stall is diluted (a soak
     * stopped at 0 s of publishing by the JIT's warm-up on a busy machine showed it); the final verdict still fails.
     */
    public static boolean canStopEarly(String key) {
        Kind kind = KEYS.get(key);
        return kind == Kind.COUNT_MAX || key.equals("connections.successRatio");
    }

    public static boolean isKnown(String key) {
        return KEYS.containsKey(key);
    }

    /** The kind of a known key; throws IllegalArgumentException for an unknown one. */
    public static Kind kind(String key) {
        Kind kind = KEYS.get(key);
        if (kind == null) {
            throw new IllegalArgumentException(unknownMessage(key));
        }
        return kind;
    }

    /** Every known key, latency keys first, in a stable order. */
    public static List<String> all() {
        return new ArrayList<>(KEYS.keySet());
    }

    /**
     * Parses a limit given as text (a --set value, for instance) into its canonical unit;
     * throws IllegalArgumentException naming what is allowed.
     */
    public static double parseLimit(String key, String text) {
        String s = text == null ? "" : text.strip();
        return switch (kind(key)) {
            case LATENCY_MAX_MS -> Durations.toMillis(Durations.parse(s));
            case COUNT_MAX -> {
                if (!s.matches("\\d+")) {
                    throw new IllegalArgumentException("must be a non-negative integer, got '" + text + "'");
                }
                yield checkCount(Long.parseLong(s));
            }
            case RATIO_MIN -> {
                Matcher m = PERCENT.matcher(s);
                double ratio;
                if (m.matches()) {
                    ratio = Double.parseDouble(m.group(1)) / 100.0;
                } else {
                    try {
                        ratio = Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("must be a ratio between 0 and 1 (or a percentage), got '" + text + "'");
                    }
                }
                yield checkRatio(ratio);
            }
            case FLAG -> switch (s) {
                case "false" -> 0.0;
                case "true" -> 1.0;
                default -> throw new IllegalArgumentException("must be false (must not happen) or true (allowed), got '"
                        + text + "'");
            };
        };
    }

    static double checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("must be a non-negative integer, got " + n);
        }
        return n;
    }

    static double checkRatio(double r) {
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("must be a ratio between 0 and 1, got " + r);
        }
        return r;
    }

    static String unknownMessage(String key) {
        return "unknown gate key '" + key + "' (allowed: " + String.join(", ", LATENCY_METRICS) + " with ."
                + String.join("|", LATENCY_STATS) + "; messages.lost, messages.duplicated, messages.outOfOrder, "
                + "errors.protocol, messages.lostByReason." + String.join("|", LOST_REASONS)
                + "; connections.successRatio, channels.successRatio, messages.deliveredRatio, channels.readyRatio; "
                + "harness.saturated)";
    }
}
