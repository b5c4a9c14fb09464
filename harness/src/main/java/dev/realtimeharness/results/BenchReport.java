package dev.realtimeharness.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** bench.html: {@code harness bench}'s figures as one self-contained page (a table and charts by load). */
public final class BenchReport {

    private BenchReport() {
    }

    public static Path write(Path dir, BenchResult r) throws IOException {
        Path file = dir.resolve("bench.html");
        byte[] html = render(r).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(html));
        return file;
    }

    static String render(BenchResult r) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>realtime-harness bench")
                .append("</title><style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:960px}")
                .append("table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #e5e5e5;")
                .append("text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>");
        h.append("<h1>realtime-harness bench</h1><p>").append(Comparison.esc(r.startedAt())).append(", ")
                .append(r.machine().cores()).append(" cores, ").append(r.machine().memoryBytes() >> 30)
                .append(" GiB, Java ").append(Comparison.esc(r.machine().java())).append(", ")
                .append(Comparison.esc(r.machine().os())).append("</p><p>").append(Comparison.esc(r.method()))
                .append("</p><p><b>Harness saturated at:</b> ").append(at(r.harnessSaturatedAtDrivers()))
                .append("; <b>stand-in saturated at:</b> ").append(at(r.standInSaturatedAtDrivers()))
                .append(r.stoppedBecause() == null ? "" : "; stopped: " + Comparison.esc(r.stoppedBecause()))
                .append("</p>");
        h.append("<table><tr><th>drivers</th><th>channels</th><th>deliveries/s</th><th>delivered</th><th>lost</th>")
                .append("<th>p50 ms</th><th>p99 ms</th><th>harness CPU-s/M</th><th>harness KiB/conn</th>")
                .append("<th>stand-in CPU-s/M</th><th>stand-in KiB/channel</th><th>PostgreSQL CPU-s/M</th>")
                .append("<th>saturated</th></tr>");
        for (BenchResult.Step s : r.steps()) {
            h.append("<tr><td>").append(s.drivers()).append("</td><td>").append(s.drivers() * s.channelsPerDriver())
                    .append("</td><td>").append(f(s.deliveriesPerSecond(), 0)).append("</td><td>").append(s.delivered())
                    .append("</td><td>").append(s.lost()).append("</td><td>").append(f(s.latency().p50(), 1))
                    .append("</td><td>").append(f(s.latency().p99(), 1)).append("</td><td>")
                    .append(f(s.harness().cpuSecondsPerMillion(), 1)).append("</td><td>")
                    .append(f(s.harness().rssKiBPerConnection(), 0)).append("</td><td>")
                    .append(f(s.standIn().cpuSecondsPerMillion(), 1)).append("</td><td>")
                    .append(f(s.standIn().rssKiBPerChannel(), 1)).append("</td><td>")
                    .append(f(s.postgres().cpuSecondsPerMillion(), 1)).append("</td><td>")
                    .append(s.harnessSaturated() ? "harness " : "").append(s.standInSaturated() ? "stand-in" : "")
                    .append("</td></tr>");
        }
        h.append("</table>");
        List<BenchResult.Step> steps = r.steps();
        double[] xs = values(steps, s -> s.drivers());
        h.append("<h2>CPU per million recorded deliveries</h2>").append(new SvgChart("CPU-seconds per million",
                "drivers", "CPU-s").add("harness", "#d62728", xs, values(steps, s -> d(s.harness().cpuSecondsPerMillion())))
                .add("stand-in", "#1f77b4", xs, values(steps, s -> d(s.standIn().cpuSecondsPerMillion())))
                .add("PostgreSQL", "#7f7f7f", xs, values(steps, s -> d(s.postgres().cpuSecondsPerMillion()))).render());
        h.append("<h2>Resident memory</h2>").append(new SvgChart("RSS at the end of the steady window", "drivers",
                "MiB").add("harness", "#d62728", xs, values(steps, s -> s.harness().rssBytes() / 1048576.0))
                .add("stand-in", "#1f77b4", xs, values(steps, s -> s.standIn().rssBytes() / 1048576.0)).render());
        h.append("<h2>Latency (stream mode: the floor of harness, stand-in and PostgreSQL together)</h2>")
                .append(new SvgChart("publish-to-receive latency", "drivers", "ms")
                        .add("p50", "#1f77b4", xs, values(steps, s -> s.latency().p50()))
                        .add("p99", "#d62728", xs, values(steps, s -> s.latency().p99())).render());
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String at(Integer drivers) {
        return drivers == null ? "not within the loads tried" : drivers + " drivers";
    }

    private static String f(Double v, int decimals) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double[] values(List<BenchResult.Step> steps, ToDoubleFunction<BenchResult.Step> f) {
        return steps.stream().mapToDouble(f).toArray();
    }

    private static double d(Double v) {
        return v == null ? Double.NaN : v;
    }
}
