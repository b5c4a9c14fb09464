package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LiveMetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void scrapeReadsTheRunsCountersAndPercentilesAtScrapeTime() throws Exception {
        RunCounters counters = new RunCounters();
        ProbeLedger ledger = new ProbeLedger(2);
        try (LiveMetrics live = LiveMetrics.start("127.0.0.1", 0, "run-1", "smoke", counters, ledger)) {
            counters.connectionAttempted();
            counters.connectionSucceeded();
            counters.channelAttempted();
            counters.channelFailed("Unauthorized");
            ledger.register(1, System.nanoTime(), new int[] {0, 1});
            ledger.markSent(1, System.nanoTime());
            ledger.recordDelivery(1, 0, System.nanoTime());
            Histogram h = LatencyRecorders.newHistogram();
            h.recordValue(20_000); // 20 ms
            h.recordValue(80_000);
            live.update(h);

            String body = scrape(live.port());
            String run = "run_id=\"run-1\",scenario=\"smoke\"";
            assertThat(body)
                    .contains("realtime_harness_connections_open{" + run + "} 1.0")
                    .contains("realtime_harness_connection_attempts_total{" + run + "} 1.0")
                    .contains("realtime_harness_connection_failures_total{" + run + "} 0.0")
                    .contains("realtime_harness_channels_joined_total{" + run + "} 0.0")
                    .contains("realtime_harness_channels_ready{" + run + "} 0.0")
                    .contains("realtime_harness_join_failures_total{reason=\"Unauthorized\"," + run + "} 1.0")
                    .contains("realtime_harness_published_total{" + run + "} 1.0")
                    .contains("realtime_harness_expected_deliveries_total{" + run + "} 2.0")
                    .contains("realtime_harness_delivered_total{" + run + "} 1.0")
                    .contains("realtime_harness_lost_total{" + run + "} 0.0")
                    .contains("realtime_harness_duplicated_total{" + run + "} 0.0")
                    .contains("realtime_harness_protocol_errors_total{" + run + "} 0.0")
                    .contains("realtime_harness_pub_to_recv_latency_seconds{quantile=\"1\"," + run + ",window=\"1s\"}");
            assertThat(body).containsPattern("realtime_harness_pub_to_recv_latency_seconds\\{quantile=\"0.5\","
                    + "run_id=\"run-1\",scenario=\"smoke\",window=\"run\"} 0.02");

            ledger.recordDelivery(1, 1, System.nanoTime());
            assertThat(scrape(live.port())).contains("realtime_harness_delivered_total{" + run + "} 2.0");

            int port = live.port();
            live.close();
            assertThatThrownBy(() -> scrape(port)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsTheLiveViewServes() throws Exception {
        String dashboard = Files.readString(Path.of("deploy/grafana/realtime-harness.json"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("realtime_harness_[a-z0-9_]+").matcher(dashboard);
        while (m.find()) {
            used.add(m.group());
        }
        used.remove("realtime_harness_live"); // the dashboard's uid
        assertThat(used).hasSizeGreaterThan(8);
        RunCounters counters = new RunCounters();
        counters.channelFailed("TIMED_OUT");
        try (LiveMetrics live = LiveMetrics.start("127.0.0.1", 0, "r", "s", counters, new ProbeLedger(1))) {
            String body = scrape(live.port());
            for (String name : used) {
                assertThat(body).as(name).containsPattern("(?m)^" + name + "\\{");
            }
        }
        assertThat(dashboard).contains("\"type\": \"datasource\"").contains("\"uid\": \"${datasource}\"");
    }
}
