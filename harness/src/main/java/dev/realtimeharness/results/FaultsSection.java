package dev.realtimeharness.results;

import java.util.List;
import java.util.Locale;

/**
 * report.html's injected faults (faults.csv): a marker per fault on the latency chart, its window shaded, and the list
 * of faults under the chart with when they were applied and what they did.
 */
final class FaultsSection {
    private FaultsSection() {
    }

    /** Marks each fault on {@code chart}, whose x axis is seconds after {@code t0Seconds} (epoch seconds). */
    static SvgChart mark(SvgChart chart, List<FaultsCsv.Row> faults, double t0Seconds) {
        for (FaultsCsv.Row f : faults) {
            double x = f.time().toEpochMilli() / 1000.0 - t0Seconds;
            String label = f.fault() + ("true".equals(f.value()) ? "" : " " + f.value()) + (f.forSeconds() == null ? ""
                    : String.format(Locale.ROOT, " for %.0fs", f.forSeconds()));
            chart.marker(x, f.forSeconds() == null ? 0 : f.forSeconds(), label, line(f));
        }
        return chart;
    }

    static void append(StringBuilder h, List<FaultsCsv.Row> faults) {
        if (faults.isEmpty()) {
            return;
        }
        h.append("<table id=\"faults\"><tr><th>fault at (from the start of publishing)</th><th>fault</th>"
                + "<th>what it did</th></tr>");
        for (FaultsCsv.Row f : faults) {
            h.append("<tr><td>").append(String.format(Locale.ROOT, "%.1f s", f.elapsedSeconds())).append("</td><td>")
                    .append(Comparison.esc(f.description())).append("</td><td style=\"text-align:left\">")
                    .append(Comparison.esc(f.outcome())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static String line(FaultsCsv.Row f) {
        return String.format(Locale.ROOT, "fault at %.1f s: %s%s", f.elapsedSeconds(), f.description(),
                f.outcome().isEmpty() ? "" : " (" + f.outcome() + ")");
    }
}
