package dev.realtimeharness.publish;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC publishers' small pool: a few threads, each borrowing one of as many autocommit connections, so JDBC
 * never runs on the publish thread or an event loop and each probe is one committed transaction.
 */
final class JdbcPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JdbcPool.class);

    /** The work for one probe on a borrowed connection. */
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private final ExecutorService pool;
    private final BlockingQueue<Connection> connections;
    private final List<Connection> all = new ArrayList<>();

    JdbcPool(String jdbcUrl, String user, String password, int threads, String name) throws SQLException {
        this.connections = new ArrayBlockingQueue<>(threads);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "realtime-harness " + name);
        try {
            for (int i = 0; i < threads; i++) {
                Connection c = DriverManager.getConnection(jdbcUrl, props);
                c.setAutoCommit(true);
                all.add(c);
                connections.add(c);
            }
        } catch (SQLException e) {
            closeConnections();
            throw e;
        }
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the work for a probe on a pooled connection; an SQL error fails the probe with its message. */
    void submit(Probe probe, Publisher.Outcome outcome, Work work) {
        pool.execute(() -> {
            Connection c;
            try {
                c = connections.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome.failed(probe, "interrupted");
                return;
            }
            try {
                work.run(c);
            } catch (SQLException e) {
                log.warn("publishing probe {} failed: {}", probe.id(), e.getMessage());
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
        closeConnections();
    }

    private void closeConnections() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing publisher connection: {}", e.getMessage());
            }
        }
    }
}
