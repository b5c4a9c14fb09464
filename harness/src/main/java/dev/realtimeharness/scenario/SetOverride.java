package dev.realtimeharness.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --set KEY=VALUE}: a dotted path into the scenario tree and a YAML scalar. Everything after
 * {@code gate.} is one gate key (gate keys contain dots). List elements are addressed by index
 * ({@code channel.postgresChanges.0.filter} or {@code channel.postgresChanges[0].filter}).
 * An empty value removes the field, so its default applies (for a gate key: no such check).
 */
record SetOverride(String text, List<String> path, JsonNode value) {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Parses {@code KEY=VALUE}; throws IllegalArgumentException for a malformed one. */
    static SetOverride parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, e.g. drivers=20 or publish.rate=200/s");
        }
        String key = text.substring(0, eq).strip();
        String raw = text.substring(eq + 1);
        List<String> path = new ArrayList<>();
        if (key.startsWith("gate.")) {
            path.add("gate");
            path.add(key.substring("gate.".length()));
        } else {
            for (String seg : key.replaceAll("\\[(\\d+)]", ".$1").split("\\.", -1)) {
                path.add(seg);
            }
        }
        if (path.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + key + "' is not a dotted path");
        }
        return new SetOverride(text, List.copyOf(path), scalar(raw));
    }

    // A YAML scalar, so 20 is a number and true a boolean. Text that YAML reads as something else
    // ("a: b", "*", "[x") is taken literally: a --set value is always one scalar.
    private static JsonNode scalar(String raw) {
        if (raw.isBlank()) {
            return null;
        }
        try {
            JsonNode n = YAML.readTree(raw);
            if (n != null && n.isValueNode() && !n.isNull()) {
                return n;
            }
            if (n != null && n.isNull() && raw.strip().matches("~|null|Null|NULL")) {
                return null;
            }
        } catch (JsonProcessingException e) {
            // fall through to the literal text
        }
        return TextNode.valueOf(raw.strip());
    }

    String origin() {
        return "--set " + text;
    }

    /** Applies this override to {@code root}, creating missing sections, and records the origin of what it wrote. */
    void apply(ObjectNode root, Origins origins) throws ScenarioException {
        JsonNode node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String seg = path.get(i);
            List<String> here = path.subList(0, i + 1);
            JsonNode next = childOf(node, seg, here, origins);
            if (next == null || next.isNull()) {
                if (!(node instanceof ObjectNode obj)) {
                    throw origins.error(here, "no such list element");
                }
                next = obj.putObject(seg);
                origins.fromSet(here, origin());
            } else if (!next.isContainerNode()) {
                // The value itself is the problem, but the --set is what the user must change.
                throw new ScenarioException(origins.file(), 0, Origins.dotted(path), origin(),
                        "'" + Origins.dotted(here) + "' is a single value, not a section");
            }
            node = next;
        }
        String last = path.get(path.size() - 1);
        if (node instanceof ObjectNode obj) {
            if (value == null) {
                obj.remove(last);
            } else {
                obj.set(last, value);
            }
        } else {
            ArrayNode arr = (ArrayNode) node;
            int index = index(last, arr, path, origins);
            if (value == null) {
                arr.remove(index);
            } else {
                arr.set(index, value);
            }
        }
        origins.fromSet(path, origin());
    }

    private JsonNode childOf(JsonNode node, String seg, List<String> here, Origins origins) throws ScenarioException {
        if (node instanceof ArrayNode arr) {
            return arr.get(index(seg, arr, here, origins));
        }
        return node.get(seg);
    }

    private int index(String seg, ArrayNode arr, List<String> here, Origins origins) throws ScenarioException {
        if (!seg.matches("\\d{1,9}") || Integer.parseInt(seg) >= arr.size()) {
            throw new ScenarioException(origins.file(), 0, Origins.dotted(path), origin(),
                    "'" + Origins.dotted(here) + "' is not an element of a list of " + arr.size());
        }
        return Integer.parseInt(seg);
    }
}
