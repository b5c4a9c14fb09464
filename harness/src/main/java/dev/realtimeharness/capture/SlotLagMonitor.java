package dev.realtimeharness.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the target's change capture is behind, sampled once a second on a thread ({@value #THREAD_NAME}) and an
 * ordinary connection of its own, so that reading it never waits for the database:
 * <ul>
 * <li>bytes: {@code pg_current_wal_lsn() - confirmed_flush_lsn} of the capture's slots (the largest), from
 * {@code pg_replication_slots}; unknown (-1) while the database cannot be asked. A streamed slot confirms the
 * transactions it routes (at least every 0.5 s while they come) and otherwise on the driver's 10 s status update, so
 * a slot that receives nothing for a while shows the WAL written meanwhile;</li>
 * <li>seconds: from the captures themselves ({@link CaptureState#takeLagSeconds}): while one has lost PostgreSQL, the
 * time since; while connected, how late (commit to routed) the changes it routed in the last second were.</li>
 * </ul>
 */
public final class SlotLagMonitor implements AutoCloseable {

    public static final String THREAD_NAME = "slot-lag";

    /** One second's reading; {@code bytes} -1 when unknown. */
    public record Sample(long bytes, double seconds) {
        static final Sample NONE = new Sample(-1, 0);
    }

    private static final Logger log = LoggerFactory.getLogger(SlotLagMonitor.class);
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Driver driver = new Driver();
    private final String jdbcUrl;
    private final Properties props;
    private final List<CaptureState> captures;
    private final String[] slots;
    private final Thread thread;
    private volatile boolean closing;
    private volatile Sample latest = Sample.NONE;
    private volatile long bytesMax = -1;
    private volatile double secondsMax;
    // Monitor thread only.
    private Connection conn;

    private SlotLagMonitor(String jdbcUrl, String user, String password, List<CaptureState> captures) {
        this.jdbcUrl = jdbcUrl;
        this.props = new Properties();
        PGProperty.USER.set(props, user);
        PGProperty.PASSWORD.set(props, password);
        PGProperty.APPLICATION_NAME.set(props, "realtime-harness slot-lag");
        // A sample that hangs on a database that is going away must not hold the next one up for long.
        PGProperty.CONNECT_TIMEOUT.set(props, "2");
        PGProperty.SOCKET_TIMEOUT.set(props, "2");
        this.captures = List.copyOf(captures);
        this.slots = captures.stream().map(CaptureState::slot).toArray(String[]::new);
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /** Starts sampling the slots of {@code captures}; the first sample is taken a second from now. */
    public static SlotLagMonitor start(String jdbcUrl, String user, String password, List<CaptureState> captures) {
        SlotLagMonitor m = new SlotLagMonitor(jdbcUrl, user, password, captures);
        m.thread.start();
        return m;
    }

    private void run() {
        long next = System.nanoTime() + PERIOD_NANOS;
        try {
            while (!closing) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += PERIOD_NANOS;
                sample();
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            ChangeCapture.closeQuietly(conn);
        }
    }

    // One reading: seconds from the captures, bytes from the database.
    void sample() {
        double seconds = 0;
        for (CaptureState c : captures) {
            seconds = Math.max(seconds, c.takeLagSeconds());
        }
        long bytes = queryBytes();
        latest = new Sample(bytes, seconds);
        if (bytes > bytesMax) {
            bytesMax = bytes;
        }
        if (seconds > secondsMax) {
            secondsMax = seconds;
        }
    }

    private long queryBytes() {
        try {
            if (conn == null) {
                conn = driver.connect(jdbcUrl, props);
            }
            try (PreparedStatement ps = conn.prepareStatement("select coalesce(max(pg_wal_lsn_diff("
                    + "pg_current_wal_lsn(), confirmed_flush_lsn)), -1)::bigint from pg_replication_slots "
                    + "where slot_name = any(?)")) {
                ps.setArray(1, conn.createArrayOf("text", slots));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Math.max(-1, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            // The database is away: the captures say so themselves; try a new connection next second.
            log.debug("slot lag: {}", e.toString());
            ChangeCapture.closeQuietly(conn);
            conn = null;
            return -1;
        }
    }

    /** The last second's reading ({@code bytes} -1 before the first or while the database cannot be asked). */
    public Sample latest() {
        return latest;
    }

    /** The most bytes seen, -1 when never measured. */
    public long bytesMax() {
        return bytesMax;
    }

    /** The most seconds seen. */
    public double secondsMax() {
        return secondsMax;
    }

    /** Reconnections of all captures so far. */
    public long reconnects() {
        return captures.stream().mapToLong(CaptureState::reconnects).sum();
    }

    /** The first capture that gave up for good, described; empty while all run. */
    public Optional<String> failure() {
        return captures.stream().map(CaptureState::describeFailure).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
