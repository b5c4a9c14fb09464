package dev.realtimeharness.scenario;

import static dev.realtimeharness.scenario.FieldReader.child;
import static dev.realtimeharness.scenario.FieldReader.describe;
import static dev.realtimeharness.scenario.FieldReader.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds {@code target.embedded.faults}, a list of {@code {at|every: D, KIND: VALUE, for: D}} ({@link FaultSpec}).
 * Each entry has exactly one of {@code at} and {@code every}, exactly one fault kind, and {@code for} exactly when the
 * kind lasts a window. Percentages are written with their sign ({@code 10%}, {@code 0.1%}): a bare 0.1 could mean
 * either. A fault that could never fire within the scenario's {@code duration} ({@code at} at or after it,
 * {@code every} as long as it) is refused: a schedule that silently does less than it says is worse than none.
 */
final class FaultScheduleBinder {
    static final List<String> KINDS = List.of("disconnect", "stall", "restartDatabase", "rejectJoins", "delay",
            "drop", "malformedFrames");
    static final List<String> KEYS;
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    static {
        List<String> keys = new ArrayList<>(List.of("at", "every"));
        keys.addAll(KINDS);
        keys.add("for");
        KEYS = List.copyOf(keys);
    }

    private final Origins origins;
    private final FieldReader fields;

    FaultScheduleBinder(Origins origins, FieldReader fields) {
        this.origins = origins;
        this.fields = fields;
    }

    List<FaultSpec> bind(List<String> at, JsonNode node, Duration duration) throws ScenarioException {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw origins.error(at, "must be a list of faults, e.g. [{at: 2m, disconnect: 10%}, {every: 10m, "
                    + "stall: 3s}], got " + describe(node));
        }
        List<FaultSpec> faults = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            faults.add(entry(path(at, Integer.toString(i)), node.get(i), duration));
        }
        return List.copyOf(faults);
    }

    private FaultSpec entry(List<String> at, JsonNode e, Duration duration) throws ScenarioException {
        fields.object(at, e, KEYS);
        Duration when = fields.duration(at, e, "at", null, true);
        Duration every = fields.duration(at, e, "every", null, false);
        if ((when == null) == (every == null)) {
            throw origins.error(at, when == null ? "needs at (once, from the start of publishing) or every (repeated)"
                    : "has both at and every; give one");
        }
        String kindKey = null;
        for (Map.Entry<String, JsonNode> f : e.properties()) {
            if (KINDS.contains(f.getKey())) {
                if (kindKey != null) {
                    throw origins.error(path(at, f.getKey()), "one fault per entry; this one already has " + kindKey);
                }
                kindKey = f.getKey();
            }
        }
        if (kindKey == null) {
            throw origins.error(at, "needs a fault, one of " + String.join(", ", KINDS));
        }
        FaultSpec.Kind kind = FaultSpec.Kind.values()[KINDS.indexOf(kindKey)];
        List<String> kindAt = path(at, kindKey);
        Duration window = fields.duration(at, e, "for", null, false);
        if (kind.windowed() && window == null) {
            throw origins.error(at, kindKey + " lasts a window: add for, e.g. for: 30s");
        }
        if (!kind.windowed() && window != null) {
            throw origins.error(path(at, "for"), "only rejectJoins, delay, drop and malformedFrames last a window; "
                    + kindKey + (kind == FaultSpec.Kind.STALL ? " gives its length as its value (stall: 3s)"
                    : " happens at once"));
        }
        double ratio = 0;
        Duration amount = null;
        if (kind.percentage()) {
            ratio = percent(kindAt, e.get(kindKey));
        } else if (kind == FaultSpec.Kind.RESTART_DATABASE) {
            JsonNode v = e.get(kindKey);
            if (!(v.isBoolean() && v.booleanValue() || v.isTextual() && v.asText().strip().equals("true"))) {
                throw origins.error(kindAt, "must be true (leave the entry out for no restart), got " + describe(v));
            }
        } else {
            amount = fields.duration(at, e, kindKey, null, false);
        }
        Duration first = when != null ? when : every;
        if (first.compareTo(duration) >= 0) {
            String field = when != null ? "at" : "every";
            throw origins.error(path(at, field), "would never fire: " + field + " " + Durations.format(first)
                    + " is not within the run's duration (" + Durations.format(duration) + ")");
        }
        if (every != null && window != null && window.compareTo(every) >= 0) {
            throw origins.error(path(at, "for"), "must be shorter than every (" + Durations.format(every)
                    + "), or one window would run into the next");
        }
        return new FaultSpec(kind, when, every, ratio, amount, window);
    }

    private double percent(List<String> at, JsonNode v) throws ScenarioException {
        String text = fields.scalar(at, v, "a percentage such as 10%");
        Matcher m = PERCENT.matcher(text.strip());
        if (!v.isTextual() || !m.matches()) {
            throw origins.error(at, "must be a percentage between 0% and 100% (e.g. 10% or 0.1%), got " + describe(v));
        }
        BigDecimal pct = new BigDecimal(m.group(1));
        if (pct.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw origins.error(at, "must be between 0% and 100%, got " + text.strip());
        }
        return pct.movePointLeft(2).doubleValue();
    }
}
