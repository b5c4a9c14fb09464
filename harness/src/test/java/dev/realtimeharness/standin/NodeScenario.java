package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of {@code node scenarios.mjs SCENARIO ...} (src/test/js/realtime-js-check): its stdout read as JSON lines on
 * a daemon thread, actions written to its stdin. Every wait is bounded. When the test did not call {@link #passed},
 * {@link #close} prints what node said, so a failure shows the client's view.
 */
final class NodeScenario implements AutoCloseable {
    /** The realtime-js check: node scripts and the npm install the build's pre-integration-test phase makes. */
    static final Path CHECK_DIR = Path.of(System.getProperty("realtime-js.check.dir", "src/test/js/realtime-js-check"));

    /** Fails a test class's set-up, saying how to fix it, when the build has not installed realtime-js. */
    static void assertRealtimeJsInstalled() {
        org.assertj.core.api.Assertions.assertThat(CHECK_DIR.resolve("node_modules/@supabase/realtime-js"))
                .as("realtime-js is not installed in %s: run `npm install --no-package-lock --no-audit --no-fund`"
                        + " there (the build's pre-integration-test phase does)", CHECK_DIR)
                .isDirectory();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    // Marks the end of the stream in the queue; no line read from node contains a NUL.
    private static final String END = "\u0000end";
    static final Duration WAIT = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<String> all = new CopyOnWriteArrayList<>();
    private boolean ended;
    private boolean passed;
    private volatile int since;

    private NodeScenario(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    all.add(l);
                    queue.add(l);
                }
            } catch (IOException e) {
                // The process was killed; what was read is kept.
            } finally {
                queue.add(END);
            }
        }, "node-" + name);
        t.setDaemon(true);
        t.start();
    }

    static NodeScenario start(Path dir, String scenario, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "scenarios.mjs", scenario));
        command.addAll(args);
        Path err = Files.createTempFile("realtime-js-" + scenario, ".err");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
        return new NodeScenario(scenario, p, err);
    }

    /**
     * The first line matching {@code p} since the last action was written (or since the start): lines an action
     * causes come after it, and an earlier line that also matches, say the previous presence leave, is not taken.
     */
    JsonNode await(String what, Predicate<JsonNode> p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int i = since;
        while (true) {
            for (; i < all.size(); i++) {
                JsonNode n = parse(all.get(i));
                if (n != null && p.test(n)) {
                    return n;
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                break;
            }
            // Any new line (or the end) wakes this up.
            String l = queue.poll(left, TimeUnit.NANOSECONDS);
            ended = ended || END.equals(l);
        }
        fail("%s: node reported no %s within %s (ended: %s)", name, what, WAIT, ended);
        return null;
    }

    JsonNode awaitReady() throws InterruptedException {
        return await("ready line", n -> n.path("ready").asBoolean());
    }

    /** Writes one action name; node runs the actions one at a time, in order, and reports {"did": action}. */
    void act(String action) throws IOException {
        since = all.size();
        stdin.write((action + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Runs {@code action} and waits until node has done it. */
    void perform(String action) throws IOException, InterruptedException {
        act(action);
        await("done " + action, n -> n.path("did").asText().equals(action));
    }

    /** Asks node to linger, leave its channels and exit; checks it exited 0 with "done" last, and returns all lines. */
    List<JsonNode> finish() throws IOException, InterruptedException {
        act("finish");
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("%s: node did not exit within %s after finish", name, WAIT);
        }
        // The reader thread may still be draining the pipe.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!ended && System.nanoTime() < deadline) {
            String l = queue.poll(100, TimeUnit.MILLISECONDS);
            ended = END.equals(l);
        }
        assertThat(ended).as("node's stdout ended").isTrue();
        assertThat(process.exitValue()).as("node's exit code").isZero();
        List<JsonNode> lines = lines();
        assertThat(lines.get(lines.size() - 1).path("done").asBoolean()).as("last line is done").isTrue();
        return lines;
    }

    List<JsonNode> lines() {
        List<JsonNode> out = new ArrayList<>();
        for (String l : all) {
            JsonNode n = parse(l);
            if (n != null && n.isObject()) {
                out.add(n);
            }
        }
        return out;
    }

    /** The test got through its assertions: nothing to print on close. */
    void passed() {
        passed = true;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        if (!passed) {
            System.err.printf("node scenarios.mjs %s; its stdout:%n%s%nits stderr:%n%s%n", name,
                    String.join("\n", all), Files.readString(stderr));
        }
        Files.deleteIfExists(stderr);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
