package dev.realtimeharness.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scenario binder's typed field readers: each takes the parent's path, the parent node and the key, checks the
 * value, and throws a {@link ScenarioException} that {@link Origins} places at the file's line.
 */
final class FieldReader {
    private final Origins origins;

    FieldReader(Origins origins) {
        this.origins = origins;
    }


    void object(List<String> at, JsonNode node, List<String> allowed) throws ScenarioException {
        if (!node.isObject()) {
            throw origins.error(at, "must be a mapping with keys " + String.join(", ", allowed) + "; got " + describe(node));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!allowed.contains(key)) {
                throw origins.error(path(at, key), "unknown key (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    String string(List<String> at, JsonNode parent, String key, String dflt) throws ScenarioException {
        JsonNode n = child(parent, key);
        return n == null ? dflt : scalar(path(at, key), n, "a string");
    }

    long integer(List<String> at, JsonNode parent, String key, long dflt, long min, long max)
            throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return dflt;
        }
        List<String> p = path(at, key);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw origins.error(p, "must be an integer, got " + describe(n));
        }
        long v = n.longValue();
        if (v < min) {
            throw origins.error(p, "must be at least " + min + ", got " + v);
        }
        if (v > max) {
            throw origins.error(p, "must be at most " + max + ", got " + v);
        }
        return v;
    }

    boolean bool(List<String> at, JsonNode parent, String key, boolean dflt) throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw origins.error(path(at, key), "must be true or false, got " + describe(n));
        }
        return n.booleanValue();
    }

    Duration duration(List<String> at, JsonNode parent, String key, Duration dflt, boolean zeroAllowed)
            throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return dflt;
        }
        List<String> p = path(at, key);
        Duration d;
        try {
            d = Durations.parse(scalar(p, n, "a duration"));
        } catch (IllegalArgumentException e) {
            throw origins.error(p, e.getMessage());
        }
        if (!zeroAllowed && d.isZero()) {
            throw origins.error(p, "must be longer than 0");
        }
        return d;
    }

    Rate rate(List<String> at, JsonNode parent, String key, Rate dflt) throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return dflt;
        }
        List<String> p = path(at, key);
        try {
            return Rate.parse(scalar(p, n, "a rate"));
        } catch (IllegalArgumentException e) {
            throw origins.error(p, e.getMessage());
        }
    }

    double ratio(List<String> at, JsonNode parent, String key) throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return 0;
        }
        List<String> p = path(at, key);
        if (!n.isNumber()) {
            throw origins.error(p, "must be a number between 0 and 1, got " + describe(n));
        }
        double v = n.doubleValue();
        if (!(v >= 0 && v <= 1)) {
            throw origins.error(p, "must be between 0 and 1, got " + n.asText());
        }
        return v;
    }

    void template(List<String> p, String template) throws ScenarioException {
        try {
            TopicTemplate.validate(template);
        } catch (IllegalArgumentException e) {
            throw origins.error(p, e.getMessage());
        }
    }

    /** The text of a scalar; mappings and lists are type errors. */
    String scalar(List<String> p, JsonNode n, String expected) throws ScenarioException {
        if (!n.isValueNode()) {
            throw origins.error(p, "must be " + expected + ", got " + describe(n));
        }
        return n.asText();
    }

    /** The child, or null when it is absent or an explicit YAML null (both mean: use the default). */
    static JsonNode child(JsonNode parent, String key) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(key);
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    static List<String> path(List<String> at, String key) {
        List<String> p = new ArrayList<>(at.size() + 1);
        p.addAll(at);
        p.add(key);
        return List.copyOf(p);
    }

    static String describe(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "'" + n.asText() + "'";
        }
        return n.asText();
    }
}
