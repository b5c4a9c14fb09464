package dev.realtimeharness.capture;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed changes of a publication the way Supabase's replication poller does (protocol.md §5, server
 * {@code lib/extensions/postgres_cdc_rls/replication_poller.ex}): a temporary logical slot polled with SQL on one
 * ordinary connection, at most {@code maxChanges} changes a poll, on the poller's cadence:
 * <ul>
 * <li>a poll that handed at least one change to a subscriber: poll again at once;</li>
 * <li>a poll that found changes, none of them for a subscriber: wait {@code interval} + 50-100 ms;</li>
 * <li>a poll that found the slot empty: wait {@code interval × idleMultiplier}.</li>
 * </ul>
 * Waits start when a poll (query and delivery) has finished, so the poll's own time adds to every change's latency,
 * as on the server.
 *
 * <p>The server decodes with wal2json, which the embedded PostgreSQL binaries do not ship; this poller decodes
 * pgoutput ({@code pg_logical_slot_peek_binary_changes}) with the streaming capture's decoder. wal2json returns one
 * row per change while pgoutput adds Begin/Relation/Commit rows, so PostgreSQL's own {@code upto_nchanges} would cap
 * a different count: the poller peeks, takes whole transactions until it has {@code maxChanges} changes (the limit
 * PostgreSQL applies, checked at transaction ends, so one large transaction may exceed it as on the server), hands
 * them over, then advances the slot past the last one taken ({@code pg_replication_slot_advance}).
 */
public final class SlotPoller implements AutoCloseable {

    /** Receives each change in commit order; answers whether any subscriber was sent it. */
    @FunctionalInterface
    public interface Sink {
        boolean deliver(ChangeEvent e);
    }

    public static final String THREAD_NAME = "change-poller";

    private static final Logger log = LoggerFactory.getLogger(SlotPoller.class);
    // The server's jitter after a poll whose changes had no subscriber: Enum.random(50..100) ms.
    private static final int JITTER_MIN_MS = 50;
    private static final int JITTER_MAX_MS = 100;
    // pgoutput rows per change at worst for single-change transactions: Begin, Relation, the change, Commit.
    private static final int ROWS_PER_CHANGE = 4;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Connection conn;
    private final TypeNames types;
    private final PgOutputDecoder decoder;
    private final Sink sink;
    private final String slot;
    private final String publication;
    private final long intervalNanos;
    private final int maxChanges;
    private final int idleMultiplier;
    private final Thread thread;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong largestBatch = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();
    private volatile boolean closing;
    private volatile Throwable failure;

