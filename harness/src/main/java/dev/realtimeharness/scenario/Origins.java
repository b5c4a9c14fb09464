package dev.realtimeharness.scenario;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each value of the merged tree came from: a line of the file, or a {@code --set}. Errors are built
 * here so that every one names file, line (or --set) and field the same way.
 */
final class Origins {

    private final Path file;
    private final YamlLines lines;
    private final Map<List<String>, String> sets = new HashMap<>();

    Origins(Path file, YamlLines lines) {
        this.file = file;
        this.lines = lines;
    }

    Path file() {
        return file;
    }

    void fromSet(List<String> path, String set) {
        sets.put(List.copyOf(path), set);
    }

    /**
     * An error at {@code path}. A missing field has no line of its own, so the nearest enclosing node that
     * has one (or came from a --set) is named instead.
     */
    ScenarioException error(List<String> path, String detail) {
        for (int n = path.size(); n >= 0; n--) {
            List<String> p = path.subList(0, n);
            String set = sets.get(p);
            if (set != null) {
                return new ScenarioException(file, 0, dotted(path), set, detail);
            }
            int line = lines.line(p);
            if (line > 0) {
                return new ScenarioException(file, line, dotted(path), null, detail);
            }
        }
        return new ScenarioException(file, 0, dotted(path), null, detail);
    }

    /** {@code [channel, postgresChanges, 0, filter]} → {@code channel.postgresChanges[0].filter}. */
    static String dotted(List<String> path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            String seg = path.get(i);
            if (i > 0 && isIndex(seg) && !path.get(0).equals("gate")) {
                sb.append('[').append(seg).append(']');
            } else {
                if (i > 0) {
                    sb.append('.');
                }
                sb.append(seg);
            }
        }
        return sb.toString();
    }

    private static boolean isIndex(String seg) {
        return !seg.isEmpty() && seg.chars().allMatch(Character::isDigit);
    }
}
