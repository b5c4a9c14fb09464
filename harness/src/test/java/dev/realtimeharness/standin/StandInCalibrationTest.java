package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.capture.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The delay and jitter knobs deliver the distribution they promise at the receiver: delay + uniform [0, jitter) per
 * delivery, measured over real loopback sockets from the hand-over to the stand-in to the test client's listener.
 *
 * <p>Robust on a loaded machine: the same deliveries are also measured through a stand-in without faults and one
 * with the delay alone (the baselines: loopback, event loops, the timer wake-up, the JDK's WebSocket client), and
 * each quantile of the jittered run only has to lie within the injected quantile plus the baselines' p1..p99 noise,
 * widened by 1.5 ms. A busy machine widens the baselines, and so the tolerance, rather than failing the test; the
 * jitter's draws are stratified by construction (see OrderedJitter), so a few hundred give tight quantiles.
 */
class StandInCalibrationTest {
    private static final int DELIVERIES = 400;
    private static final double[] QUANTILES = {0.01, 0.10, 0.25, 0.50, 0.75, 0.90, 0.99};
    private static final String JOIN = "[\"1\",\"1\",\"realtime:cal\",\"phx_join\",{\"config\":{\"broadcast\":"
            + "{\"ack\":false,\"self\":false},\"presence\":{\"key\":\"\",\"enabled\":false},\"postgres_changes\":"
            + "[{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\"}],\"private\":false},"
            + "\"access_token\":\"x\"}]";
    private static final Pattern RECORD_ID = Pattern.compile("\"record\":\\{[^}]*\"id\":(\\d+)");
    private static final List<ChangeEvent.Column> COLUMNS = List.of(new ChangeEvent.Column("id", "int8"));

    /**
     * The machine is shared: another build can load it between the delay-only pass (which sets the noise allowance)
     * and the jittered pass. So the comparison is made up to three times and must hold in one of them; a stand-in
     * whose jitter is not uniform fails all three.
     */
    @Test
    void delayPlusJitterArrivesUniformlyDistributedAndInOrderOnOneSocket() throws Exception {
        // A first pass warms up the JIT, the client and the event loops; its numbers are not used.
        measure(StandInConfig.defaults());
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                compareOnce();
                return;
            } catch (AssertionError e) {
                System.out.println("calibration attempt " + attempt + " failed: " + e.getMessage().strip());
                last = e;
            }
        }
        throw last;
    }

    private void compareOnce() throws Exception {
        double[] zero = measure(StandInConfig.defaults());
        // The delay alone: the same path as the jittered run, including the event loop's timer wake-up, which is
        // late by 0.3-0.6 ms (p50) and by several ms in the tail when other builds load the machine. Its excess
        // over 20 ms is the noise the jittered run is allowed on top of the uniform distribution.
        double[] delayOnly = measure(StandInConfig.defaults().withDelay(Duration.ofMillis(20), Duration.ZERO));
        double[] delayed = measure(StandInConfig.defaults().withDelay(Duration.ofMillis(20), Duration.ofMillis(10)));
        String report = "zero-delay " + quantiles(zero) + "; delay 20ms " + quantiles(delayOnly)
                + "; delay 20ms + jitter 10ms " + quantiles(delayed);
        System.out.println("calibration: " + report);

        assertThat(quantile(delayOnly, 0.50)).as("delay-only p50, ms (%s)", report)
                .isBetween(20.0 + quantile(zero, 0.01) - 1.5, 20.0 + quantile(zero, 0.50) + 1.5);
        double noiseFloor = quantile(delayOnly, 0.01) - 20.0;
        for (double q : QUANTILES) {
            // The machine's noise at this quantile, as the delay alone shows it: a loaded machine's tail widens
            // the upper bound of the tail quantiles only.
            double noise = quantile(delayOnly, q) - 20.0;
            double expected = 20.0 + 10.0 * q;
            assertThat(quantile(delayed, q)).as("p%s of receive - send, ms (%s)", Math.round(q * 100), report)
                    .isBetween(expected + noiseFloor - 1.5, expected + noise + 1.5);
        }
        // Nothing may arrive before the injected delay.
        assertThat(delayOnly[0]).as("min (%s)", report).isGreaterThanOrEqualTo(20.0);
        assertThat(delayed[0]).as("min (%s)", report).isGreaterThanOrEqualTo(20.0);
    }

    private static String quantiles(double[] sorted) {
        StringBuilder b = new StringBuilder();
        for (double q : QUANTILES) {
            b.append(String.format(" p%d %.3f", Math.round(q * 100), quantile(sorted, q)));
        }
        return b.toString().trim();
    }

    /** Receive minus hand-over time, in ms, of {@link #DELIVERIES} changes on one socket, sorted. */
    private static double[] measure(StandInConfig config) throws Exception {
        long[] sent = new long[DELIVERIES];
        double[] latencyMs = new double[DELIVERIES];
        try (StandInServer server = StandInServer.start(config);
                WsTestClient c = WsTestClient.connect(server.wsUrl() + "?apikey=anon&vsn=2.0.0")) {
            c.send(JOIN);
            assertThat(c.nextTimedText().text()).contains("\"status\":\"ok\"");
            assertThat(c.nextTimedText().text()).contains("Subscribed to PostgreSQL");
            // Gaps of 0..6 ms, shorter than the jitter, as at a publish rate of a few hundred per second: the case
            // in which keeping order used to inflate the delay (by 2-3 ms at p10..p50).
            Random gaps = new Random(7);
            long[] arrived = new long[DELIVERIES];
            Thread reader = new Thread(() -> {
                try {
                    long previousId = -1;
                    for (int i = 0; i < DELIVERIES; i++) {
                        WsTestClient.Timed t = c.nextTimedText();
                        Matcher m = RECORD_ID.matcher(t.text());
                        assertThat(m.find()).as(t.text()).isTrue();
                        int id = Integer.parseInt(m.group(1));
                        // One socket keeps order, as TCP does.
                        assertThat(id).isGreaterThan((int) previousId);
                        previousId = id;
                        arrived[id] = t.arrivalNanos();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "calibration-reader");
            Throwable[] failure = new Throwable[1];
            reader.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
            reader.start();
            for (int i = 0; i < DELIVERIES; i++) {
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("id", (long) i);
                ChangeEvent e = new ChangeEvent("public", "test", "INSERT", COLUMNS, record, null, Instant.now(),
                        0);
                sent[i] = System.nanoTime();
                server.publishChange(e);
                LockSupport.parkNanos(gaps.nextInt(6_000_000));
            }
            reader.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(reader.isAlive()).as("all deliveries received").isFalse();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            for (int i = 0; i < DELIVERIES; i++) {
                latencyMs[i] = (arrived[i] - sent[i]) / 1e6;
            }
        }
        Arrays.sort(latencyMs);
        return latencyMs;
    }

    /** The nearest-rank quantile of sorted values. */
    private static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
