package dev.realtimeharness.capture;


import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams committed INSERT/UPDATE/DELETE changes of a publication by logical replication (pgoutput,
 * proto_version 1) and hands each to a consumer, in commit order.
 *
 * <p>The consumer runs on this capture's own daemon thread ({@value #THREAD_NAME}), one call per
 * change, all of a transaction's changes right after its Commit was read. It must not block for long:
 * while it runs nothing else is read, so every later change is delayed by as much. A consumer that
 * throws is counted and logged; capture continues. One that throws {@link RoutingUnavailable} (the database it asks is
 * away) gets the transaction again after a reconnect.
 *
 * <p>The slot is persistent, so that a PostgreSQL restart loses nothing: when the stream breaks the capture
 * reconnects (100 ms doubling to 2 s, see {@link CaptureState}) and resumes from the slot's confirmed position, which
 * only ever acknowledges transactions already routed; changes committed while it was away arrive late, a transaction
 * routed before the break but not yet acknowledged is recognised by its position and skipped. {@link #close} drops
 * the slot. A slot or publication that disappears is a failure it does not retry ({@link #failure}). Changes
 * committed after {@link #start} returns are captured.
 */
public final class ChangeCapture implements AutoCloseable {

    public static final String PUBLICATION = "supabase_realtime";
    /** Where Realtime reads database broadcasts (realtime.messages inserts) from, separate from postgres_changes. */
    public static final String MESSAGES_PUBLICATION = "supabase_realtime_messages_publication";
    public static final String THREAD_NAME = "change-capture";

    private static final Logger log = LoggerFactory.getLogger(ChangeCapture.class);
    // The driver also sends the acknowledged position on its own every status interval while read()
    // waits; forcing it after commits, at most this often, keeps WAL from piling up under load.
    private static final long ACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int STATUS_INTERVAL_SECONDS = 10;

    /** One connection's worth: a type-name lookup connection and the replication stream. */
    private record Session(TypeNames types, Connection replication, PGReplicationStream stream) {
        void close() {
            closeQuietly(replication);
            closeQuietly(types);
        }
    }

    private final Driver driver = new Driver();
    private final String jdbcUrl;
    private final Properties normal;
    private final Properties repl;
    private final String publication;
    private final Consumer<ChangeEvent> consumer;
    private final String slot;
    private final CaptureState state;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong consumerErrors = new AtomicLong();
    private final AtomicLong redeliveriesSkipped = new AtomicLong();
    private volatile boolean closing;
    // The replication connection in use, for close() to cut.
    private volatile Connection current;
    // Capture thread only: the end position of the last transaction routed.
    private long routedUpTo;
    private Session first;

    private ChangeCapture(String jdbcUrl, Properties normal, Properties repl, String publication, String slot,
            Consumer<ChangeEvent> consumer) {
        this.jdbcUrl = jdbcUrl;
        this.normal = normal;
        this.repl = repl;
        this.publication = publication;
        this.slot = slot;
        this.consumer = consumer;
        this.state = new CaptureState(log, "change capture", slot);
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Captures {@code publication} (one name, or several separated by commas, all of which must exist) of any
     * PostgreSQL 10+ with wal_level=logical; {@code user} needs the REPLICATION attribute.
     */
    public static ChangeCapture start(String jdbcUrl, String user, String password, String publication,
            Consumer<ChangeEvent> consumer) throws SQLException {
        Properties normal = new Properties();
        PGProperty.USER.set(normal, user);
        PGProperty.PASSWORD.set(normal, password);
        PGProperty.APPLICATION_NAME.set(normal, "realtime-harness change-capture types");
        Properties repl = (Properties) normal.clone();
        PGProperty.APPLICATION_NAME.set(repl, "realtime-harness change-capture");
        PGProperty.REPLICATION.set(repl, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(repl, "9.4");
        // Replication connections only accept the simple query protocol.
        PGProperty.PREFER_QUERY_MODE.set(repl, "simple");
        String slot = "harness_capture_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        ChangeCapture capture = new ChangeCapture(jdbcUrl, normal, repl, publication, slot, consumer);
        // The first connection is made here, so that a database that cannot be captured fails the start.
        try {
            capture.first = capture.open(true);
        } catch (SQLException | RuntimeException e) {
            Slots.drop(capture.driver, jdbcUrl, normal, slot);
            throw e;
        }
        capture.thread.start();
        log.info("change capture streaming publication {} from slot {}", publication, slot);
        return capture;
    }

    private Session open(boolean createSlot) throws SQLException {
        TypeNames types = new TypeNames(driver.connect(jdbcUrl, normal));
        Connection replication = null;
        try {
            replication = driver.connect(jdbcUrl, repl);
            current = replication;
            PGConnection pg = replication.unwrap(PGConnection.class);
            if (createSlot) {
                pg.getReplicationAPI().createReplicationSlot().logical()
                        .withSlotName(slot)
                        .withOutputPlugin("pgoutput")
                        .make();
            }
            // Without a start position the server resumes from the slot's confirmed position.
            PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", publication)
                    // The interval is also the socket timeout pgjdbc sets; pgjdbc's own tracker (pull request 4356)
                    // says a timeout that lands partway through a backend message can lose the stream's place, and
                    // the capture twice stalled silently in tests with a 1 s interval when it read with blocking
                    // read(). A long interval keeps such timeouts rare; positions are still acknowledged after
                    // commits (ACK_INTERVAL_NANOS), and 10 s is well inside the server's wal_sender_timeout of 60 s.
                    .withStatusInterval(STATUS_INTERVAL_SECONDS, TimeUnit.SECONDS)
                    .start();
            return new Session(types, replication, stream);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(replication);
            closeQuietly(types);
            throw e;
        }
    }

    private void run() {
        Session s = first;
        first = null;
        while (!closing) {
            try {
                if (s == null) {
                    s = open(false);
                    if (closing) {
                        break;
                    }
                    state.connected();
                }
                stream(s);
            } catch (Throwable t) {
                if (closing) {
                    break;
                }
                if (s != null) {
                    s.close();
                    s = null;
                }
                if (CaptureState.unrecoverable(t)) {
                    state.failed(t);
                    break;
                }
                try {
                    state.sleep(state.lost(t));
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        if (s != null) {
            s.close();
        }
    }

    // Reads until close() or the connection breaks (then throws).
    private void stream(Session s) throws SQLException {
        PGReplicationStream stream = s.stream();
        // A new decoder per connection: the server sends Relation messages again, and a transaction cut in half is
        // sent again whole.
        PgOutputDecoder decoder = new PgOutputDecoder(s.types());
        long lastAckNanos = System.nanoTime();
        while (!closing) {
            // Blocking read(): wakes the moment data arrives (a polling readPending() would add up to its park time to
            // every change, and pgjdbc's readPending() peeks with a 1 ms socket timeout and an exception per empty
            // look: 4-7 % of a core while idle, measured) and sends status updates while idle. It answers a keepalive
            // that asks for a reply only when the read after it returns; a walsender that is shutting down waits for
            // that reply, so EmbeddedDatabase.stopServer ends the walsenders that hold the stop up.
            ByteBuffer msg = stream.read();
            long receivedNanos = System.nanoTime();
            if (msg == null) {
                continue;
            }
            if (log.isTraceEnabled()) {
                log.trace("message '{}' at {}", (char) msg.get(msg.position()), stream.getLastReceiveLSN());
            }
            PgOutputDecoder.Committed committed = decoder.decode(heap(msg), receivedNanos);
            if (committed == null) {
                continue;
            }
            if (committed.endLsn() > routedUpTo) {
                deliver(committed.events());
                routedUpTo = committed.endLsn();
            } else {
                // Routed before a reconnect, not acknowledged in time: the subscribers have it already.
                redeliveriesSkipped.incrementAndGet();
            }
            // Only what has been routed is acknowledged: after a restart the slot resumes right after it.
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(committed.endLsn());
            stream.setAppliedLSN(lsn);
            stream.setFlushedLSN(lsn);
            if (receivedNanos - lastAckNanos >= ACK_INTERVAL_NANOS) {
                stream.forceUpdateStatus();
                lastAckNanos = receivedNanos;
            }
        }
    }

    private void deliver(List<ChangeEvent> events) {
        if (!events.isEmpty()) {
            state.routed(events.get(0).commitTimestamp());
        }
        for (ChangeEvent event : events) {
            try {
                consumer.accept(event);
            } catch (RoutingUnavailable e) {
                // Not acknowledged: read again after reconnecting.
                throw e;
            } catch (RuntimeException e) {
                long n = consumerErrors.incrementAndGet();
                // Throttled: a consumer that always fails would otherwise log once per change.
                if (n == 1 || n % 1_000 == 0) {
                    log.warn("change consumer failed ({} failures so far)", n, e);
                }
            }
            delivered.incrementAndGet();
        }
    }

    // The decoder reads strings straight out of the backing array.
    private static ByteBuffer heap(ByteBuffer msg) {
        if (msg.hasArray()) {
            return msg;
        }
        ByteBuffer copy = ByteBuffer.allocate(msg.remaining());
        copy.put(msg).flip();
        return copy;
    }

    /** Changes handed to the consumer so far (including those it threw on). */
    public long delivered() {
        return delivered.get();
    }

    public long consumerErrors() {
        return consumerErrors.get();
    }

    /** Why capture stopped for good (slot or publication gone, undecodable message); empty while it runs or retries. */
    public Optional<Throwable> failure() {
        return state.failure();
    }

    /** Connected, reconnects, failure and lag, as the rest of the harness reads them. */
    public CaptureState state() {
        return state;
    }

    /** Transactions sent again after a reconnect that had been routed already, so skipped. */
    public long redeliveriesSkipped() {
        return redeliveriesSkipped.get();
    }

    public boolean running() {
        return thread.isAlive();
    }

    public String slotName() {
        return slot;
    }

    /** Stops streaming and drops the slot. Waits up to 5 s for the thread. */
    @Override
    public void close() {
        closing = true;
        Connection c = current;
        try {
            // The capture thread owns the stream and is blocked in read(); the stream is not
            // thread-safe, so instead of closing it here we cut the socket, which ends that read.
            if (c != null) {
                c.abort(Runnable::run);
            }
        } catch (SQLException e) {
            log.debug("aborting the replication connection failed", e);
        }
        if (Thread.currentThread() != thread) {
            // Ends a wait between reconnection attempts.
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("change capture thread did not stop within 5 s");
            }
        }
        if (first != null) {
            first.close();
        }
        Slots.drop(driver, jdbcUrl, normal, slot);
    }

    static void closeQuietly(AutoCloseable c) {
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
