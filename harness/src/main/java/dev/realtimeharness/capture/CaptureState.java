package dev.realtimeharness.capture;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * What one capture thread (stream or poll) reports about itself to the rest of the harness: whether it is connected,
 * how often it came back, why it gave up, and how late the changes it routed were. Written by the capture's own
 * thread, read by anyone.
 *
 * <p>A lost connection is logged once when it is noticed and once when it is back (not once per retry); the retries
 * in between wait 100 ms doubling to 2 s.
 */
public final class CaptureState {
    static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Logger log;
    private final String what;
    private final String slot;
    private final AtomicLong reconnects = new AtomicLong();
    // The largest (routed at - committed at) since the last takeRoutedLagMicros, -1 for none.
    private final AtomicLong routedLagMicros = new AtomicLong(-1);
    private volatile boolean connected = true;
    private volatile long lostAtNanos;
    private volatile Throwable failure;
    // Capture thread only.
    private int attempts;
    private long retryNanos = FIRST_RETRY_NANOS;

    CaptureState(Logger log, String what, String slot) {
        this.log = log;
        this.what = what;
        this.slot = slot;
    }

    /** The connection broke: logged the first time; returns how long to wait before the next attempt. */
    long lost(Throwable cause) {
        attempts++;
        if (connected) {
            connected = false;
            lostAtNanos = System.nanoTime();
            log.warn("{} on slot {} lost PostgreSQL ({}); reconnecting, from the slot's confirmed position", what, slot,
                    cause.toString());
        } else {
            log.debug("{} on slot {}: attempt {} failed: {}", what, slot, attempts, cause.toString());
        }
        long wait = retryNanos;
        retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
        return wait;
    }

    /** A connection is up again (or for the first time): logged only after a loss. */
    void connected() {
        retryNanos = FIRST_RETRY_NANOS;
        if (!connected) {
            reconnects.incrementAndGet();
            connected = true;
            log.info("{} on slot {} is back after {} ms ({} attempts); changes committed meanwhile follow", what, slot,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAtNanos), attempts);
        }
        attempts = 0;
    }

    /** Gave up for good: every later change is lost. */
    void failed(Throwable cause) {
        if (connected) {
            lostAtNanos = System.nanoTime();
        }
        failure = cause;
        connected = false;
        log.error("{} on slot {} FAILED and stopped; changes committed from now on are not delivered", what, slot,
                cause);
    }

    /** A change committed at {@code commit} has just been routed. */
    void routed(Instant commit) {
        if (commit == null) {
            return;
        }
        Instant now = Instant.now();
        long micros = TimeUnit.SECONDS.toMicros(now.getEpochSecond() - commit.getEpochSecond())
                + (now.getNano() - commit.getNano()) / 1_000;
        routedLagMicros.accumulateAndGet(Math.max(0, micros), Math::max);
    }

    /**
     * Seconds changes wait for this capture now: while the connection is lost, the time since it was lost (no change
     * committed meanwhile can have waited longer); while connected, the largest commit-to-routed time of the changes
     * routed since the last call (0 when none was), which is how late a backlog is while the capture catches up.
     */
    double takeLagSeconds() {
        long routed = routedLagMicros.getAndSet(-1);
        if (failure != null || !connected) {
            return (System.nanoTime() - lostAtNanos) / 1e9;
        }
        return routed < 0 ? 0 : routed / 1e6;
    }

    /**
     * Whether {@code e} means the capture cannot go on by reconnecting: its slot or publication is gone (SQLSTATE
     * 42704, undefined object), or a message it cannot decode (retrying would read the same bytes again). A consumer
     * that could not route a change because the database is away ({@link RoutingUnavailable}) is retried.
     */
    static boolean unrecoverable(Throwable e) {
        if (e instanceof RoutingUnavailable) {
            return false;
        }
        if (e instanceof SQLException s) {
            return "42704".equals(s.getSQLState());
        }
        return !(e instanceof java.io.IOException);
    }

    public String slot() {
        return slot;
    }

    public boolean connectedNow() {
        return connected;
    }

    /** Times the capture came back after losing PostgreSQL. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Why the capture stopped for good; empty while it runs or retries. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** e.g. "change capture on slot harness_capture_… : ERROR: replication slot … does not exist". */
    public Optional<String> describeFailure() {
        return failure().map(t -> what + " on slot " + slot + ": " + t.getMessage());
    }

    void sleep(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
    }
}
