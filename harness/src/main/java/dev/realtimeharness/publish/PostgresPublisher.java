package dev.realtimeharness.publish;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import dev.realtimeharness.scenario.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a probe as an INSERT into the orders table for the probe's driver, with the probe id in the probe
 * column (default {@code orders.notes}). Runs on its own small pool, one JDBC connection per thread, autocommit,
 * so each probe is one committed transaction and one change on the replication stream.
 */
public final class PostgresPublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(PostgresPublisher.class);
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final ExecutorService pool;
    private final BlockingQueue<Connection> connections;
    private final List<Connection> all = new ArrayList<>();
    private final String sql;
    private final List<String> parameters;
    private final IntFunction<UUID> driverIds;

    public PostgresPublisher(String jdbcUrl, String user, String password, String table, String probeColumn,
            int threads, IntFunction<UUID> driverIds) throws SQLException {
        this(jdbcUrl, user, password, defaultInsert(table, probeColumn), threads, driverIds);
    }

    /**
     * Publishes with the scenario's own statement ({@code publish.sql}): its named parameters are bound per probe,
     * {@code :probe} and {@code :driverId} as text, {@code :driver} as an integer, {@code :seq} as a bigint.
     */
    public PostgresPublisher(String jdbcUrl, String user, String password, SqlTemplate statement, int threads,
            IntFunction<UUID> driverIds) throws SQLException {
        this.sql = statement.jdbcSql();
        this.parameters = statement.parameters();
        this.driverIds = driverIds;
        this.connections = new ArrayBlockingQueue<>(threads);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "realtime-harness publisher");
        for (int i = 0; i < threads; i++) {
            Connection c = DriverManager.getConnection(jdbcUrl, props);
            c.setAutoCommit(true);
            all.add(c);
            connections.add(c);
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "publisher-postgres");
            t.setDaemon(true);
            return t;
        });
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
        pool.execute(() -> {
            Connection c;
            try {
                c = connections.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome.failed(probe, "interrupted");
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    switch (parameters.get(i)) {
                        case "probe" -> ps.setString(i + 1, probe.id());
                        // Sent untyped, so PostgreSQL infers the column type (uuid or text) with or without a cast.
                        case "driverId" -> ps.setObject(i + 1, driverIds.apply(probe.driver()).toString(),
                                java.sql.Types.OTHER);
                        case "driver" -> ps.setInt(i + 1, probe.driver());
                        case "seq" -> ps.setLong(i + 1, probe.seq());
                        default -> throw new IllegalStateException("unknown parameter " + parameters.get(i));
                    }
                }
                // The send time is taken, and reported, as the statement is handed to the driver: a delivery can
                // arrive before executeUpdate returns.
                outcome.sent(probe, System.nanoTime());
                ps.executeUpdate();
            } catch (SQLException e) {
                log.warn("insert for probe {} failed: {}", probe.id(), e.getMessage());
                outcome.failed(probe, e.getMessage());
            } finally {
                connections.add(c);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing publisher connection: {}", e.getMessage());
            }
        }
    }
}
