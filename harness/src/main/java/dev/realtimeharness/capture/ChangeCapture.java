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
 * throws is counted and logged; capture continues.
 *
 * <p>The slot is temporary: PostgreSQL drops it when the replication connection ends, so a crashed
 * harness leaves no slot holding WAL behind. Changes committed after {@link #start} returns are
 * captured.
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

    private final Connection replication;
    private final PGReplicationStream stream;
    private final TypeNames types;
    private final PgOutputDecoder decoder;
    private final Consumer<ChangeEvent> consumer;
    private final String slot;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong consumerErrors = new AtomicLong();
    private volatile boolean closing;
    private volatile Throwable failure;

    private ChangeCapture(Connection replication, PGReplicationStream stream, TypeNames types, String slot,
            Consumer<ChangeEvent> consumer) {
        this.replication = replication;
        this.stream = stream;
        this.types = types;
        this.decoder = new PgOutputDecoder(types);
        this.slot = slot;
        this.consumer = consumer;
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Captures {@code publication} (one name, or several separated by commas, all of which must exist) of any
     * PostgreSQL 10+ with wal_level=logical; {@code user} needs the REPLICATION attribute.
     */
    public static ChangeCapture start(String jdbcUrl, String user, String password, String publication,
            Consumer<ChangeEvent> consumer) throws SQLException {
        Driver driver = new Driver();
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

        TypeNames types = new TypeNames(driver.connect(jdbcUrl, normal));
        Connection replication = null;
        try {
            replication = driver.connect(jdbcUrl, repl);
            PGConnection pg = replication.unwrap(PGConnection.class);
            String slot = "harness_capture_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            pg.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(slot)
                    .withOutputPlugin("pgoutput")
                    .withTemporaryOption()
                    .make();
            PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", publication)
                    // A blocking read() wakes once per status interval to send a status update, by a socket
                    // timeout; pgjdbc's own tracker (pull request 4356) says a timeout that lands partway through a
                    // backend message can lose the stream's place. The capture twice stalled silently in tests with
                    // a 1 s interval (one insert never delivered), consistent with that. A long interval makes those
                    // wake-ups rare; positions are still acknowledged after commits (ACK_INTERVAL_NANOS), and 10 s is
                    // well inside the server's wal_sender_timeout of 60 s.
                    .withStatusInterval(STATUS_INTERVAL_SECONDS, TimeUnit.SECONDS)
                    .start();
            ChangeCapture capture = new ChangeCapture(replication, stream, types, slot, consumer);
            capture.thread.start();
            log.info("change capture streaming publication {} from slot {}", publication, slot);
            return capture;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(replication);
            closeQuietly(types);
            throw e;
        }
    }

    private void run() {
        long lastAckNanos = System.nanoTime();
        try {
            while (!closing) {
                // Blocking read(): wakes the moment data arrives (a polling readPending() would add up
                // to its park time to every change) and sends status updates while idle.
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
                deliver(committed.events());
                LogSequenceNumber lsn = LogSequenceNumber.valueOf(committed.endLsn());
                stream.setAppliedLSN(lsn);
                stream.setFlushedLSN(lsn);
                if (receivedNanos - lastAckNanos >= ACK_INTERVAL_NANOS) {
                    stream.forceUpdateStatus();
                    lastAckNanos = receivedNanos;
                }
            }
        } catch (Throwable t) {
            if (!closing) {
                failure = t;
                log.error("change capture from slot {} stopped", slot, t);
            }
        } finally {
            closeQuietly(replication);
            closeQuietly(types);
        }
    }

    private void deliver(List<ChangeEvent> events) {
        for (ChangeEvent event : events) {
            try {
                consumer.accept(event);
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

    /** Why capture stopped by itself (connection lost, undecodable message); empty while running or after close. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean running() {
        return thread.isAlive();
    }

    public String slotName() {
        return slot;
    }

    /** Stops streaming; the temporary slot goes with the connection. Waits up to 5 s for the thread. */
    @Override
    public void close() {
        closing = true;
        try {
            // The capture thread owns the stream and is blocked in read(); the stream is not
            // thread-safe, so instead of closing it here we cut the socket, which ends that read.
            replication.abort(Runnable::run);
        } catch (SQLException e) {
            log.debug("aborting the replication connection failed", e);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("change capture thread did not stop within 5 s");
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
