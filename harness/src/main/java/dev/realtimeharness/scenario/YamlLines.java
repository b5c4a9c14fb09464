package dev.realtimeharness.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over a YAML document that records, for every key and list element, the line it
 * starts on. Jackson's tree model drops locations, so semantic errors found later look their line up here.
 */
final class YamlLines {

    /** A YAML syntax error (or duplicate key), with the parser's line and the path it was reading. */
    static final class SyntaxError extends Exception {
        final int line;
        final List<String> path;

        SyntaxError(int line, List<String> path, String message) {
            super(message);
            this.line = line;
            this.path = path;
        }
    }

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Map<List<String>, Integer> lines;

    private YamlLines(Map<List<String>, Integer> lines) {
        this.lines = lines;
    }

    /** The line of the key or element at {@code path}, or 0 when the document has no such node. */
    int line(List<String> path) {
        return lines.getOrDefault(path, 0);
    }

    static YamlLines scan(String yaml) throws SyntaxError {
        Map<List<String>, Integer> lines = new HashMap<>();
        lines.put(List.of(), 1);
        // Each frame is one open container: the current key for a mapping, the next index for a list.
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = FACTORY.createParser(yaml)) {
            try {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    int line = p.currentTokenLocation().getLineNr();
                    switch (t) {
                        case FIELD_NAME -> {
                            stack.peek().key = p.currentName();
                            lines.putIfAbsent(path(stack), line);
                        }
                        case START_OBJECT, START_ARRAY -> {
                            if (!stack.isEmpty()) {
                                lines.putIfAbsent(path(stack), line);
                            }
                            stack.push(new Frame(t == JsonToken.START_ARRAY));
                        }
                        case END_OBJECT, END_ARRAY -> {
                            stack.pop();
                            advance(stack);
                        }
                        default -> {
                            if (!stack.isEmpty()) {
                                lines.putIfAbsent(path(stack), line);
                            }
                            advance(stack);
                        }
                    }
                }
            } catch (JsonProcessingException e) {
                throw syntaxError(e, stack);
            }
        } catch (IOException e) {
            if (e instanceof JsonProcessingException jpe) {
                throw syntaxError(jpe, stack);
            }
            throw new SyntaxError(0, List.of(), "cannot read YAML: " + e.getMessage());
        }
        return new YamlLines(lines);
    }

    private static SyntaxError syntaxError(JsonProcessingException e, Deque<Frame> stack) {
        int line = 0;
        String message = e.getOriginalMessage();
        // SnakeYAML's own exception knows the line of the actual problem; Jackson's location may be the context's.
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
                line = m.getProblemMark().getLine() + 1;
                message = (m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem();
                break;
            }
        }
        JsonLocation loc = e.getLocation();
        if (line == 0 && loc != null) {
            line = loc.getLineNr();
        }
        message = message == null ? e.toString() : message.replaceAll("\\s+", " ").strip();
        List<String> path = new ArrayList<>(path(stack));
        // The parser may already be past a list element that never completed; name the enclosing key.
        while (!path.isEmpty() && isIndex(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (message.startsWith("Duplicate field ")) {
            return new SyntaxError(Math.max(line, 0), List.copyOf(path),
                    "duplicate key " + message.substring("Duplicate field ".length()));
        }
        return new SyntaxError(Math.max(line, 0), List.copyOf(path), "YAML syntax error: " + message);
    }

    private static boolean isIndex(String seg) {
        return seg.chars().allMatch(Character::isDigit) && !seg.isEmpty();
    }

    private static void advance(Deque<Frame> stack) {
        Frame top = stack.peek();
        if (top != null && top.list) {
            top.index++;
        }
    }

    private static List<String> path(Deque<Frame> stack) {
        List<String> path = new ArrayList<>(stack.size());
        var it = stack.descendingIterator();
        while (it.hasNext()) {
            Frame f = it.next();
            String seg = f.list ? Integer.toString(f.index) : f.key;
            if (seg == null) {
                break;
            }
            path.add(seg);
        }
        return List.copyOf(path);
    }

    private static final class Frame {
        final boolean list;
        String key;
        int index;

        Frame(boolean list) {
            this.list = list;
        }
    }
}
