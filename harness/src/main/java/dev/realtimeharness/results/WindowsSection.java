package dev.realtimeharness.results;

import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Figures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The part of report.html about a run judged per window ({@code gate.window}) or stopped early
 * ({@code gate.abortOnFail}): one row per window with each windowed check's figure, failed figures and failed
 * windows in red.
 */
final class WindowsSection {
    private WindowsSection() {
    }

    /** The windows as the gate counts them (null: not windowed): judged, failed, the failed ones described. */
    static Figures.WindowTally tally(List<Summary.Window> windows) {
        if (windows == null) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        for (Summary.Window w : windows) {
            if (!w.passed()) {
                failures.add(w.describeFailure());
            }
        }
        return new Figures.WindowTally(windows.size(), failures.size(), failures);
    }

    static void append(StringBuilder h, Summary s) {
        if (s.stoppedEarly() != null) {
            h.append("<p id=\"stopped\" class=\"warn\"><b>Stopped early</b> after ")
                    .append(s.stoppedEarly().elapsedSeconds()).append(" s of publishing (gate.abortOnFail), at ")
                    .append(Comparison.esc(s.stoppedEarly().at())).append(": ")
                    .append(Comparison.esc(s.stoppedEarly().line())).append("</p>");
        }
        if (s.windows() == null) {
            return;
        }
        long failed = s.windows().stream().filter(w -> !w.passed()).count();
        h.append("<h2>Windows</h2><p>").append(s.windows().size()).append(" windows judged, <span class=\"")
                .append(failed > 0 ? "bad" : "ok").append("\">").append(failed).append(" failed</span>")
                .append(" (latency by the second a frame arrived, loss by the second its probe was due)</p>");
        Set<String> names = new LinkedHashSet<>();
        s.windows().forEach(w -> w.checks().forEach(c -> names.add(c.name())));
        h.append("<table id=\"windows\"><tr><th>window</th>");
        names.forEach(n -> h.append("<th>").append(Comparison.esc(n)).append("</th>"));
        h.append("<th></th></tr>");
        for (Summary.Window w : s.windows()) {
            h.append("<tr").append(w.passed() ? "" : " class=\"failed\"").append("><td>")
                    .append(Comparison.esc(clock(w.start()))).append("–").append(Comparison.esc(clock(w.end())))
                    .append("</td>");
            for (String n : names) {
                Check c = w.checks().stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
                h.append("<td").append(c != null && !c.passed() ? " class=\"bad\"" : "").append(">")
                        .append(c == null ? "" : String.format(Locale.ROOT, "%.3f", c.actual())).append("</td>");
            }
            h.append("<td class=\"").append(w.passed() ? "ok\">pass" : "bad\">FAIL").append("</td></tr>");
        }
        h.append("</table>");
    }

    private static String clock(String instant) {
        int t = instant.indexOf('T');
        return t < 0 || instant.length() < t + 9 ? instant : instant.substring(t + 1, t + 9);
    }
}
