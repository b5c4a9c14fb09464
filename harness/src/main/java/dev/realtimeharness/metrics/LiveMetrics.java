package dev.realtimeharness.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The live view of a run ({@code --metrics-port}): a Prometheus endpoint, served with the official Java client on its
 * own registry, whose counters and gauges are callbacks that read the run's {@link RunCounters} and
 * {@link ProbeLedger} at scrape time (nothing is copied on the hot path). The pub-to-recv percentiles come from the
 * ticker's interval histograms, handed over once a second through {@link #update}. Every series carries the
 * {@code run_id} and {@code scenario} labels. One owner: the run starts it before its fleet and closes it at the end.
 */
public final class LiveMetrics implements AutoCloseable {
    public static final String PREFIX = "realtime_harness_";
    public static final String DEFAULT_BIND = "127.0.0.1";

    // quantile label → percentile; "1" is the maximum.
    private static final String[] QUANTILES = {"0.5", "0.9", "0.99", "0.999", "1"};
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    private HTTPServer server;
    private final Histogram cumulative = LatencyRecorders.newHistogram();
    // Seconds, in QUANTILES order; swapped whole so a scrape never sees half an update.
    private volatile double[] lastInterval = new double[QUANTILES.length];
    private volatile double[] sinceStart = new double[QUANTILES.length];

    private LiveMetrics() {
    }

    /**
     * Serves {@code http://bind:port/metrics} ({@code port} 0 picks a free one). Throws when the port cannot be
     * bound, before anything is started.
     */
    public static LiveMetrics start(String bind, int port, String runId, String scenario, RunCounters counters,
            ProbeLedger ledger) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Labels run = Labels.of("run_id", runId, "scenario", scenario);
        LiveMetrics self = new LiveMetrics();

        gauge(registry, run, "connections_open", "WebSocket connections open now", counters::connectionsOpen);
        counter(registry, run, "connection_attempts", "WebSocket connection attempts (reconnects included)",
                counters::connectionsAttempted);
        counter(registry, run, "connection_failures", "WebSocket connection attempts that failed",
                counters::connectionsFailed);
        counter(registry, run, "channels_joined", "channel joins the server accepted", counters::channelsJoined);
        gauge(registry, run, "channels_ready", "channels ready for deliveries now", counters::channelsReady);
        CounterWithCallback.builder().name(PREFIX + "join_failures")
                .help("channel joins refused or timed out, by the server's reason")
                .constLabels(run).labelNames("reason")
                .callback(cb -> counters.joinFailureReasons().forEach((reason, n) -> cb.call(n, reason)))
                .register(registry);
        counter(registry, run, "published", "probes published", () -> ledger.counts().published());
        counter(registry, run, "expected_deliveries", "deliveries the published probes should cause",
                () -> ledger.counts().expectedDeliveries());
        counter(registry, run, "delivered", "expected deliveries that arrived", () -> ledger.counts().delivered());
        counter(registry, run, "lost", "expected deliveries that did not arrive within drainTimeout",
                () -> ledger.counts().lost());
        counter(registry, run, "duplicated", "deliveries that arrived more than once",
                () -> ledger.counts().duplicated());
        counter(registry, run, "protocol_errors", "frames that could not be parsed", counters::protocolErrors);
        GaugeWithCallback.builder().name(PREFIX + "pub_to_recv_latency_seconds")
                .help("publish-to-receive latency (from the due time, corrected for coordinated omission): window"
                        + " \"1s\" is the last second, \"run\" everything since the start; quantile 1 is the maximum")
                .constLabels(run).labelNames("window", "quantile")
                .callback(cb -> {
                    double[] interval = self.lastInterval;
                    double[] all = self.sinceStart;
                    for (int i = 0; i < QUANTILES.length; i++) {
                        cb.call(interval[i], "1s", QUANTILES[i]);
                        cb.call(all[i], "run", QUANTILES[i]);
                    }
                })
                .register(registry);

        self.server = HTTPServer.builder().hostname(bind).port(port).registry(registry).buildAndStart();
        return self;
    }

    /** The port actually bound. */
    public int port() {
        return server.getPort();
    }

    /** Called by the ticker once a second with that second's pub-to-recv histogram (microseconds). */
    public synchronized void update(Histogram intervalMicros) {
        if (intervalMicros == null) {
            return;
        }
        cumulative.add(intervalMicros);
        lastInterval = seconds(intervalMicros);
        sinceStart = seconds(cumulative);
    }

    private static double[] seconds(Histogram h) {
        double[] v = new double[PERCENTILES.length];
        if (h.getTotalCount() == 0) {
            return v;
        }
        for (int i = 0; i < PERCENTILES.length; i++) {
            long micros = PERCENTILES[i] >= 100 ? h.getMaxValue() : h.getValueAtPercentile(PERCENTILES[i]);
            v[i] = micros / 1e6;
        }
        return v;
    }

    private static void counter(PrometheusRegistry registry, Labels run, String name, String help, LongSupplier v) {
        // The client appends _total to a counter's name in the exposition.
        CounterWithCallback.builder().name(PREFIX + name).help(help).constLabels(run)
                .callback(cb -> cb.call(v.getAsLong())).register(registry);
    }

    private static void gauge(PrometheusRegistry registry, Labels run, String name, String help, LongSupplier v) {
        GaugeWithCallback.builder().name(PREFIX + name).help(help).constLabels(run)
                .callback(cb -> cb.call(v.getAsLong())).register(registry);
    }

    /** Stops serving; the port is free afterwards. */
    @Override
    public void close() {
        server.close();
    }
}
