package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code harness target} run from the shaded jar as a process of its own, as a user runs it: its JSON line (wsUrl,
 * restUrl, dbUrl, jdbcUrl, apikey, jwtSecret) is read from stdout, and {@link #close} stops it with SIGTERM so that
 * its shutdown hook closes the stand-in and PostgreSQL. Every wait is bounded.
 */
final class HarnessTargetProcess implements AutoCloseable {
    private static final Path JAR_DIR = Path.of(System.getProperty("harness.jar.dir", "target"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration STOP = Duration.ofSeconds(10);

    private final Process process;
    private final Path stderr;
    private final JsonNode info;

    private HarnessTargetProcess(Process process, Path stderr, JsonNode info) {
        this.process = process;
        this.stderr = stderr;
        this.info = info;
    }

    /** Starts {@code harness target --drivers N} and waits up to {@link #START} for its JSON line. */
    static HarnessTargetProcess start(int drivers) throws IOException, InterruptedException {
        return start(drivers, "stream");
    }

    /** Starts {@code harness target --drivers N --cdc MODE} and waits up to {@link #START} for its JSON line. */
    static HarnessTargetProcess start(int drivers, String cdc) throws IOException, InterruptedException {
        return start(List.of("--drivers", String.valueOf(drivers), "--cdc", cdc));
    }

    /** Starts {@code harness target ARGS} and waits up to {@link #START} for its JSON line. */
    static HarnessTargetProcess start(List<String> args) throws IOException, InterruptedException {
        Path jar = findJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = Files.createTempFile("harness-target", ".err");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(), "target"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        // Read on a daemon thread, and on to the end, so that a silent target cannot hang the wait and a chatty one
        // never blocks on a full pipe.
        List<String> lines = new CopyOnWriteArrayList<>();
        String[] json = new String[1];
        CountDownLatch printed = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    lines.add(l);
                    if (json[0] == null && l.startsWith("{")) {
                        json[0] = l;
                        printed.countDown();
                    }
                }
            } catch (IOException e) {
                // The target ended.
            } finally {
                printed.countDown();
            }
        }, "harness-target-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!printed.await(START.toSeconds(), TimeUnit.SECONDS) || json[0] == null) {
            String err = Files.readString(stderr);
            stop(p);
            Files.deleteIfExists(stderr);
            fail("harness target printed no JSON line within %s (alive: %s); stdout %s; stderr:%n%s", START,
                    p.isAlive(), new ArrayList<>(lines), err);
        }
        return new HarnessTargetProcess(p, stderr, JSON.readTree(json[0]));
    }

    /** The JSON line the target printed. */
    JsonNode info() {
        return info;
    }

    /** SIGKILL: no shutdown hook runs, as when the kernel's OOM killer or {@code kill -9} ends the harness. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Process.destroy is SIGTERM on Linux: the target's shutdown hook closes the stand-in and PostgreSQL.
        stop(process);
        Files.deleteIfExists(stderr);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Path findJar() throws IOException {
        try (Stream<Path> files = Files.list(JAR_DIR)) {
            return files.filter(p -> p.getFileName().toString().matches("harness-.*-all\\.jar"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no harness-*-all.jar in " + JAR_DIR.toAbsolutePath()
                            + ": it is built in the package phase"));
        }
    }
}
