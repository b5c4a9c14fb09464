package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --metrics-port on a real smoke run: the counters move while it runs, and the port is closed after it. The run is
 * an embedded one and starts its own target, as `harness run` does.
 */
class LiveViewIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern DELIVERED =
            Pattern.compile("(?m)^realtime_harness_delivered_total\\{[^}]*} (\\S+)$");

    @TempDir
    Path results;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static double delivered(String body) {
        Matcher m = DELIVERED.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void metricsPortServesMovingCountersDuringTheRunAndClosesAfterIt() throws Exception {
        int port = freePort();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 80 probes at 8/s: about 10 s of deliveries to scrape.
        RunOptions options = new RunOptions(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"), List.of("publish.messages=80"),
                null, results, "live", null, null, false).withLive(port, null, null, ProgressLine.Mode.LOG);
        Run run = new Run(options, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ExitCodes.of(run.execute()));

        String first = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (first == null && !exit.isDone() && System.nanoTime() < deadline) {
            try {
                String body = scrape(port);
                if (delivered(body) > 0) {
                    first = body;
                }
            } catch (ConnectException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        assertThat(first).as("a scrape with deliveries while the run went on").isNotNull();
        Thread.sleep(1_500);
        String second = scrape(port);
        assertThat(delivered(second)).isGreaterThan(delivered(first));

        for (String name : List.of("realtime_harness_connections_open", "realtime_harness_connection_attempts_total",
                "realtime_harness_connection_failures_total", "realtime_harness_channels_joined_total",
                "realtime_harness_channels_ready", "realtime_harness_published_total",
                "realtime_harness_expected_deliveries_total", "realtime_harness_delivered_total",
                "realtime_harness_lost_total", "realtime_harness_duplicated_total",
                "realtime_harness_protocol_errors_total", "realtime_harness_pub_to_recv_latency_seconds")) {
            assertThat(second).as(name).containsPattern("(?m)^" + name + "\\{[^}]*run_id=\"live\",scenario=\"smoke\"");
        }
        assertThat(second).contains("realtime_harness_connections_open{run_id=\"live\",scenario=\"smoke\"} 2.0");
        assertThat(second).containsPattern("realtime_harness_pub_to_recv_latency_seconds\\{quantile=\"0.99\","
                + "run_id=\"live\",scenario=\"smoke\",window=\"run\"} 0\\.0*[1-9]");

        assertThat(exit.get()).isEqualTo(ExitCodes.PASSED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("live metrics: http://127.0.0.1:" + port + "/metrics");
        assertThatThrownBy(() -> scrape(port)).isInstanceOf(ConnectException.class);
    }
}
