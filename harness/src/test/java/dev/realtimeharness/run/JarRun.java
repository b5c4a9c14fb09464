package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * `harness run` in a child JVM from the runnable jar (built by {@code package}, before failsafe runs), for tests that
 * must do to the run what a test cannot do to its own JVM: stop it, kill it, limit its file sizes. Its output is
 * collected line by line; {@link #awaitLine} waits for one.
 */
final class JarRun implements AutoCloseable {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
    private static final Path JAR_DIR = Path.of(System.getProperty("harness.jar.dir", "target"));

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JarRun(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // The process ended; what was read is in lines.
            }
        }, "jar-run-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code harness <args>} (stdout and stderr merged). */
    static JarRun start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
                findJar().toString()));
        command.addAll(args);
        return new JarRun(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    long pid() {
        return process.pid();
    }

    /** Waits until a line containing {@code text} was printed; false after {@code seconds}. */
    boolean awaitLine(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            if (!process.isAlive() && !reader.isAlive()) {
                return lines.stream().anyMatch(l -> l.contains(text));
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits for the process to end; its exit code, or -1 if it did not end in time. */
    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return -1;
        }
        reader.join(5_000);
        return process.exitValue();
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Runs a command to the end (kill, prlimit) and asserts it succeeded. */
    static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command)).isTrue();
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static Path findJar() throws IOException {
        try (Stream<Path> files = Files.list(JAR_DIR)) {
            return files.filter(p -> p.getFileName().toString().matches("harness-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable jar in " + JAR_DIR.toAbsolutePath()
                            + ": failsafe runs after package"));
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
