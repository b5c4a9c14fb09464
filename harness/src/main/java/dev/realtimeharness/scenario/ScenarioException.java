package dev.realtimeharness.scenario;

import java.nio.file.Path;

/**
 * An invalid scenario. The message names the file, the line (or the {@code --set} the value came from)
 * and the dotted field, e.g. {@code scenarios/x.yaml:3: field 'drivers': must be at least 1, got 0}.
 */
public final class ScenarioException extends Exception {

    private final Path file;
    private final int line;
    private final String field;
    private final String origin;
    private final String detail;

    /**
     * @param line   1-based line in {@code file}, 0 when unknown or when the value came from {@code --set}
     * @param field  dotted path such as {@code publish.rate}; empty when the error is about the whole file
     * @param origin the {@code --set KEY=VALUE} the value came from, or null
     */
    public ScenarioException(Path file, int line, String field, String origin, String detail) {
        super(render(file, line, field, origin, detail));
        this.file = file;
        this.line = line;
        this.field = field == null ? "" : field;
        this.origin = origin;
        this.detail = detail;
    }

    public Path file() {
        return file;
    }

    /** 1-based line, 0 when unknown or the value came from {@code --set}. */
    public int line() {
        return line;
    }

    /** Dotted path of the offending field ({@code publish.rate}, {@code gate.latency.p99}), or empty. */
    public String field() {
        return field;
    }

    /** The {@code --set KEY=VALUE} the offending value came from, or null when it came from the file. */
    public String origin() {
        return origin;
    }

    /** The message without file, line and field. */
    public String detail() {
        return detail;
    }

    private static String render(Path file, int line, String field, String origin, String detail) {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (origin != null) {
            sb.append(origin).append(": ");
        }
        if (field != null && !field.isEmpty()) {
            sb.append("field '").append(field).append("': ");
        }
        return sb.append(detail).toString();
    }
}
