package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.scenario.Drivers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The official client against {@code harness target}: {@code @supabase/realtime-js} (npm, the version pinned in
 * src/test/js/realtime-js-check/package.json), run by node, subscribes to postgres_changes on public.orders for one
 * driver and receives an INSERT made through the printed dbUrl, and receives its own broadcast ({@code self: true}),
 * once with the default vsn 2.0.0 and once with 1.0.0. The build's pre-integration-test phase runs npm install.
 */
// One instance for the class, so that the target's capture mode is an overridable method (cdc()): a subclass hiding a
// static @BeforeAll did not stop JUnit from running the superclass's too, which started a stream target that
// RealtimeJsPollIT overwrote and never stopped (one `harness target --cdc stream` left running per CI run).
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealtimeJsIT {
    private static final Path CHECK_DIR = NodeScenario.CHECK_DIR;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMIT_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final String DRIVER_1 = Drivers.id(1).toString();
    private static final String DRIVER_2 = Drivers.id(2).toString();

    // Every wait is bounded so that a hang fails the test well inside a minute (the target's start: 40 s).
    private static final Duration SUBSCRIBED = Duration.ofSeconds(15);
    private static final Duration NODE_RUN = Duration.ofSeconds(25);
    private static final Duration STOP = Duration.ofSeconds(10);

    private HarnessTargetProcess target;
    private JsonNode info;

    /** The target's change capture: stream here, poll in RealtimeJsPollIT. */
    String cdc() {
        return "stream";
    }

    @BeforeAll
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void startTarget() throws Exception {
        String cdc = cdc();
        NodeScenario.assertRealtimeJsInstalled();
        // Its own `harness target` process, not the shared in-JVM target: the command and the jar are under test.
        target = HarnessTargetProcess.start(3, cdc);
        info = target.info();
        assertThat(info.path("cdc").asText()).as("the target's cdc mode").isEqualTo(cdc);
        for (String key : List.of("wsUrl", "dbUrl", "apikey", "jwtSecret")) {
            assertThat(info.path(key).isTextual()).as("%s in %s", key, info).isTrue();
        }
    }

    @AfterAll
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopTarget() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    @ParameterizedTest(name = "vsn {0}")
    @ValueSource(strings = {"2.0.0", "1.0.0"})
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void officialClientReceivesFilteredInsertAndItsOwnBroadcast(String vsn) throws Exception {
        Path nodeStderr = Files.createTempFile("realtime-js-it-node", ".err");
        Process node = new ProcessBuilder("node", "check.mjs",
                "--ws-url", info.get("wsUrl").asText(),
                "--apikey", info.get("apikey").asText(),
                // public.orders has RLS: only driver 1's own token sees driver 1's rows.
                "--access-token", Jwt.userToken(DRIVER_1, info.get("jwtSecret").asText(), Instant.now(),
                        Instant.now().plusSeconds(3600)),
                "--driver", DRIVER_1,
                "--vsn", vsn,
                "--timeout-ms", "20000",
                "--verbose")
                .directory(CHECK_DIR.toFile())
                .redirectError(nodeStderr.toFile())
                .start();
        Lines out = Lines.follow(node.getInputStream(), "node-stdout");
        try {
            // SUBSCRIBED comes with the join reply; the system message "Subscribed to PostgreSQL" says the change
            // subscription is in place, so an insert made now must be delivered.
            JsonNode status = awaitLine(out, "the changes channel's subscribe status",
                    l -> l.path("channel").asText().equals("changes") && l.has("status"));
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("SUBSCRIBED");
            JsonNode system = awaitLine(out, "the postgres_changes system message",
                    l -> l.path("system").path("extension").asText().equals("postgres_changes"));
            assertThat(system.get("system").get("status").asText()).as(system.toString()).isEqualTo("ok");
            assertThat(system.get("system").get("message").asText()).isEqualTo("Subscribed to PostgreSQL");

            // Driver 2's row first: changes reach a socket in commit order, so if the filter let it through it would
            // arrive before driver 1's, and the script would report it.
            String notes = "realtime-js " + vsn + " " + UUID.randomUUID();
            long id;
            try (Connection c = connectThroughDbUrl(info.get("dbUrl").asText())) {
                insertOrder(c, DRIVER_2, "not for driver 1");
                id = insertOrder(c, DRIVER_1, notes);
            }

            if (!node.waitFor(NODE_RUN.toSeconds(), TimeUnit.SECONDS)) {
                fail("node did not finish within %s", NODE_RUN);
            }
            out.awaitEnd(Duration.ofSeconds(5));
            assertThat(node.exitValue()).as("node's exit code").isZero();
            Instant now = Instant.now();

            List<JsonNode> lines = out.parsed();
            List<JsonNode> changes = lines.stream().filter(l -> l.has("postgres_changes"))
                    .map(l -> l.get("postgres_changes")).toList();
            assertThat(changes).as("postgres_changes callbacks (driver 2's row must not arrive)").hasSize(1);
            JsonNode change = changes.get(0);
            assertThat(change.path("eventType").asText()).isEqualTo("INSERT");
            assertThat(change.path("schema").asText()).isEqualTo("public");
            assertThat(change.path("table").asText()).isEqualTo("orders");
            assertThat(change.has("errors") && change.get("errors").isNull()).as("errors is null").isTrue();
            JsonNode row = change.path("new");
            assertThat(row.path("driver_id").asText()).isEqualTo(DRIVER_1).isNotEqualTo(DRIVER_2);
            assertThat(row.path("notes").asText()).isEqualTo(notes);
            assertThat(row.path("id").isNumber()).as("new.id is a number: %s", row.get("id")).isTrue();
            assertThat(row.path("id").asLong()).isEqualTo(id);
            assertThat(change.path("old").isObject() && change.path("old").isEmpty()).as("old is {}").isTrue();
            String commitTimestamp = change.path("commit_timestamp").asText();
            assertThat(commitTimestamp).matches(COMMIT_TIMESTAMP);
            Duration age = Duration.between(Instant.parse(commitTimestamp), now).abs();
            assertThat(age).as("commit_timestamp %s vs now %s", commitTimestamp, now)
                    .isLessThan(Duration.ofSeconds(5));

            List<JsonNode> broadcasts = lines.stream().filter(l -> l.has("broadcast"))
                    .map(l -> l.get("broadcast")).toList();
            assertThat(broadcasts).as("broadcast callbacks").hasSize(1);
            JsonNode broadcast = broadcasts.get(0);
            assertThat(broadcast.path("type").asText()).isEqualTo("broadcast");
            assertThat(broadcast.path("event").asText()).isEqualTo("order");
            assertThat(broadcast.get("payload")).isEqualTo(JSON.readTree("{\"probe\":\"x\"}"));
            assertThat(lines.stream().filter(l -> l.has("sent")).map(l -> l.get("sent").asText()))
                    .containsExactly("ok");

            List<JsonNode> wire = lines.stream().filter(l -> l.has("wire")).map(l -> l.get("wire")).toList();
            if (vsn.equals("2.0.0")) {
                // V2: the broadcast goes out as binary kind 3 (user broadcast push) and comes back as kind 4.
                assertThat(wire).anyMatch(w -> isBinary(w, "out", 3)).anyMatch(w -> isBinary(w, "in", 4))
                        .noneMatch(w -> w.path("frame").asText().equals("text")
                                && w.path("event").asText().equals("broadcast"));
            } else {
                // V1 has no binary frames at all: the broadcast is a JSON object both ways.
                assertThat(wire).noneMatch(w -> w.path("frame").asText().equals("binary"))
                        .anyMatch(w -> isText(w, "out", "broadcast")).anyMatch(w -> isText(w, "in", "broadcast"));
            }
            assertThat(lines.get(lines.size() - 1).path("done").asBoolean()).as("last line is done").isTrue();
            System.out.println("realtime-js " + vsn + " postgres_changes: " + change);
            System.out.println("realtime-js " + vsn + " broadcast: " + broadcast);
        } catch (Throwable t) {
            System.err.printf("node check.mjs --vsn %s failed; its stdout:%n%s%nits stderr:%n%s%n", vsn,
                    String.join("\n", out.all()), Files.readString(nodeStderr));
            throw t;
        } finally {
            stop(node);
            Files.deleteIfExists(nodeStderr);
        }
    }

    private static JsonNode awaitLine(Lines out, String what, Predicate<JsonNode> p) throws InterruptedException {
        String line = out.await(l -> {
            JsonNode n = parse(l);
            return n != null && p.test(n);
        }, SUBSCRIBED);
        if (line == null) {
            fail("node reported no %s within %s", what, SUBSCRIBED);
        }
        return parse(line);
    }

    private static boolean isBinary(JsonNode w, String dir, int kind) {
        return w.path("dir").asText().equals(dir) && w.path("frame").asText().equals("binary")
                && w.path("kind").asInt() == kind;
    }

    private static boolean isText(JsonNode w, String dir, String event) {
        return w.path("dir").asText().equals(dir) && w.path("frame").asText().equals("text")
                && w.path("event").asText().equals(event);
    }

    /** A JDBC connection from the parts of {@code postgresql://user:password@host:port/db}, as a psql user would. */
    static Connection connectThroughDbUrl(String dbUrl) throws SQLException {
        URI uri = URI.create(dbUrl);
        assertThat(uri.getScheme()).isEqualTo("postgresql");
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {uri.getHost()});
        ds.setPortNumbers(new int[] {uri.getPort()});
        ds.setDatabaseName(uri.getPath().substring(1));
        ds.setUser(URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        ds.setPassword(URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        ds.setConnectTimeout(10);
        ds.setSocketTimeout(20);
        return ds.getConnection();
    }

    private static long insertOrder(Connection c, String driver, String notes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into public.orders (driver_id, status, notes) values (?::uuid, 'new', ?) returning id")) {
            ps.setString(1, driver);
            ps.setString(2, notes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** A child's stdout, read line by line on a daemon thread so that no wait on it can hang. */
    private static final class Lines {
        // Marks the end of the stream in the queue; no line read from a child contains a NUL.
        private static final String END = "\u0000end";
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<String> all = new CopyOnWriteArrayList<>();
        private volatile boolean ended;

        static Lines follow(InputStream in, String name) {
            Lines lines = new Lines();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        lines.all.add(l);
                        lines.queue.add(l);
                    }
                } catch (IOException e) {
                    // The process was killed; what was read is kept.
                } finally {
                    lines.queue.add(END);
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return lines;
        }

        /** The next line matching {@code p}, or null at the end of the stream or after {@code timeout}. */
        String await(Predicate<String> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ended) {
                String l = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    return null;
                }
                if (END.equals(l)) {
                    ended = true;
                    return null;
                }
                if (p.test(l)) {
                    return l;
                }
            }
            return null;
        }

        void awaitEnd(Duration timeout) throws InterruptedException {
            await(l -> false, timeout);
        }

        List<String> all() {
            return new ArrayList<>(all);
        }

        List<JsonNode> parsed() {
            List<JsonNode> out = new ArrayList<>();
            for (String l : all) {
                JsonNode n = parse(l);
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            }
            return out;
        }
    }
}
