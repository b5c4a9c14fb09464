package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.auth.Jwt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heap per joined channel of the stand-in, measured in-process: {@value #SOCKETS} sockets join
 * {@value #CHANNELS_PER_SOCKET} channels each with the harness's postgres_changes binding (event *, public.orders,
 * {@code driver_id=eq.<uuid>}), under a JWT secret (so every channel carries its claims and a token check), and the
 * heap after a full GC is compared with the heap before the joins. Writes {@code target/bench/standin-memory.txt}
 * with the figure and the top of a class histogram. A benchmark, not a test: its name keeps it out of the default
 * build; run it with {@code mvn -pl harness test -Dtest=StandInMemoryBench}. Nothing is asserted on the figure.
 */
class StandInMemoryBench {
    private static final int SOCKETS = 200;
    private static final int CHANNELS_PER_SOCKET = 100;
    private static final int CHANNELS = SOCKETS * CHANNELS_PER_SOCKET;

    @Test
    void heapPerJoinedChannel() throws Exception {
        String secret = Jwt.randomSecret();
        String key = Jwt.anonKey(secret);
        StandInConfig config = StandInConfig.defaults().withJwtSecret(secret)
                .withLimits(new StandInLimits(SOCKETS * 2, 1e9, 1e9, CHANNELS_PER_SOCKET));
        List<WsTestClient> clients = new ArrayList<>();
        try (StandInServer server = StandInServer.start(config)) {
            for (int s = 0; s < SOCKETS; s++) {
                clients.add(WsTestClient.connect(server.wsUrl() + "?apikey=" + key + "&vsn=2.0.0"));
            }
            long before = usedHeapAfterGc();
            for (int s = 0; s < SOCKETS; s++) {
                WsTestClient c = clients.get(s);
                String driver = String.format("d0000000-0000-4000-8000-%012x", s);
                for (int i = 0; i < CHANNELS_PER_SOCKET; i++) {
                    String ref = String.valueOf(i + 1);
                    c.send("[\"" + ref + "\",\"" + ref + "\",\"realtime:driver-orders:" + s + ":" + i
                            + "\",\"phx_join\",{\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},"
                            + "\"presence\":{\"enabled\":false,\"key\":\"\"},\"postgres_changes\":[{\"event\":\"*\","
                            + "\"schema\":\"public\",\"table\":\"orders\",\"filter\":\"driver_id=eq." + driver
                            + "\"}],\"private\":false},\"access_token\":\"" + key + "\"}]");
                }
            }
            // Every join answered (reply and system message), and the client's queues emptied.
            for (WsTestClient c : clients) {
                for (int i = 0; i < CHANNELS_PER_SOCKET * 2; i++) {
                    c.nextText();
                }
                c.frames.clear();
                c.arrivalNanos.clear();
            }
            assertThat(server.channelsJoined()).isEqualTo(CHANNELS);
            long after = usedHeapAfterGc();
            String histogram = histogram();
            double perChannel = (after - before) / (double) CHANNELS;
            Path out = Path.of("target", "bench", "standin-memory.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, String.format("stand-in heap per joined channel: %.0f bytes (%d channels on %d"
                    + " sockets, postgres_changes with an eq filter, JWT secret on; heap after full GC %d -> %d"
                    + " bytes; the JDK WebSocket clients share the heap but hold nothing per channel)%n%n%s",
                    perChannel, CHANNELS, SOCKETS, before, after, histogram));
            System.out.printf("stand-in heap per joined channel: %.0f bytes; written to %s%n", perChannel, out);
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The top of {@code jcmd PID GC.class_histogram}: where the bytes are. */
    private static String histogram() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            int n = 0;
            for (String l; (l = r.readLine()) != null;) {
                if (n++ < 45) {
                    sb.append(l).append('\n');
                }
            }
        }
        p.waitFor();
        return sb.toString();
    }
}
