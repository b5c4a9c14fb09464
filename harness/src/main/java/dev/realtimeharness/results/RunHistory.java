package dev.realtimeharness.results;

import dev.realtimeharness.pg.DbUrl;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The run history ({@code --history-db}): one row per finished run in the PostgreSQL table {@value #TABLE}, created
 * when missing. The summary goes in whole as jsonb next to the columns a trend needs. Nothing secret is stored: the
 * target is summary.json's, which never carries credentials.
 */
public final class RunHistory {
    public static final String TABLE = "realtime_harness_runs";

    /**
     * One recorded run as the trend shows it; {@code previousP99} is the previous run of the same scenario's. For a run
     * judged per window ({@code gate.window}, the soak): the p99 of its worst window and how many windows failed; both
     * null otherwise.
     */
    public record Entry(String runId, String scenario, Instant startedAt, boolean passed, double p50, double p99,
                        long lost, Double previousP99, Double worstWindowP99, Integer failedWindows) {

        public Entry(String runId, String scenario, Instant startedAt, boolean passed, double p50, double p99,
                long lost, Double previousP99) {
            this(runId, scenario, startedAt, passed, p50, p99, lost, previousP99, null, null);
        }

        /** The relative change of p99 against the previous run of the scenario; null without one. */
        public Double p99Change() {
            if (previousP99 == null || previousP99 <= 0) {
                return null;
            }
            return p99 / previousP99 - 1;
        }

        /** p99 more than {@code maxRegression} (0.10 = 10 %) above the previous run of the same scenario. */
        public boolean regressed(double maxRegression) {
            return previousP99 != null && p99 > previousP99 * (1 + maxRegression) && p99 > previousP99;
        }
    }

    private static final String CREATE = "create table if not exists " + TABLE + " ("
            + " id bigserial primary key,"
            + " run_id text not null,"
            + " scenario text not null,"
            + " started_at timestamptz not null,"
            + " ended_at timestamptz,"
            + " target text,"
            + " passed boolean not null,"
            + " p50_ms double precision, p95_ms double precision, p99_ms double precision,"
            + " p999_ms double precision, mean_ms double precision, max_ms double precision,"
            + " published bigint, expected bigint, delivered bigint, lost bigint,"
            + " connection_success_ratio double precision,"
            + " summary jsonb not null,"
            + " recorded_at timestamptz not null default now())";

    private final DbUrl db;

    public RunHistory(DbUrl db) {
        this.db = db;
    }

    public DbUrl db() {
        return db;
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        if (db.password() != null) {
            p.setProperty("password", db.password());
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "realtime-harness history");
        return DriverManager.getConnection(db.jdbcUrl(), p);
    }

    /** Appends a finished run (its summary must carry the gate verdict), creating the table when missing. */
    public void append(Summary s) throws SQLException, IOException {
        String json = SummaryWriter.toJson(s);
        try (Connection c = connect()) {
            try (Statement st = c.createStatement()) {
                st.execute(CREATE);
            }
            try (PreparedStatement ps = c.prepareStatement("insert into " + TABLE + " (run_id, scenario, started_at,"
                    + " ended_at, target, passed, p50_ms, p95_ms, p99_ms, p999_ms, mean_ms, max_ms, published, expected,"
                    + " delivered, lost, connection_success_ratio, summary)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                Summary.LatencyStats l = s.latency();
                int i = 1;
                ps.setString(i++, s.runId());
                ps.setString(i++, s.scenario());
                ps.setObject(i++, time(s.startedAt()));
                ps.setObject(i++, s.endedAt() == null ? null : time(s.endedAt()));
                ps.setString(i++, s.target());
                ps.setBoolean(i++, s.gate() != null && s.gate().passed());
                ps.setDouble(i++, l.p50());
                ps.setDouble(i++, l.p95());
                ps.setDouble(i++, l.p99());
                ps.setDouble(i++, l.p999());
                ps.setDouble(i++, l.mean());
                ps.setDouble(i++, l.max());
                ps.setLong(i++, s.messages().published());
                ps.setLong(i++, s.messages().expectedDeliveries());
                ps.setLong(i++, s.messages().delivered());
                ps.setLong(i++, s.messages().lost());
                ps.setDouble(i++, s.connections().successRatio());
                ps.setString(i, json);
                ps.executeUpdate();
            }
        }
    }

    /**
     * The last {@code last} recorded runs (of {@code scenario}, or of every scenario when null), oldest first, each
     * with the p99 of the previous run of its scenario (which may lie before the window). Empty when the table does not
     * exist yet.
     */
    public List<Entry> trend(String scenario, int last) throws SQLException {
        // The windows live in the stored summary: the worst window's latency.p99 and the failed ones, per run.
        String sql = "select run_id, scenario, started_at, passed, p50_ms, p99_ms, lost, prev_p99, worst_window_p99,"
                + " failed_windows from ("
                + " select id, run_id, scenario, started_at, passed, p50_ms, p99_ms, lost,"
                + " lag(p99_ms) over (partition by scenario order by started_at, id) as prev_p99,"
                + " (select max((c->>'actual')::float8) from jsonb_array_elements(case when jsonb_typeof("
                + "summary->'windows') = 'array' then summary->'windows' else '[]'::jsonb end) w,"
                + " jsonb_array_elements(w->'checks') c where c->>'name' = 'latency.p99') as worst_window_p99,"
                + " case when jsonb_typeof(summary->'windows') = 'array' then (select count(*) from"
                + " jsonb_array_elements(summary->'windows') w where not (w->>'passed')::boolean) end as failed_windows"
                + " from " + TABLE + (scenario == null ? "" : " where scenario = ?")
                + ") t order by started_at desc, id desc limit ?";
        List<Entry> entries = new ArrayList<>();
        try (Connection c = connect()) {
            if (!tableExists(c)) {
                return entries;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (scenario != null) {
                    ps.setString(i++, scenario);
                }
                ps.setInt(i, last);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double prev = rs.getDouble("prev_p99");
                        Double previous = rs.wasNull() ? null : prev;
                        double worst = rs.getDouble("worst_window_p99");
                        Double worstWindow = rs.wasNull() ? null : worst;
                        int failed = rs.getInt("failed_windows");
                        Integer failedWindows = rs.wasNull() ? null : failed;
                        entries.add(new Entry(rs.getString("run_id"), rs.getString("scenario"),
                                rs.getObject("started_at", OffsetDateTime.class).toInstant(), rs.getBoolean("passed"),
                                rs.getDouble("p50_ms"), rs.getDouble("p99_ms"), rs.getLong("lost"), previous,
                                worstWindow, failedWindows));
                    }
                }
            }
        }
        Collections.reverse(entries);
        return entries;
    }

    private static boolean tableExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static OffsetDateTime time(String iso) {
        return OffsetDateTime.ofInstant(Instant.parse(iso), ZoneOffset.UTC);
    }
}