    private SlotPoller(Connection conn, TypeNames types, String slot, String publication, long intervalNanos,
            int maxChanges, int idleMultiplier, Sink sink) {
        this.conn = conn;
        this.types = types;
        this.decoder = new PgOutputDecoder(types);
        this.slot = slot;
        this.publication = publication;
        this.intervalNanos = intervalNanos;
        this.maxChanges = maxChanges;
        this.idleMultiplier = idleMultiplier;
        this.sink = sink;
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Creates a temporary pgoutput slot for {@code publication} and starts polling it; changes committed after this
     * returns are read. {@code user} needs the REPLICATION attribute.
     */
    public static SlotPoller start(String jdbcUrl, String user, String password, String publication,
            long intervalNanos, int maxChanges, int idleMultiplier, Sink sink) throws SQLException {
        Driver driver = new Driver();
        Properties props = new Properties();
        PGProperty.USER.set(props, user);
        PGProperty.PASSWORD.set(props, password);
        PGProperty.APPLICATION_NAME.set(props, "realtime-harness change-poller types");
        TypeNames types = new TypeNames(driver.connect(jdbcUrl, props));
        Connection conn = null;
        try {
            // The server's poller connection is named realtime_rls.
            PGProperty.APPLICATION_NAME.set(props, "realtime-harness change-poller");
            conn = driver.connect(jdbcUrl, props);
            conn.setAutoCommit(true);
            String slot = "harness_poll_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            try (PreparedStatement ps = conn.prepareStatement(
                    "select lsn from pg_create_logical_replication_slot(?, 'pgoutput', true)")) {
                ps.setString(1, slot);
                ps.executeQuery().close();
            }
            SlotPoller poller = new SlotPoller(conn, types, slot, publication, intervalNanos, maxChanges,
                    idleMultiplier, sink);
            poller.thread.start();
            log.info("change poller reading publication {} from slot {} (interval {} ms, at most {} changes a poll, "
                    + "idle x{})", publication, slot, TimeUnit.NANOSECONDS.toMillis(intervalNanos), maxChanges,
                    idleMultiplier);
            return poller;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(conn);
            closeQuietly(types);
            throw e;
        }
    }

    /** What one poll found: changes in the slot, and how many of them reached a subscriber. */
    record Poll(int slotChanges, int forSubscribers) {}

    private void run() {
        try {
            while (!closing) {
                Poll p;
                try {
                    p = pollOnce();
                } catch (SQLException e) {
                    if (closing) {
                        return;
                    }
                    // The server retries with a backoff from 100 ms; the embedded database only fails when it stops.
                    log.warn("polling slot {} failed: {}", slot, e.toString());
                    sleepNanos(RETRY_NANOS);
                    continue;
                }
                sleepNanos(waitAfter(p));
            }
        } catch (Throwable t) {
            if (!closing) {
                failure = t;
                log.error("change poller on slot {} stopped", slot, t);
            }
        } finally {
            closeQuietly(conn);
            closeQuietly(types);
        }
    }

    private long waitAfter(Poll p) {
        return waitAfter(p, intervalNanos, idleMultiplier);
    }

    /** The server's reschedule rule (replication_poller.ex handle_info(:poll)): nanoseconds to wait after {@code p}. */
    static long waitAfter(Poll p, long intervalNanos, int idleMultiplier) {
        if (p.forSubscribers() > 0) {
            return 0;
        }
        if (p.slotChanges() > 0) {
            int jitterMs = ThreadLocalRandom.current().nextInt(JITTER_MIN_MS, JITTER_MAX_MS + 1);
            return intervalNanos + TimeUnit.MILLISECONDS.toNanos(jitterMs);
        }
        return intervalNanos * idleMultiplier;
    }

    private Poll pollOnce() throws SQLException {
        List<ChangeEvent> taken = new ArrayList<>();
        long advanceTo = 0;
        try (PreparedStatement ps = conn.prepareStatement("select data from pg_logical_slot_peek_binary_changes("
                + "?, null, ?, 'proto_version', '1', 'publication_names', ?)")) {
            ps.setString(1, slot);
            ps.setInt(2, ROWS_PER_CHANGE * maxChanges);
            ps.setString(3, publication);
            try (ResultSet rs = ps.executeQuery()) {
                long readNanos = System.nanoTime();
                while (rs.next()) {
                    // Every row is decoded, so the decoder learns each Relation even past the batch's end.
                    PgOutputDecoder.Committed c = decoder.decode(ByteBuffer.wrap(rs.getBytes(1)), readNanos);
                    if (c != null && taken.size() < maxChanges) {
                        taken.addAll(c.events());
                        advanceTo = c.endLsn();
                    }
                }
            }
        }
        if (advanceTo != 0) {
            try (PreparedStatement ps = conn.prepareStatement("select pg_replication_slot_advance(?, ?::pg_lsn)")) {
                ps.setString(1, slot);
                ps.setString(2, LogSequenceNumber.valueOf(advanceTo).asString());
                ps.executeQuery().close();
            }
        }
        polls.incrementAndGet();
        largestBatch.accumulateAndGet(taken.size(), Math::max);
        int forSubscribers = 0;
        for (ChangeEvent e : taken) {
            if (deliver(e)) {
                forSubscribers++;
            }
        }
        return new Poll(taken.size(), forSubscribers);
    }

    private boolean deliver(ChangeEvent e) {
        delivered.incrementAndGet();
        try {
            return sink.deliver(e);
        } catch (RuntimeException ex) {
            long n = sinkErrors.incrementAndGet();
            if (n == 1 || n % 1_000 == 0) {
                log.warn("change sink failed ({} failures so far)", n, ex);
            }
            return false;
        }
    }

    private void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0 && !closing) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    /** Polls made so far. */
    public long polls() {
        return polls.get();
    }

    /** Changes handed to the sink so far. */
    public long delivered() {
        return delivered.get();
    }

    /** The most changes one poll took. */
    public long largestBatch() {
        return largestBatch.get();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean running() {
        return thread.isAlive();
    }

    public String slotName() {
        return slot;
    }

    /** Stops polling; the temporary slot goes with the connection. Waits up to 5 s for the thread. */
    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("change poller thread did not stop within 5 s");
                closeQuietly(conn);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed", e);
        }
    }
}
