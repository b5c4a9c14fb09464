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
    private final IntFunction<UUID> driverIds;

    public PostgresPublisher(String jdbcUrl, String user, String password, String table, String probeColumn,
            int threads, IntFunction<UUID> driverIds) throws SQLException {
        if (!IDENT.matcher(table).matches() || !IDENT.matcher(probeColumn).matches()) {
            throw new IllegalArgumentException("table and probe column must be plain identifiers: " + table + ", "
                    + probeColumn);
        }
        this.sql = "insert into " + table + " (driver_id, status, " + probeColumn + ") values (?, 'pending', ?)";
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
                ps.setObject(1, driverIds.apply(probe.driver()));
                ps.setString(2, probe.id());
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
