package dev.realtimeharness.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads and validates a scenario file, applying {@code --set KEY=VALUE} overrides first.
 *
 * <p>Two passes: a streaming pass records the line of every key (Jackson's tree drops locations), then the
 * tree is read, overridden and bound field by field, so every semantic error can name its line.
 */
public final class ScenarioLoader {

    private static final YAMLMapper YAML = new YAMLMapper();

    private ScenarioLoader() {
    }

    public static Scenario load(Path file) throws ScenarioException {
        return load(file, List.of());
    }

    /** Loads {@code file} with the given {@code KEY=VALUE} overrides (without the {@code --set}). */
    public static Scenario load(Path file, List<String> sets) throws ScenarioException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(file, 0, "", null, "cannot read the file: " + e);
        }
        return parse(file, text, sets);
    }

    /** Like {@link #load(Path, List)} for YAML already in memory; {@code file} is only used in messages. */
    public static Scenario parse(Path file, String yaml, List<String> sets) throws ScenarioException {
        YamlLines lines;
        try {
            lines = YamlLines.scan(yaml);
        } catch (YamlLines.SyntaxError e) {
            throw new ScenarioException(file, e.line, Origins.dotted(e.path), null, e.getMessage());
        }
        Origins origins = new Origins(file, lines);
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            // The streaming pass accepted it, so this is unexpected; still report it as a syntax error.
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ScenarioException(file, line, "", null, "YAML syntax error: " + e.getOriginalMessage());
        }
        if (root != null && !root.isMissingNode() && !root.isNull() && !root.isObject()) {
            throw origins.error(List.of(), "must be a mapping of scenario fields, got "
                    + FieldReader.describe(root));
        }
        ObjectNode tree = root instanceof ObjectNode obj ? obj : null;
        if (tree != null && (!tree.has("gate") || tree.get("gate").isNull())) {
            // No gate section: the default gate, which --set gate.KEY=VALUE then adjusts like any other field.
            ObjectNode gate = tree.putObject("gate");
            GateKeys.DEFAULT_GATE.forEach(gate::put);
        }
        for (String set : sets) {
            SetOverride override;
            try {
                override = SetOverride.parse(set);
            } catch (IllegalArgumentException e) {
                throw new ScenarioException(file, 0, "", "--set " + set, e.getMessage());
            }
            if (tree == null) {
                tree = YAML.createObjectNode();
            }
            override.apply(tree, origins);
        }
        return new ScenarioBinder(origins).bind(tree);
    }

    /**
     * An error about field {@code path} of a scenario already loaded, found by a check that needs what loading did
     * not know (the target's limits). It names the scenario's file and the line the value is on, or the
     * {@code --set} it came from when the file does not hold {@code value} there.
     */
    public static ScenarioException fieldError(Scenario s, List<String> path, String value, String detail) {
        Path file = s.source();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            JsonNode node = YAML.readTree(text);
            for (String key : path) {
                node = node == null ? null : node.get(key);
            }
            if (node != null && node.isValueNode() && node.asText().equals(value)) {
                return new Origins(file, YamlLines.scan(text)).error(path, detail);
            }
        } catch (IOException | YamlLines.SyntaxError | RuntimeException e) {
            return new ScenarioException(file, 0, Origins.dotted(path), null, detail);
        }
        String dotted = Origins.dotted(path);
        return new ScenarioException(file, 0, dotted, "--set " + dotted + "=" + value, detail);
    }

    /** The scenario with the CLI's {@code --duration}; see {@link Scenario#withDuration(Duration)}. */
    public static Scenario withDuration(Scenario scenario, Duration duration) {
        return scenario.withDuration(duration);
    }
}
