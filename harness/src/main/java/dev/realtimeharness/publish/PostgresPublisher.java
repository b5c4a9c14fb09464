package dev.realtimeharness.publish;

import dev.realtimeharness.scenario.SqlTemplate;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Publishes a probe as an INSERT into the orders table for the probe's driver, with the probe id in the probe
 * column (default {@code orders.notes}). Runs on its own pool ({@link JdbcPool}), one JDBC connection per thread,
 * autocommit, so each probe is one committed transaction and one change on the replication stream.
 */
public final class PostgresPublisher extends JdbcPublisher {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final String sql;
    private final List<String> parameters;
    private final IntFunction<UUID> driverIds;
    private final java.util.function.IntUnaryOperator driverIndexes;

    public PostgresPublisher(JdbcSettings jdbc, String table, String probeColumn, IntFunction<UUID> driverIds)
            throws SQLException {
        this(jdbc, defaultInsert(table, probeColumn), driverIds, d -> d);
    }

    /**
     * Publishes with the scenario's own statement ({@code publish.sql}): its named parameters are bound per probe,
     * {@code :probe} as text, {@code :driverId} untyped (so PostgreSQL infers uuid or text), {@code :driver} as an
     * integer, {@code :seq} as a bigint.
     */
    public PostgresPublisher(JdbcSettings jdbc, SqlTemplate statement, IntFunction<UUID> driverIds)
            throws SQLException {
        this(jdbc, statement, driverIds, d -> d);
    }

    /** As above; {@code :driver} is bound to {@code driverIndexes} of the probe's driver (a shard's whole-run index). */
    public PostgresPublisher(JdbcSettings jdbc, SqlTemplate statement, IntFunction<UUID> driverIds,
            java.util.function.IntUnaryOperator driverIndexes) throws SQLException {
        super(jdbc, "publisher-postgres");
        this.sql = statement.jdbcSql();
        this.parameters = statement.parameters();
        this.driverIds = driverIds;
        this.driverIndexes = driverIndexes;
    }

    static SqlTemplate defaultInsert(String table, String probeColumn) {
        if (!IDENT.matcher(table).matches() || !IDENT.matcher(probeColumn).matches()) {
            throw new IllegalArgumentException("table and probe column must be plain identifiers: " + table + ", "
                    + probeColumn);
        }
        return SqlTemplate.parse("insert into " + table + " (driver_id, status, " + probeColumn
                + ") values (:driverId::uuid, 'pending', :probe)");
    }

    @Override
    public String via() {
        return "postgres";
    }

    @Override
    public void send(Probe probe, Outcome outcome) {
        pool.submit(probe, outcome, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    switch (parameters.get(i)) {
                        case "probe" -> ps.setString(i + 1, probe.id());
                        case "driverId" -> ps.setObject(i + 1, driverIds.apply(probe.driver()).toString(),
                                Types.OTHER);
                        case "driver" -> ps.setInt(i + 1, driverIndexes.applyAsInt(probe.driver()));
                        case "seq" -> ps.setLong(i + 1, probe.seq());
                        default -> throw new IllegalStateException("unknown parameter " + parameters.get(i));
                    }
                }
                // The send time is taken, and reported, as the statement is handed to the driver: a delivery can
                // arrive before executeUpdate returns.
                outcome.sent(probe, System.nanoTime());
                ps.execute();
            }
        });
    }
}
