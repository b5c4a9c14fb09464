package dev.realtimeharness.publish;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC publishers' pool: HikariCP's connections (autocommit, each probe one committed transaction; a broken
 * connection is evicted and replaced by the pool), worked by as many threads, so JDBC never runs on the publish
 * thread or an event loop. A probe's work returning is its acknowledgement ({@link Publisher.Outcome#acknowledged}):
 * probes on different connections are in flight together, and only the commit orders them. The queue in front of the threads is bounded: a probe that cannot even be queued fails at
 * once ("queue full") instead of waiting unseen while its due time recedes.
 */
final class JdbcPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JdbcPool.class);
    // Connect and read timeouts (pgjdbc, seconds): a stalled database fails probes instead of hanging threads.
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    static final int SOCKET_TIMEOUT_SECONDS = 30;
    private static final long FAILURE_LOG_EVERY_NANOS = 5_000_000_000L;

    /** The work for one probe on a borrowed connection. */
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private final JdbcSettings settings;
    private final HikariDataSource pool;
    private final ThreadPoolExecutor threads;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_EVERY_NANOS);

    JdbcPool(JdbcSettings settings, String name) throws SQLException {
        this.settings = settings;
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setAutoCommit(true);
        config.setMaximumPoolSize(settings.connections());
        config.setMinimumIdle(settings.connections());
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        // Fail the run's start, not its first probes, when the database cannot be reached.
        config.setInitializationFailTimeout(TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        properties(name).forEach((k, v) -> config.addDataSourceProperty((String) k, v));
        try {
            this.pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
        }
        warmUp();
        this.threads = new ThreadPoolExecutor(settings.connections(), settings.connections(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queueCapacity()), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                }, (task, executor) -> ((ProbeTask) task).reject());
    }

    private static Properties properties(String name) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", "realtime-harness " + name);
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        return p;
    }

    // Opens every connection before the first probe is due, so that no probe pays for a connect.
    private void warmUp() throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < settings.connections(); i++) {
                held.add(pool.getConnection());
            }
        } catch (SQLException e) {
            pool.close();
            throw e;
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /**
     * The median of a few {@code select 1} round trips on one fresh connection, in nanoseconds, to size the pool
     * before it exists.
     */
    static long measureRoundTripNanos(String jdbcUrl, String user, String password) throws SQLException {
        Properties p = properties("publisher-probe");
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        long[] samples = new long[5];
        try (Connection c = DriverManager.getConnection(jdbcUrl, p); Statement st = c.createStatement()) {
            for (int i = 0; i < samples.length; i++) {
                long t = System.nanoTime();
                try (ResultSet rs = st.executeQuery("select 1")) {
                    rs.next();
                }
                samples[i] = System.nanoTime() - t;
            }
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    int connections() {
        return settings.connections();
    }

    /** Probes that failed to publish (SQL errors, timeouts, a full queue). */
    long failures() {
        return failures.sum();
    }

    /** Runs the work for a probe on a pooled connection; an SQL error or a full queue fails the probe. */
    void submit(Probe probe, Publisher.Outcome outcome, Work work) {
        threads.execute(new ProbeTask(probe, outcome, work));
    }

    private final class ProbeTask implements Runnable {
        private final Probe probe;
        private final Publisher.Outcome outcome;
        private final Work work;

        ProbeTask(Probe probe, Publisher.Outcome outcome, Work work) {
            this.probe = probe;
            this.outcome = outcome;
            this.work = work;
        }

        @Override
        public void run() {
            try (Connection c = pool.getConnection()) {
                work.run(c);
                // Autocommit: the statement returned, so its transaction committed; a probe sent from now on, on any
                // connection, commits after it.
                outcome.acknowledged(probe);
            } catch (SQLException e) {
                fail(probe, outcome, e.getMessage());
            }
        }

        void reject() {
            fail(probe, outcome, "publisher queue full (" + settings.queueCapacity() + " probes waiting for "
                    + settings.connections() + " connections): the database is slower than the rate; raise"
                    + " publish.connections or lower publish.rate");
        }
    }

    // Counted always, logged at most every few seconds: a database that is down fails every probe.
    private void fail(Probe probe, Publisher.Outcome outcome, String reason) {
        failures.increment();
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_EVERY_NANOS && lastFailureLog.compareAndSet(last, now)) {
            log.warn("publishing probe {} failed ({} publish failures so far): {}", probe.id(), failures.sum(),
                    reason);
        }
        outcome.failed(probe, reason);
    }

    @Override
    public void close() {
        threads.shutdown();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
