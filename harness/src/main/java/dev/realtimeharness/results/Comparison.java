package dev.realtimeharness.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run against a baseline: each headline figure with its change, and whether a latency percentile regressed
 * beyond the allowed relative bound ({@code harness compare}). Only latency figures decide; the counts are shown
 * for context.
 */
public record Comparison(String run, String baseline, double maxRegression, List<Row> rows) {

    /** One figure; {@code gating} rows decide the outcome, {@code regressed} says whether this one failed. */
    public record Row(String metric, String unit, double value, double baseline, boolean gating, boolean regressed) {

        /** Relative change, or NaN when the baseline is zero. */
        public double change() {
            return baseline == 0 ? (value == 0 ? 0 : Double.NaN) : (value - baseline) / baseline;
        }
    }

    public static Comparison of(Summary run, Summary base, double maxRegression) {
        List<Row> rows = new ArrayList<>();
        latency(rows, "latency.p50", run.latency().p50(), base.latency().p50(), maxRegression);
        latency(rows, "latency.p95", run.latency().p95(), base.latency().p95(), maxRegression);
        latency(rows, "latency.p99", run.latency().p99(), base.latency().p99(), maxRegression);
        latency(rows, "latency.p999", run.latency().p999(), base.latency().p999(), maxRegression);
        latency(rows, "latency.mean", run.latency().mean(), base.latency().mean(), maxRegression);
        rows.add(new Row("messages.delivered", "", run.messages().delivered(), base.messages().delivered(), false,
                false));
        rows.add(new Row("messages.lost", "", run.messages().lost(), base.messages().lost(), false, false));
        rows.add(new Row("connections.successRatio", "", run.connections().successRatio(),
                base.connections().successRatio(), false, false));
        return new Comparison(run.runId(), base.runId(), maxRegression, List.copyOf(rows));
    }

    private static void latency(List<Row> rows, String name, double value, double base, double max) {
        // A percentile that was zero (no samples) in the baseline cannot be compared relatively: any sample now is
        // reported but does not count as a regression.
        boolean regressed = base > 0 && (value - base) / base > max;
        rows.add(new Row(name, "ms", value, base, true, regressed));
    }

    public boolean regressed() {
        return rows.stream().anyMatch(Row::regressed);
    }

    public List<String> regressedMetrics() {
        return rows.stream().filter(Row::regressed).map(Row::metric).toList();
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-26s %14s %14s %10s%n", "metric", "run", "baseline", "change"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-26s %14s %14s %10s%s%n", r.metric(), fmt(r.value(), r.unit()),
                    fmt(r.baseline(), r.unit()), pct(r.change()), r.regressed() ? "  REGRESSED" : ""));
        }
        return sb.toString();
    }

    public void writeHtml(Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>compare ")
                .append(esc(run)).append(" vs ").append(esc(baseline)).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".bad{color:#b00020;font-weight:bold}.ok{color:#1b7f3b}</style></head><body>");
        h.append("<h1 class=\"").append(regressed() ? "bad" : "ok").append("\">")
                .append(regressed() ? "REGRESSED: " + esc(String.join(", ", regressedMetrics())) : "No regression")
                .append("</h1>");
        h.append(String.format(Locale.ROOT, "<p>run <b>%s</b> against baseline <b>%s</b>; a latency figure regresses "
                + "when it is more than %.1f%% above the baseline.</p>", esc(run), esc(baseline), maxRegression * 100));
        h.append("<table><tr><th>metric</th><th>run</th><th>baseline</th><th>change</th><th></th></tr>");
        for (Row r : rows) {
            h.append("<tr><td>").append(esc(r.metric())).append("</td><td>").append(esc(fmt(r.value(), r.unit())))
                    .append("</td><td>").append(esc(fmt(r.baseline(), r.unit()))).append("</td><td>")
                    .append(esc(pct(r.change()))).append("</td><td class=\"").append(r.regressed() ? "bad" : "ok")
                    .append("\">").append(r.gating() ? (r.regressed() ? "regressed" : "ok") : "").append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        byte[] bytes = h.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static String fmt(double v, String unit) {
        if (unit.equals("ms")) {
            return String.format(Locale.ROOT, "%.3f ms", v);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double change) {
        return Double.isNaN(change) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", change * 100);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
