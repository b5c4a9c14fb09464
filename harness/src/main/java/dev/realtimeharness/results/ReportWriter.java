package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.gate.Check;
import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;

/**
 * {@code report.html}: one self-contained page rendered from a run directory's files (summary.json, latency.hlog,
 * timeline.csv, run.json): the verdict and every gate check first, the percentile table, latency over time, the
 * percentile distribution, deliveries per second, connections and channels, the harness's own CPU and heap, and the
 * run's configuration (already redacted in run.json). Charts are inline SVG; the page loads nothing.
 */
public final class ReportWriter {
    private static final String GREEN = "#1b7f3b";
    private static final String RED = "#b00020";

    private ReportWriter() {
    }

    public static Path write(Path runDir) throws IOException {
        Path file = runDir.resolve("report.html");
        byte[] html = render(runDir).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(html));
        return file;
    }

    public static String render(Path runDir) throws IOException {
        Summary s = SummaryReader.read(runDir.resolve("summary.json"));
        LatencySeries lat = readLatencySeries(runDir.resolve("latency.hlog"), Metric.PUB_TO_RECV.tag());
        Timeline timeline = Timeline.read(runDir.resolve("timeline.csv"));
        JsonNode runInfo = Files.exists(runDir.resolve("run.json"))
                ? Json.mapper().readTree(runDir.resolve("run.json").toFile()) : null;

        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Comparison.esc(s.runId())).append(" — realtime-harness report</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:960px}")
                .append("h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ddd}")
                .append(".verdict{padding:14px 18px;color:#fff;font-size:22px;font-weight:bold;border-radius:6px}")
                .append(".pass{background:" + GREEN + "}.fail{background:" + RED + "}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{padding:4px 10px;border-bottom:1px solid #e5e5e5;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".bad{color:" + RED + ";font-weight:bold}.ok{color:" + GREEN + "}")
                .append(".warn{background:#fff4e5;border:1px solid #f0a020;padding:10px;border-radius:6px}")
                .append("pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}</style></head><body>");

        boolean passed = s.gate() != null && s.gate().passed() && s.gate().judged();
        h.append("<div id=\"verdict\" class=\"verdict ").append(passed ? "pass" : "fail").append("\">")
                .append(s.gate() == null ? "NO VERDICT (run did not finish)" : s.gate().label())
                .append(" — ").append(Comparison.esc(s.scenario())).append("</div>");
        h.append("<p>run <b>").append(Comparison.esc(s.runId())).append("</b>, target ")
                .append(Comparison.esc(s.target())).append(", ").append(Comparison.esc(s.startedAt())).append(" to ")
                .append(Comparison.esc(s.endedAt())).append("; ").append(s.drivers()).append(" drivers × ")
                .append(s.channelsPerDriver()).append(" channels</p>");
        String cdcNotice = CdcNotice.fromRunInfo(runInfo);
        if (cdcNotice != null) {
            h.append("<p id=\"cdc\" class=\"warn\">").append(Comparison.esc(cdcNotice)).append("</p>");
        }
        if (s.harness() != null && s.harness().saturated()) {
            h.append("<p class=\"warn\"><b>The harness was saturated</b> (CPU or its own pauses): the latency figures "
                    + "include the harness's delay. Hiccup p99 ").append(fmt(s.harness().hiccupP99()))
                    .append(" ms, CPU max ").append(String.format(Locale.ROOT, "%.0f%%", 100 * s.harness().cpuMaxRatio()))
                    .append(".").append(s.harness().saturatedReason().isEmpty() ? ""
                            : " Why: " + Comparison.esc(s.harness().saturatedReason()) + ".")
                    .append("</p>");
        }

        h.append("<h2>Gate</h2><table><tr><th>check</th><th>limit</th><th>actual</th><th></th></tr>");
        if (s.gate() != null) {
            for (Check c : s.gate().checks()) {
                h.append("<tr><td>").append(Comparison.esc(c.name())).append("</td><td>").append(fmt(c.limit()))
                        .append("</td><td>").append(fmt(c.actual())).append("</td><td class=\"")
                        .append(c.passed() ? "ok\">pass" : "bad\">FAIL").append("</td></tr>");
            }
        }
        h.append("</table>");
        WindowsSection.append(h, s);
        ShardsSection.append(h, runDir.resolve("summary.json"));

        h.append("<h2>Counts</h2><table>");
        row(h, "connections", s.connections().succeeded() + " of " + s.connections().attempted() + " succeeded ("
                + String.format(Locale.ROOT, "%.2f%%", 100 * s.connections().successRatio()) + "), "
                + s.connections().reconnects() + " reconnects");
        row(h, "channels", s.channels().joined() + " joined of " + s.channels().attempted() + " attempts, "
                + s.channels().failed() + " failed " + (s.channels().failureReasons().isEmpty() ? ""
                : s.channels().failureReasons().toString()));
        Summary.Channels ch = s.channels();
        if (ch.ready() != null) {
            row(h, "ready channels", ch.ready() + " of " + s.subscriptions() + " ("
                    + String.format(Locale.ROOT, "%.2f%%", 100 * ch.readyRatio()) + "), " + n(ch.neverReady())
                    + " never ready, " + n(ch.closedByServer()) + " closed by the server, " + n(ch.rejoined())
                    + " rejoined");
        }
        if (ch.peakJoinsPerSecond() != null) {
            row(h, "peak join rate", ch.peakJoinsPerSecond() + " joins/s, " + n(ch.peakRejoinsPerSecond())
                    + " rejoins/s (phx_join sent in the busiest second)");
        }
        Summary.Messages m = s.messages();
        row(h, "messages", "published " + m.published() + ", expected " + m.expectedDeliveries()
                + ", delivered " + m.delivered() + ", lost " + m.lost() + ", duplicated "
                + m.duplicated() + ", out of order " + m.outOfOrder());
        if (m.lostByReason() != null) {
            Summary.Messages.LostByReason by = m.lostByReason();
            row(h, "lost by reason", by.inFlight() + " in flight, " + by.channelDown() + " channel down, "
                    + by.neverReady() + " never ready, " + by.publishFailed() + " publish failed; " + n(m.late())
                    + " late (after being counted lost), " + n(m.unexpected()) + " unexpected, "
                    + n(m.otherChanges()) + " other changes on probe rows");
        }
        WarmupStats w = s.warmup();
        if (w != null) {
            row(h, "warm-up (not in the verdict)", String.format(Locale.ROOT, "%.1f s before t0: ", w.seconds())
                    + w.published() + " probes, expected " + w.expectedDeliveries() + ", delivered " + w.delivered()
                    + ", lost " + w.lost());
        }
        if (s.publisher() != null && s.publisher().connections() != null) {
            row(h, "publisher", s.publisher().connections() + " connections, " + n(s.publisher().failed())
                    + " probes failed to publish");
        }
        Summary.HarnessStats hs = s.harness();
        row(h, "harness", "heap max " + (hs.heapMaxBytes() >> 20) + " MiB, CPU max "
                + String.format(Locale.ROOT, "%.0f%%", 100 * hs.cpuMaxRatio()) + ", hiccup p99 " + fmt(hs.hiccupP99())
                + " ms" + (hs.eventLoopLagP99() == null ? "" : ", event-loop lag p99 " + fmt(hs.eventLoopLagP99())
                        + " ms (max " + fmt(hs.eventLoopLagMax()) + " ms)")
                + (hs.heapSlopeMiBPerHour() == null ? "" : ", heap after GC "
                        + String.format(Locale.ROOT, "%+.1f", hs.heapSlopeMiBPerHour()) + " MiB/hour"));
        row(h, "protocol errors", Long.toString(s.errors() == null ? 0 : s.errors().protocol()));
        h.append("</table>");

        h.append("<h2>Percentiles (ms)</h2><table><tr><th></th><th>count</th><th>min</th><th>p50</th><th>p90</th>"
                + "<th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>");
        pct(h, "latency (from due time)", s.latency());
        pct(h, "latencyRaw (from send)", s.latencyRaw());
        pct(h, "join", s.joinLatency());
        pct(h, "ready", s.readyLatency());
        pct(h, "connect", s.connectLatency());
        if (s.publisher() != null && s.publisher().lag() != null) {
            pct(h, "publisher lag (send − due)", s.publisher().lag());
        }
        if (w != null) {
            pct(h, "warm-up (not in the verdict)", w.latency());
        }
        h.append("</table>");

        double t0 = lat.t0();
        double[] xs = lat.xs();
        double[] p50 = lat.p50();
        double[] p99 = lat.p99();
        double[] max = lat.max();
        h.append("<h2>Latency over time</h2>");
        List<FaultsCsv.Row> faults = FaultsCsv.read(runDir.resolve(FaultsCsv.FILE)); // injected faults, as markers
        SvgChart chart = new SvgChart("publish-to-receive latency per second", "seconds", "ms")
                .add("p50", "#1f77b4", xs, p50).add("p99", "#d62728", xs, p99).add("max", "#9467bd", xs, max);
        ShardsSection.lines(chart, runDir, t0); // a merged run: each shard's own p99 beside the merged lines
        if (w != null) { // the warm-up's seconds, before the measured ones, apart: not in the verdict
            LatencySeries warm = readLatencySeries(runDir.resolve("latency.hlog"), Metric.WARMUP.tag());
            chart.add("warm-up p99 (unmeasured)", "#aaaaaa", warm.xs(), warm.p99());
        }
        h.append(FaultsSection.mark(chart, faults, t0).render());
        FaultsSection.append(h, faults);

        Histogram total = lat.total();
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        if (total.getTotalCount() > 0) {
            for (HistogramIterationValue v : total.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo();
                if (p >= 100) {
                    break;
                }
                px.add(Math.log10(1 / (1 - p / 100)));
                py.add(v.getValueIteratedTo() / 1000.0);
            }
        }
        h.append("<h2>Percentile distribution</h2>");
        h.append(new SvgChart("latency by percentile (log scale)", "percentile", "ms").percentileAxis()
                .add("latency", "#d62728", toArray(px), toArray(py)).render());

        h.append("<h2>Throughput</h2>");
        h.append(new SvgChart("deliveries per second", "seconds", "deliveries/s")
                .add("delivered", "#2ca02c", timeline.seconds(), timeline.perSecond("delivered"))
                .add("published x100", "#ff7f0e", timeline.seconds(), scale(timeline.perSecond("published"), 100))
                .render());
        h.append("<h2>Connections and channels</h2>");
        h.append(new SvgChart("open connections and joined channels", "seconds", "count")
                .add("channels joined", "#17becf", timeline.seconds(), timeline.column("channelsJoined"))
                .add("connections open", "#1f77b4", timeline.seconds(), timeline.column("connectionsOpen")).render());
        h.append("<h2>Harness</h2>");
        h.append(new SvgChart("harness CPU (share of the machine) and heap", "seconds", "percent / MiB")
                .add("cpu %", "#d62728", timeline.seconds(), scale(timeline.column("cpuRatio"), 100))
                .add("heap MiB", "#7f7f7f", timeline.seconds(), scale(timeline.column("heapUsedBytes"), 1.0 / (1 << 20)))
                .render());
        if (s.harness() != null) {
            h.append(String.format(Locale.ROOT, "<p>heap max %d MiB, CPU max %.0f%%, hiccup p99 %s ms</p>",
                    s.harness().heapMaxBytes() >> 20, 100 * s.harness().cpuMaxRatio(), fmt(s.harness().hiccupP99())));
        }

        h.append("<h2>Configuration</h2><pre>");
        if (runInfo != null) {
            h.append(Comparison.esc(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(runInfo)));
        } else {
            h.append("run.json not found");
        }
        h.append("</pre><p style=\"color:#888\">realtime-harness ").append(Comparison.esc(RunInfoWriter.harnessVersion()))
                .append("</p></body></html>\n");
        return h.toString();
    }

    /**
     * One tag's intervals of an hlog, reduced as they are read: when each second started (from the first), its p50,
     * p99 and max in ms (NaN for an empty second), and the total. Nothing else is kept: a decoded interval holds its
     * whole counts array (hundreds of KiB), so keeping every interval of every tag of a one-hour soak (3,600 seconds x
     * 7 tags) ran a 1 GiB heap out of memory.
     */
    record LatencySeries(double t0, double[] xs, double[] p50, double[] p99, double[] max, Histogram total) {
    }

    static LatencySeries readLatencySeries(Path hlog, String tag) throws IOException {
        Histogram total = dev.realtimeharness.metrics.LatencyRecorders.newHistogram();
        List<Double> xs = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        double t0 = Double.NaN;
        if (Files.exists(hlog)) {
            try (InputStream in = CompleteLines.open(hlog)) {
                HistogramLogReader reader = new HistogramLogReader(in);
                EncodableHistogram e;
                while ((e = reader.nextIntervalHistogram()) != null) {
                    if (!(e instanceof Histogram hi) || !tag.equals(hi.getTag() == null ? "" : hi.getTag())) {
                        continue;
                    }
                    double start = hi.getStartTimeStamp() / 1000.0;
                    if (Double.isNaN(t0)) {
                        t0 = start;
                    }
                    boolean empty = hi.getTotalCount() == 0;
                    xs.add(start - t0);
                    p50.add(empty ? Double.NaN : hi.getValueAtPercentile(50) / 1000.0);
                    p99.add(empty ? Double.NaN : hi.getValueAtPercentile(99) / 1000.0);
                    max.add(empty ? Double.NaN : hi.getMaxValue() / 1000.0);
                    total.add(hi);
                }
            } catch (RuntimeException e) {
                throw new IOException(hlog + ": not a readable HdrHistogram log (" + e.getMessage() + ")", e);
            }
        }
        return new LatencySeries(Double.isNaN(t0) ? 0 : t0, toArray(xs), toArray(p50), toArray(p99), toArray(max),
                total);
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><td>").append(Comparison.esc(name)).append("</td><td style=\"text-align:left\">")
                .append(Comparison.esc(value)).append("</td></tr>");
    }

    private static void pct(StringBuilder h, String name, Summary.LatencyStats l) {
        if (l == null) {
            return;
        }
        h.append("<tr><td>").append(Comparison.esc(name)).append("</td><td>").append(l.count()).append("</td>");
        for (double v : new double[] {l.min(), l.p50(), l.p90(), l.p95(), l.p99(), l.p999(), l.max(), l.mean()}) {
            h.append("<td>").append(fmt(v)).append("</td>");
        }
        h.append("</tr>");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] scale(double[] v, double k) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * k;
        }
        return r;
    }

    /** timeline.csv by column name; empty cells are NaN. */
    record Timeline(List<String> header, List<double[]> rows) {
        static Timeline read(Path csv) throws IOException {
            if (!Files.exists(csv)) {
                return new Timeline(List.of(), List.of());
            }
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return new Timeline(List.of(), List.of());
            }
            List<String> header = List.of(lines.get(0).split(",", -1));
            List<double[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                double[] r = new double[header.size()];
                for (int i = 0; i < r.length; i++) {
                    try {
                        r[i] = i < cells.length && !cells[i].isEmpty() ? Double.parseDouble(cells[i]) : Double.NaN;
                    } catch (NumberFormatException e) {
                        r[i] = Double.NaN;
                    }
                }
                rows.add(r);
            }
            return new Timeline(header, rows);
        }

        double[] column(String name) {
            int i = header.indexOf(name);
            double[] v = new double[rows.size()];
            for (int r = 0; r < v.length; r++) {
                v[r] = i < 0 ? Double.NaN : rows.get(r)[i];
            }
            return v;
        }

        double[] seconds() {
            return column("elapsedSeconds");
        }

        /** The per-second increase of a cumulative column. */
        double[] perSecond(String name) {
            double[] c = column(name);
            double[] d = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                d[i] = i == 0 ? c[i] : c[i] - c[i - 1];
            }
            return d;
        }
    }
}
