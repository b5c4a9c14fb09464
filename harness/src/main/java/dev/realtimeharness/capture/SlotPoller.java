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
 * them over, then advances the slot past the last one taken ({@code pg_replication_slot_advance}), or, when it took
 * everything up to the WAL position read before the peek, to that position.
 *
 * <p>The slot is persistent, so that a PostgreSQL restart loses nothing: a failed poll closes the connection and the
 * poller reconnects (100 ms doubling to 2 s, see {@link CaptureState}) and peeks again from the slot's confirmed
 * position, which only ever moves past changes already handed over; a transaction handed over whose advance did not
 * happen is recognised by its position and skipped. {@link #close} drops the slot. A slot or publication that
 * disappears is a failure it does not retry ({@link #failure}).
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

    private final Driver driver = new Driver();
    private final String jdbcUrl;
    private final Properties props;
    private final Sink sink;
    private final String slot;
    private final String publication;
    private final long intervalNanos;
    private final int maxChanges;
    private final int idleMultiplier;
    private final CaptureState state;
    private final Thread thread;
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong largestBatch = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();
    private final AtomicLong redeliveriesSkipped = new AtomicLong();
    private volatile boolean closing;
    // The poller thread's connection and what hangs on it; volatile for close() when the thread does not stop.
    private volatile Connection conn;
    private TypeNames types;
    private PgOutputDecoder decoder;
    // Poller thread only: the end position of the last transaction handed over, and where the slot was advanced to.
    private long routedUpTo;
    private long advancedTo;

    private SlotPoller(String jdbcUrl, Properties props, String slot, String publication, long intervalNanos,
            int maxChanges, int idleMultiplier, Sink sink) {
        this.jdbcUrl = jdbcUrl;
        this.props = props;
        this.slot = slot;
        this.publication = publication;
        this.intervalNanos = intervalNanos;
        this.maxChanges = maxChanges;
        this.idleMultiplier = idleMultiplier;
        this.sink = sink;
        this.state = new CaptureState(log, "change poller", slot);
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Creates a persistent pgoutput slot for {@code publication} and starts polling it; changes committed after this
     * returns are read. {@code user} needs the REPLICATION attribute.
     */
    public static SlotPoller start(String jdbcUrl, String user, String password, String publication,
            long intervalNanos, int maxChanges, int idleMultiplier, Sink sink) throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, user);
        PGProperty.PASSWORD.set(props, password);
        // The server's poller connection is named realtime_rls.
        PGProperty.APPLICATION_NAME.set(props, "realtime-harness change-poller");
        String slot = "harness_poll_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        SlotPoller poller = new SlotPoller(jdbcUrl, props, slot, publication, intervalNanos, maxChanges,
                idleMultiplier, sink);
        try {
            poller.connect();
            try (PreparedStatement ps = poller.conn.prepareStatement(
                    "select lsn from pg_create_logical_replication_slot(?, 'pgoutput', false)")) {
                ps.setString(1, slot);
                ps.executeQuery().close();
            }
        } catch (SQLException | RuntimeException e) {
            poller.disconnect();
            throw e;
        }
        poller.thread.start();
        log.info("change poller reading publication {} from slot {} (interval {} ms, at most {} changes a poll, "
                + "idle x{})", publication, slot, TimeUnit.NANOSECONDS.toMillis(intervalNanos), maxChanges,
                idleMultiplier);
        return poller;
    }

    private void connect() throws SQLException {
        TypeNames t = new TypeNames(driver.connect(jdbcUrl, props));
        try {
            Connection c = driver.connect(jdbcUrl, props);
            c.setAutoCommit(true);
            types = t;
            conn = c;
            // A new decoder per connection: relations are read again from the peeked rows.
            decoder = new PgOutputDecoder(t);
        } catch (SQLException | RuntimeException e) {
            ChangeCapture.closeQuietly(t);
            throw e;
        }
    }

    private void disconnect() {
        ChangeCapture.closeQuietly(conn);
        ChangeCapture.closeQuietly(types);
        conn = null;
        types = null;
    }

    /** What one poll found: changes in the slot, and how many of them reached a subscriber. */
    record Poll(int slotChanges, int forSubscribers) {}

    private void run() {
        try {
            while (!closing) {
                Poll p;
                try {
                    if (conn == null) {
                        connect();
                        state.connected();
                    }
                    p = pollOnce();
                } catch (SQLException | RoutingUnavailable e) {
                    if (closing) {
                        return;
                    }
                    disconnect();
                    if (CaptureState.unrecoverable(e)) {
                        state.failed(e);
                        return;
                    }
                    // The server retries with a backoff from 100 ms too.
                    sleepNanos(state.lost(e));
                    continue;
                }
                sleepNanos(waitAfter(p));
            }
        } catch (InterruptedException e) {
            if (!closing) {
                state.failed(e);
            }
        } catch (Throwable t) {
            if (!closing) {
                state.failed(t);
            }
        } finally {
            disconnect();
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
        List<PgOutputDecoder.Committed> taken = new ArrayList<>();
        int takenChanges = 0;
        long advanceTo = 0;
        // Everything committed before this position is in the peek unless the row limit or maxChanges cut it short.
        // The flush position, not the write position: decoding reads flushed WAL only, and a commit written but not
        // yet flushed must not be advanced past unseen.
        long upto;
        try (PreparedStatement ps = conn.prepareStatement("select pg_current_wal_flush_lsn()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            upto = LogSequenceNumber.valueOf(rs.getString(1)).asLong();
        }
        int rowLimit = ROWS_PER_CHANGE * maxChanges;
        int rows = 0;
        boolean left = false;
        try (PreparedStatement ps = conn.prepareStatement("select data from pg_logical_slot_peek_binary_changes("
                + "?, ?::pg_lsn, ?, 'proto_version', '1', 'publication_names', ?)")) {
            ps.setString(1, slot);
            ps.setString(2, LogSequenceNumber.valueOf(upto).asString());
            ps.setInt(3, rowLimit);
            ps.setString(4, publication);
            try (ResultSet rs = ps.executeQuery()) {
                long readNanos = System.nanoTime();
                while (rs.next()) {
                    rows++;
                    // Every row is decoded, so the decoder learns each Relation even past the batch's end.
                    PgOutputDecoder.Committed c = decoder.decode(ByteBuffer.wrap(rs.getBytes(1)), readNanos);
                    if (c == null) {
                        continue;
                    }
                    if (takenChanges >= maxChanges) {
                        left = true;
                    } else if (c.endLsn() <= routedUpTo) {
                        // Handed over before a reconnect whose advance did not happen.
                        redeliveriesSkipped.incrementAndGet();
                        advanceTo = c.endLsn();
                    } else {
                        taken.add(c);
                        takenChanges += c.events().size();
                        advanceTo = c.endLsn();
                    }
                }
            }
        }
        polls.incrementAndGet();
        largestBatch.accumulateAndGet(takenChanges, Math::max);
        int forSubscribers = 0;
        for (PgOutputDecoder.Committed c : taken) {
            if (!c.events().isEmpty()) {
                state.routed(c.events().get(0).commitTimestamp());
            }
            for (ChangeEvent e : c.events()) {
                if (deliver(e)) {
                    forSubscribers++;
                }
            }
            // Transaction by transaction: one the sink could not route (RoutingUnavailable) comes again, the ones
            // before it do not.
            routedUpTo = c.endLsn();
        }
        routedUpTo = Math.max(routedUpTo, advanceTo);
        // Only past what has been handed over: the whole peek when nothing was left in it, else its last transaction
        // taken. A slot that has only changes for no publication (or none) so keeps up with the WAL.
        long target = !left && rows < rowLimit ? Math.max(upto, advanceTo) : advanceTo;
        if (target > advancedTo) {
            try (PreparedStatement ps = conn.prepareStatement("select pg_replication_slot_advance(?, ?::pg_lsn)")) {
                ps.setString(1, slot);
                ps.setString(2, LogSequenceNumber.valueOf(target).asString());
                ps.executeQuery().close();
            }
            advancedTo = target;
        }
        return new Poll(takenChanges, forSubscribers);
    }

    private boolean deliver(ChangeEvent e) {
        delivered.incrementAndGet();
        try {
            return sink.deliver(e);
        } catch (RoutingUnavailable ex) {
            throw ex;
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

    /** Why polling stopped for good (slot or publication gone, undecodable change); empty while it runs or retries. */
    public Optional<Throwable> failure() {
        return state.failure();
    }

    /** Connected, reconnects, failure and lag, as the rest of the harness reads them. */
    public CaptureState state() {
        return state;
    }

    /** Transactions peeked again after a reconnect that had been handed over already, so skipped. */
    public long redeliveriesSkipped() {
        return redeliveriesSkipped.get();
    }

    public boolean running() {
        return thread.isAlive();
    }

    public String slotName() {
        return slot;
    }

    /** Stops polling and drops the slot. Waits up to 5 s for the thread. */
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
                ChangeCapture.closeQuietly(conn);
            }
        }
        Slots.drop(driver, jdbcUrl, props, slot);
    }
}
