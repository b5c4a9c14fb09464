package dev.realtimeharness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bench's stand-in: {@code harness target SCENARIO} in a JVM of its own (this JVM's java and classpath), so that
 * its CPU and memory are measured apart from the harness's. Its limits come from the scenario (raised for the
 * largest step); its stdout's JSON line has the URLs and throwaway keys; its stderr goes to target.log.
 */
final class BenchTarget implements AutoCloseable {
    private final Process process;
    private final JsonNode info;

    private BenchTarget(Process process, JsonNode info) {
        this.process = process;
        this.info = info;
    }

    static BenchTarget start(Bench.Options o, PrintStream err) throws IOException, InterruptedException {
        Path scenario = o.outDir().resolve("target.yaml");
        Files.writeString(scenario, BenchScenarios.target(o.maxDrivers(), o.channelsPerDriver(),
                o.probesPerSecond(o.maxDrivers())));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx4g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10",
                "-XX:+PerfDisableSharedMem", "-cp", System.getProperty("java.class.path"),
                "dev.realtimeharness.cli.Main", "target", scenario.toString()));
        Path log = o.outDir().resolve("target.log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        CompletableFuture<String> first = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) { // keep draining so the child never blocks on a full pipe
                    // The JSON line; anything else (a logger writing to stdout) is skipped.
                    if (!first.isDone() && line.startsWith("{\"wsUrl\"")) {
                        first.complete(line);
                    }
                }
                first.complete(null);
            } catch (IOException e) {
                first.completeExceptionally(e);
            }
        }, "bench-target-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String line = first.get(3, TimeUnit.MINUTES);
            if (line == null) {
                throw new IOException("harness target exited before it was ready; see " + log);
            }
            return new BenchTarget(p, new ObjectMapper().readTree(line));
        } catch (ExecutionException | TimeoutException | IOException e) {
            p.destroyForcibly();
            err.println("harness bench: the stand-in did not start: " + e.getMessage() + " (see " + log + ")");
            throw e instanceof IOException io ? io : new IOException("the stand-in did not start: " + e, e);
        }
    }

    long pid() {
        return process.pid();
    }

    String wsUrl() {
        return info.path("wsUrl").asText();
    }

    String apikey() {
        return info.path("apikey").asText();
    }

    String dbUrl() {
        return info.path("dbUrl").asText();
    }

    /** The PostgreSQL port of its database URL, -1 when it has none. */
    int dbPort() {
        return java.net.URI.create(dbUrl()).getPort();
    }

    String jwtSecret() {
        return info.path("jwtSecret").asText();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: its shutdown hook stops the stand-in and PostgreSQL
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
