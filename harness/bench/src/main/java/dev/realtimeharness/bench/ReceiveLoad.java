package dev.realtimeharness.bench;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.Fleet;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.publish.Probe;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client side of the receive-path measurement: {@code CONNECTIONS} vsn-1.0.0 connections of the harness's own
 * {@link Fleet}, one channel each, against a {@link FanoutServer} in another process. Waits until every channel is
 * ready, lets {@code SETTLE} seconds pass, then reads this process's CPU time (utime + stime of /proc/self/stat) and
 * the deliveries counted over {@code WINDOW} seconds and prints CPU-s per million deliveries and RSS per connection.
 * The listener drops each frame the way the run's listener drops another run's probes (parse the probe id, count).
 *
 * <p>{@code ReceiveLoad PORT CONNECTIONS WINDOW_SECONDS [SETTLE_SECONDS]}
 */
public final class ReceiveLoad {
    private static final long CLK_TCK = 100;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        int settle = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        LongAdder ready = new LongAdder();
        LongAdder delivered = new LongAdder();
        LongAdder foreign = new LongAdder();
        ClientListener listener = new ClientListener() {
            @Override
            public void ready(int subscription, long joinToReadyNanos) {
                ready.increment();
            }

            @Override
            public void probeReceived(int subscription, String probe, long recvNanos, String commitTimestamp) {
                if (Probe.parseSeq(Frames.RUN_ID, probe) < 0) {
                    foreign.increment();
                }
                delivered.increment();
            }
        };
        FleetConfig config = new FleetConfig(URI.create("ws://127.0.0.1:" + port + "/socket/websocket"), "bench",
                Vsn.V1, Duration.ofSeconds(25), 500, 1000, Duration.ofSeconds(30), Frames.PROBE_COLUMN, 0);
        List<DriverSpec> drivers = new ArrayList<>(connections);
        for (int d = 0; d < connections; d++) {
            JoinConfig join = new JoinConfig(false, false, "", false, List.of(), false, null);
            drivers.add(new DriverSpec(d, List.of(new ChannelSpec(d, "realtime:load-" + d, join))));
        }
        try (Fleet fleet = new Fleet(config, drivers, listener, null)) {
            fleet.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (ready.sum() < connections && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            System.out.println("ready " + ready.sum() + " of " + connections);
            Thread.sleep(settle * 1000L);
            long[] cpu0 = cpuTicks();
            long d0 = delivered.sum();
            long t0 = System.nanoTime();
            Thread.sleep(window * 1000L);
            long[] cpu1 = cpuTicks();
            long d1 = delivered.sum();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double userSeconds = (cpu1[0] - cpu0[0]) / (double) CLK_TCK;
            double cpuSeconds = userSeconds + (cpu1[1] - cpu0[1]) / (double) CLK_TCK;
            long n = d1 - d0;
            long rssKib = rssKib();
            System.out.println(String.format(Locale.ROOT,
                    "connections %d, window %.1f s, deliveries %d (%.0f/s, foreign %d), CPU %.2f s (user %.2f, %.2f cores), "
                            + "%.2f CPU-s per million deliveries, RSS %d MiB = %.1f KiB per connection",
                    connections, seconds, n, n / seconds, foreign.sum(), cpuSeconds, userSeconds, cpuSeconds / seconds,
                    cpuSeconds / (n / 1e6), rssKib / 1024, rssKib / (double) connections));
        }
    }

    // {utime, stime} of this process (all threads), in clock ticks: fields 14 and 15 of /proc/self/stat.
    static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
