package dev.realtimeharness.results;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code harness history}'s table: one line per recorded run, oldest first, with the change of p99 against the
 * previous run of the same scenario and the marks FAILED (its gate failed) and REGRESSED (p99 more than the allowed
 * ratio above that previous run).
 */
public final class HistoryTable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private HistoryTable() {
    }

    /** The marks of one entry, empty when there are none. */
    public static List<String> marks(RunHistory.Entry e, double maxRegression) {
        List<String> marks = new ArrayList<>();
        if (!e.passed()) {
            marks.add("FAILED");
        }
        if (e.regressed(maxRegression)) {
            marks.add("REGRESSED");
        }
        return marks;
    }

    public static String format(List<RunHistory.Entry> entries, double maxRegression) {
        int idWidth = "run id".length();
        int scenarioWidth = "scenario".length();
        for (RunHistory.Entry e : entries) {
            idWidth = Math.max(idWidth, e.runId().length());
            scenarioWidth = Math.max(scenarioWidth, e.scenario().length());
        }
        // Soak trends, when any run was judged per window: its worst window's p99 and its failed windows.
        boolean windowed = entries.stream().anyMatch(e -> e.failedWindows() != null);
        String row = "%-19s  %-" + idWidth + "s  %-" + scenarioWidth + "s  %-7s  %10s  %10s  %8s  %8s"
                + (windowed ? "  %16s  %14s" : "%s%s") + "  %s%n";
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, row, "time (UTC)", "run id", "scenario", "verdict", "p50 ms", "p99 ms",
                "lost", "Δp99", windowed ? "worst window p99" : "", windowed ? "failed windows" : "", "")
                .stripTrailing()).append('\n');
        for (RunHistory.Entry e : entries) {
            Double change = e.p99Change();
            String delta = change == null ? (e.previousP99() == null ? "-" : "n/a")
                    : String.format(Locale.ROOT, "%+.1f%%", 100 * change);
            b.append(String.format(Locale.ROOT, row, TIME.format(e.startedAt()), e.runId(), e.scenario(),
                    e.passed() ? "PASSED" : "FAILED", String.format(Locale.ROOT, "%.3f", e.p50()),
                    String.format(Locale.ROOT, "%.3f", e.p99()), e.lost(), delta,
                    !windowed ? "" : e.worstWindowP99() == null ? "-"
                            : String.format(Locale.ROOT, "%.3f", e.worstWindowP99()),
                    !windowed ? "" : e.failedWindows() == null ? "-" : Integer.toString(e.failedWindows()),
                    String.join(" ", marks(e, maxRegression))).stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
