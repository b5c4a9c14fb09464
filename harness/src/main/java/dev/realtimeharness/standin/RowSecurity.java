package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;
import dev.realtimeharness.capture.RoutingUnavailable;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row-level security for postgres_changes, the way Realtime's {@code realtime.apply_rls} does it (protocol.md §5):
 * for a table with RLS enabled and an INSERT or UPDATE, the row is looked up by primary key under the subscriber's
 * role and JWT claims, in a transaction that is rolled back. The stand-in owns one connection for this and uses it
 * from the change-capture thread only, so changes are checked one at a time, in commit order, as the server does.
 *
 * <p>Not thread-safe: every method except the counters must be called from one thread.
 */
final class RowSecurity implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RowSecurity.class);
    // A role name goes into set_config('role', ..) as a value, never into SQL text; it is still checked, so that a
    // token's claim can name nothing but an ordinary lower-case role.
    static final Pattern ROLE_NAME = Pattern.compile("^[a-z_][a-z0-9_]*$");

    /**
     * What the checks need to know about one table, looked up once and cached for the stand-in's lifetime.
     * guess: the server re-reads the catalog per poll; an ALTER TABLE .. ENABLE RLS during a run is not noticed
     * here.
     *
     * @param rls        relrowsecurity
     * @param primaryKey the primary-key columns in key order; empty when the table has none
     */
    record Table(String schema, String name, boolean rls, List<String> primaryKey, String visibleSql) {
        /** A DELETE's old_record on an RLS table: only the primary-key columns (protocol.md §5). */
        ChangeEvent limitOldRecordToKey(ChangeEvent e) {
            if (e.oldRecord() == null) {
                return e;
            }
            Map<String, Object> old = new LinkedHashMap<>();
            for (String k : primaryKey) {
                if (e.oldRecord().containsKey(k)) {
                    old.put(k, e.oldRecord().get(k));
                }
            }
            return new ChangeEvent(e.schema(), e.table(), e.type(), e.columns(), e.record(), old,
                    e.commitTimestamp(), e.receivedNanos());
        }
    }

    private final DataSource dataSource;
    private final Map<String, Table> tables = new HashMap<>();
    private final Map<String, PreparedStatement> visibleStatements = new HashMap<>();
    private Connection connection;
    private PreparedStatement setClaims;
    private final LongAdder queries = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder commitWaits = new LongAdder();
    private static final long VISIBILITY_WAIT_NANOS = 200_000_000L;
    private final AtomicLong nextErrorLogNanos = new AtomicLong(System.nanoTime());

    RowSecurity(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The table's RLS facts, from the cache or the catalog. When the catalog cannot be read the table is treated as
     * having RLS and no primary key, so nothing is delivered from it (fail closed) and the lookup is retried on the
     * next change.
     */
    Table table(String schema, String name) {
        String key = schema + "." + name;
        Table t = tables.get(key);
        if (t != null) {
            return t;
        }
        try {
            t = lookUp(schema, name);
            tables.put(key, t);
            return t;
        } catch (SQLException e) {
            failed("reading the catalog for " + key, e);
            if (RoutingUnavailable.databaseAway(e)) {
                resetIfBroken();
                // Not "hidden": the change is handed over again once the database is back.
                throw new RoutingUnavailable("reading the catalog for " + key + ": " + e.getMessage(), e);
            }
            return new Table(schema, name, true, List.of(), null);
        }
    }

    private Table lookUp(String schema, String name) throws SQLException {
        Connection c = connection();
        try {
            boolean rls = false;
            try (PreparedStatement ps = c.prepareStatement(
                    "select c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                            + " where n.nspname = ? and c.relname = ?")) {
                ps.setString(1, schema);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rls = rs.getBoolean(1);
                    }
                }
            }
            List<String> key = new ArrayList<>();
            List<String> keyTypes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_index i"
                            + " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)"
                            + " where i.indrelid = to_regclass(format('%I.%I', ?::text, ?::text)) and i.indisprimary"
                            + " order by array_position(i.indkey::int2[], a.attnum)")) {
                ps.setString(1, schema);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        key.add(rs.getString(1));
                        keyTypes.add(rs.getString(2));
                    }
                }
            }
            String sql = null;
            if (!key.isEmpty()) {
                // apply_rls's walrus_rls_stmt: is the row with this key visible to the current role?
                StringBuilder b = new StringBuilder("select 1 from ").append(quote(schema)).append('.')
                        .append(quote(name)).append(" where ");
                for (int i = 0; i < key.size(); i++) {
                    if (i > 0) {
                        b.append(" and ");
                    }
                    // format_type gives SQL type syntax (bigint, uuid, character varying(20)), safe to splice.
                    b.append(quote(key.get(i))).append(" = cast(? as ").append(keyTypes.get(i)).append(')');
                }
                sql = b.toString();
            }
            log.debug("{}.{}: rls={}, primary key {}", schema, name, rls, key);
            return new Table(schema, name, rls, List.copyOf(key), sql);
        } finally {
            c.rollback();
        }
    }

    /**
     * Whether the change's new row is visible to {@code role} with {@code claimsJson} as request.jwt.claims. One
     * transaction: set_config('role') and set_config('request.jwt.claims') (both local), the primary-key lookup,
     * rollback. False when the role name is not acceptable, the table has no primary key (the server reports
     * "Error 400: Bad Request, no primary key"; the stand-in delivers nothing) or the check fails.
     */
    boolean visible(Table table, ChangeEvent e, String role, String claimsJson) {
        if (role == null || !ROLE_NAME.matcher(role).matches() || table.visibleSql() == null
                || e.record() == null) {
            return false;
        }
        // One check per change and claims, however many times the window below makes it ask (those are commitWaits).
        queries.increment();
        // The walsender can stream a commit a moment before the committing backend has made the transaction
        // visible to new snapshots (the WAL flush comes first). Streaming as fast as we do, a check may run inside
        // that window and not see the row under any role. So when the role does not see it, ask whether the owner
        // does (no RLS applies to the table's owner): if not, the commit is not visible yet, and the check is
        // retried for a short while. The real server polls every 100 ms and never meets this window.
        long deadline = System.nanoTime() + VISIBILITY_WAIT_NANOS;
        while (true) {
            if (visibleAs(table, e, role, claimsJson)) {
                return true;
            }
            if (visibleAs(table, e, null, null)) {
                // The commit is visible now, so the role's answer is final (it may have been asked too early).
                return visibleAs(table, e, role, claimsJson);
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            commitWaits.increment();
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    /** Checks that waited for a commit to become visible (see {@link #visible}). */
    long commitWaits() {
        return commitWaits.sum();
    }

    // With role null: the lookup as the connection's own role (the table's owner), without claims. A connection that
    // died with a database restart is replaced once; a database that is away throws RoutingUnavailable.
    private boolean visibleAs(Table table, ChangeEvent e, String role, String claimsJson) {
        boolean reused = connection != null;
        try {
            return checkAs(table, e, role, claimsJson);
        } catch (SQLException ex) {
            if (!RoutingUnavailable.databaseAway(ex)) {
                // A role that does not exist, a claims value that is no JSON: not visible.
                failed("RLS check on " + table.schema() + "." + table.name() + " as "
                        + (role == null ? "owner" : role), ex);
                resetIfBroken();
                return false;
            }
            close();
            if (reused) {
                return visibleAs(table, e, role, claimsJson);
            }
            failed("RLS check on " + table.schema() + "." + table.name(), ex);
            throw new RoutingUnavailable("RLS check on " + table.schema() + "." + table.name() + ": "
                    + ex.getMessage(), ex);
        }
    }

    private boolean checkAs(Table table, ChangeEvent e, String role, String claimsJson) throws SQLException {
        Connection c = connection();
        try {
            if (role != null) {
                setClaims.setString(1, role);
                setClaims.setString(2, claimsJson);
                try (ResultSet rs = setClaims.executeQuery()) {
                    rs.next();
                }
            }
            PreparedStatement ps = visibleStatements.get(table.visibleSql());
            if (ps == null) {
                ps = c.prepareStatement(table.visibleSql());
                visibleStatements.put(table.visibleSql(), ps);
            }
            List<String> key = table.primaryKey();
            for (int i = 0; i < key.size(); i++) {
                Object v = e.record().get(key.get(i));
                if (v == null) {
                    return false;
                }
                ps.setString(i + 1, v instanceof BigDecimal d ? d.toPlainString() : v.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } finally {
            c.rollback();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(false);
                setClaims = c.prepareStatement(
                        "select set_config('role', ?, true), set_config('request.jwt.claims', ?, true)");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private void resetIfBroken() {
        try {
            if (connection != null && !connection.isValid(2)) {
                close();
            }
        } catch (SQLException e) {
            close();
        }
    }

    private void failed(String what, SQLException e) {
        errors.increment();
        long now = System.nanoTime();
        long next = nextErrorLogNanos.get();
        if (now - next >= 0 && nextErrorLogNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
            log.warn("{} failed: {} ({} RLS errors so far)", what, e.getMessage(), errors.sum());
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** RLS checks run (one per change and distinct claims; a retry while a commit becomes visible is not another). */
    long queries() {
        return queries.sum();
    }

    /** Catalog lookups and visibility checks that failed. */
    long errors() {
        return errors.sum();
    }

    @Override
    public void close() {
        visibleStatements.clear();
        setClaims = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the RLS connection failed", e);
            }
            connection = null;
        }
    }
}
