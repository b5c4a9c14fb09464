package dev.realtimeharness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.pg.DbUrl;
import dev.realtimeharness.results.RunHistory;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryFixtures;
import dev.realtimeharness.run.ProgressLine;
import dev.realtimeharness.run.Run;
import dev.realtimeharness.run.RunOptions;
import dev.realtimeharness.embedded.EmbeddedDatabase;
import dev.realtimeharness.embedded.EmbeddedTargetExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** --history-db and `harness history` on the shared embedded PostgreSQL as the history database. */
@ExtendWith(EmbeddedTargetExtension.class)
class HistoryCommandIT {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
    static EmbeddedDatabase db;

    @TempDir
    Path results;

    record Printed(int exit, String out, String err) {
    }

    @BeforeAll
    static void useSharedDatabase(EmbeddedDatabase shared) {
        db = shared;
    }

    // The database is shared: leave it without the history table the tests created.
    @AfterAll
    static void dropHistoryTable() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("drop table if exists realtime_harness_runs");
        }
    }

    static Summary fabricated(String runId, String startedAt, double p99, boolean passed) {
        Summary s = SummaryFixtures.t030(p99);
        Summary moved = new Summary(runId, s.scenario(), s.target(), startedAt, startedAt.replace(":00Z", ":30Z"),
                s.drivers(), s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(),
                s.latencyRaw(), s.joinLatency(), s.readyLatency(), s.connectLatency(), s.harness(), s.errors(), null);
        return moved.withGate(Verdict.of(List.of(new Check("latency.p99", 200, p99, passed))));
    }

    static Printed history(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Printed(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void historyPrintsTheTrendAndMarksFailedAndRegressedRuns() throws Exception {
        RunHistory history = new RunHistory(DbUrl.parse(db.dbUrl()));
        history.append(fabricated("night-1", "2026-11-20T02:00:00Z", 100.0, true));
        history.append(fabricated("night-2", "2026-11-21T02:00:00Z", 105.0, true));
        history.append(fabricated("night-3", "2026-11-22T02:00:00Z", 150.0, true));
        history.append(fabricated("night-4", "2026-11-23T02:00:00Z", 250.0, false));

        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select run_id, passed, p99_ms, lost, delivered,"
                        + " connection_success_ratio, summary->>'scenario' from realtime_harness_runs"
                        + " where scenario = 't030-latency' order by started_at")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("night-1");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getDouble(3)).isEqualTo(100.0);
            assertThat(rs.getLong(4)).isEqualTo(1);
            assertThat(rs.getLong(5)).isEqualTo(49_999);
            assertThat(rs.getDouble(6)).isEqualTo(1.0);
            assertThat(rs.getString(7)).isEqualTo("t030-latency");
        }

        Printed p = history("history", "--history-db", db.dbUrl(), "--scenario", "t030-latency");
        List<String> lines = p.out().lines().toList();
        assertThat(lines.get(0)).contains("run id", "verdict", "p50 ms", "p99 ms", "lost", "Δp99");
        assertThat(lines.get(1)).contains("2026-11-20 02:00:00", "night-1", "PASSED", "100.000")
                .doesNotContain("REGRESSED");
        assertThat(lines.get(2)).contains("night-2", "PASSED", "105.000", "+5.0%").doesNotContain("REGRESSED");
        assertThat(lines.get(3)).contains("night-3", "PASSED", "150.000", "+42.9%").endsWith("REGRESSED");
        assertThat(lines.get(4)).contains("night-4", "FAILED", "250.000", "+66.7%").endsWith("FAILED REGRESSED");
        assertThat(p.out()).contains("newest run: FAILED, REGRESSED");
        assertThat(p.exit()).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(p.out() + p.err()).doesNotContain(db.password());

        // --last keeps the newest runs, still compared with the run before the window.
        Printed last = history("history", "--history-db", db.dbUrl(), "--scenario", "t030-latency", "--last", "1",
                "--max-regression", "80%");
        assertThat(last.out().lines().toList()).hasSize(3);
        assertThat(last.out()).contains("night-4", "+66.7%").doesNotContain("night-3").doesNotContain("REGRESSED");
        assertThat(last.exit()).isEqualTo(ExitCodes.GATE_FAILED); // its gate still failed

        Printed none = history("history", "--history-db", db.dbUrl(), "--scenario", "no-such-scenario");
        assertThat(none.exit()).isEqualTo(ExitCodes.PASSED);
        assertThat(none.out()).contains("no runs recorded").doesNotContain(db.password());
    }

    @Test
    void soakRunsShowTheirWorstWindowAndFailedWindowsInTheTrend() throws Exception {
        RunHistory history = new RunHistory(DbUrl.parse(db.dbUrl()));
        Summary plain = fabricated("soak-0", "2026-11-19T02:00:00Z", 90.0, true);
        history.append(new Summary("soak-0", "soak", plain.target(), plain.startedAt(), plain.endedAt(),
                plain.drivers(), plain.channelsPerDriver(), plain.connections(), plain.channels(), plain.messages(),
                plain.latency(), plain.latencyRaw(), plain.joinLatency(), plain.readyLatency(),
                plain.connectLatency(), plain.harness(), plain.errors(), null, plain.gate(), null));
        Summary s = fabricated("soak-1", "2026-11-20T02:00:00Z", 95.0, false);
        List<Summary.Window> windows = List.of(
                new Summary.Window("2026-11-20T02:00:00Z", "2026-11-20T02:01:00Z", true,
                        List.of(new Check("latency.p99", 200, 80.5, true))),
                new Summary.Window("2026-11-20T02:01:00Z", "2026-11-20T02:02:00Z", false,
                        List.of(new Check("latency.p99", 200, 312.25, false))),
                new Summary.Window("2026-11-20T02:02:00Z", "2026-11-20T02:03:00Z", true,
                        List.of(new Check("latency.p99", 200, 99.0, true))));
        history.append(new Summary("soak-1", "soak", s.target(), s.startedAt(), s.endedAt(), s.drivers(),
                s.channelsPerDriver(), s.connections(), s.channels(), s.messages(), s.latency(), s.latencyRaw(),
                s.joinLatency(), s.readyLatency(), s.connectLatency(), s.harness(), s.errors(), null, s.gate(), null)
                .withWindows(windows, null));

        Printed p = history("history", "--history-db", db.dbUrl(), "--scenario", "soak");
        List<String> lines = p.out().lines().toList();
        assertThat(lines.get(0)).contains("worst window p99", "failed windows");
        // A run not judged per window shows dashes; the soak its worst window (312.250 ms) and 1 failed window.
        assertThat(lines.get(1)).contains("soak-0").containsPattern("  -  +-$");
        assertThat(lines.get(2)).contains("soak-1", "312.250").containsPattern("312\\.250 +1  FAILED");
    }

    @Test
    void runWithHistoryDbRecordsTheFinishedSmokeRun() throws Exception {
        // An embedded run, with its own target: the history row must say "embedded". Only the history database is
        // the shared one.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(SCENARIOS.resolve("smoke.yaml"), List.of(), null, results, "smoke-hist",
                null, null, false).withLive(null, null, db.dbUrl(), ProgressLine.Mode.LOG);
        int exit = ExitCodes.of(new Run(options, new PrintStream(out, true, StandardCharsets.UTF_8), System.err).execute());
        assertThat(exit).isEqualTo(ExitCodes.PASSED);
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(stdout).contains("history: recorded in postgresql://harness:***@127.0.0.1:")
                .doesNotContain(db.password());

        Printed p = history("history", "--history-db", db.dbUrl(), "--scenario", "smoke");
        assertThat(p.exit()).as(p.err()).isEqualTo(ExitCodes.PASSED);
        assertThat(p.out()).contains("smoke-hist", "PASSED").contains("newest run: no marks");
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select delivered, lost, target, (summary->'gate'->>'passed')::boolean"
                        + " from realtime_harness_runs where run_id = 'smoke-hist'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(200);
            assertThat(rs.getLong(2)).isZero();
            assertThat(rs.getString(3)).isEqualTo("embedded");
            assertThat(rs.getBoolean(4)).isTrue();
        }
    }
}
