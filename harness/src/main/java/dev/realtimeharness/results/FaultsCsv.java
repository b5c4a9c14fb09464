package dev.realtimeharness.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code faults.csv}: one row per fault the schedule applied (target.embedded.faults), appended as it is applied, so
 * a run killed at any moment still lists every fault up to then. {@code elapsedSeconds} counts from the start of
 * publishing (the schedule's clock), {@code time} and {@code epochMillis} are the wall clock (report.html places its
 * markers with them); {@code forSeconds} is empty for a fault without a window. Text fields are quoted.
 */
public final class FaultsCsv {
    public static final String FILE = "faults.csv";
    static final String HEADER = "elapsedSeconds,time,epochMillis,fault,value,forSeconds,description,outcome";

    /** One applied fault. {@code forSeconds} null when the fault lasts no window. */
    public record Row(double elapsedSeconds, Instant time, String fault, String value, Double forSeconds,
            String description, String outcome) {

        String csv() {
            return String.format(Locale.ROOT, "%.3f,%s,%d,%s,%s,%s,%s,%s", elapsedSeconds, time, time.toEpochMilli(),
                    quote(fault), quote(value), forSeconds == null ? "" : String.format(Locale.ROOT, "%.3f", forSeconds),
                    quote(description), quote(outcome));
        }
    }

    private FaultsCsv() {
    }

    /** Creates the file with its header (replacing one left by an earlier run under the same id). */
    public static void create(Path file) throws IOException {
        Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
    }

    /** Appends one row with one write, so that a reader never sees half of it unless the process dies mid-write. */
    public static synchronized void append(Path file, Row row) throws IOException {
        Files.writeString(file, row.csv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Every complete row; empty when there is no such file (a run without a fault schedule). */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // The last element is what follows the last newline: empty, or a row cut short by a kill.
        for (int i = 1; i < lines.length - 1; i++) {
            List<String> c = split(lines[i]);
            if (c.size() < 8) {
                continue;
            }
            try {
                rows.add(new Row(Double.parseDouble(c.get(0)), Instant.ofEpochMilli(Long.parseLong(c.get(2))), c.get(3),
                        c.get(4), c.get(5).isEmpty() ? null : Double.parseDouble(c.get(5)), c.get(6), c.get(7)));
            } catch (RuntimeException e) {
                // Not a row this version wrote; the report shows the others.
            }
        }
        return rows;
    }

    private static String quote(String s) {
        return "\"" + (s == null ? "" : s.replace("\"", "\"\"").replace('\n', ' ')) + "\"";
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
