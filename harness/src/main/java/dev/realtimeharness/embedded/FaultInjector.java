package dev.realtimeharness.embedded;

import dev.realtimeharness.capture.ChangeCapture;
import dev.realtimeharness.capture.SlotPoller;
import dev.realtimeharness.scenario.FaultSpec;
import dev.realtimeharness.standin.StandInServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a fault schedule ({@code target.embedded.faults}) to the embedded target, counted from the start of
 * publishing, on threads of its own: disconnects a share of the open sockets, stalls deliveries, opens delay, drop,
 * join-rejection and malformed-frame windows on the stand-in, and restarts PostgreSQL for real (pg_ctl stop -m fast,
 * then start on the same data directory and port). Each fault, once applied, goes to the {@link Sink} with the moment
 * it was applied and what it did. Faults due at or after the end of publishing do not fire.
 *
 * <p>Two threads: a restart takes seconds (it blocks its thread until PostgreSQL is back and the change capture has had
 * a moment to show whether it survived), and the other faults should not wait for it.
 */
public final class FaultInjector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);
    /** How long after a restart the change capture gets to fail (or reconnect) before its state is reported. */
    static final Duration CAPTURE_SETTLE = Duration.ofSeconds(2);

    /** One fault as applied: {@code at} after the start of publishing, at wall-clock {@code time}; what it did. */
    public record Applied(Duration at, Instant time, FaultSpec fault, String outcome) {
        /** {@code fault at 2m00s: disconnect 10% of sockets (5 of 50 closed)}. */
        public String line() {
            return "fault at " + clock(at) + ": " + fault.describe() + (outcome.isEmpty() ? "" : " (" + outcome + ")");
        }
    }

    /** Where applied faults go; called from the injector's threads, one fault at a time per thread. */
    public interface Sink {
        void applied(Applied applied);
    }

    private final StandInServer server;
    private final EmbeddedDatabase db;
    private final ChangeCapture capture;
    private final SlotPoller poller;
    private final long startNanos;
    private final long spanNanos;
    private final Sink sink;
    private final BooleanSupplier publishing;
    private final ScheduledExecutorService timer;

    private FaultInjector(EmbeddedTarget target, long startNanos, Duration span, BooleanSupplier publishing,
            Sink sink) {
        this.publishing = publishing;
        this.server = target.server();
        this.db = target.database();
        this.capture = target.capture();
        this.poller = target.poller();
        this.startNanos = startNanos;
        this.spanNanos = span.toNanos();
        this.sink = sink;
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "faults-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts applying {@code schedule} from {@code startNanos} (System.nanoTime(), the start of publishing) until
     * {@code span} after it, reporting each applied fault to {@code sink}.
     */
    public static FaultInjector start(EmbeddedTarget target, List<FaultSpec> schedule, long startNanos, Duration span,
            Sink sink) {
        return start(target, schedule, startNanos, span, () -> true, sink);
    }

    /** As above; a fault that comes due while {@code publishing} says false (publishing stopped early) is skipped. */
    public static FaultInjector start(EmbeddedTarget target, List<FaultSpec> schedule, long startNanos, Duration span,
            BooleanSupplier publishing, Sink sink) {
        FaultInjector injector = new FaultInjector(target, startNanos, span, publishing, sink);
        for (FaultSpec f : schedule) {
            injector.schedule(f, f.first());
        }
        return injector;
    }

    /** The entries of {@code schedule} that would first fire at or after {@code span}: they never will. */
    public static List<FaultSpec> beyond(List<FaultSpec> schedule, Duration span) {
        return schedule.stream().filter(f -> f.first().compareTo(span) >= 0).toList();
    }

    private void schedule(FaultSpec f, Duration offset) {
        if (offset.toNanos() >= spanNanos) {
            return;
        }
        try {
            timer.schedule(() -> fire(f, offset), startNanos + offset.toNanos() - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: publishing is over.
        }
    }

    private void fire(FaultSpec f, Duration offset) {
        if (!publishing.getAsBoolean()) {
            log.info("fault {} not applied: publishing has stopped", f.describe());
            return;
        }
        if (f.every() != null) {
            schedule(f, offset.plus(f.every()));
        }
        long now = System.nanoTime();
        Instant time = Instant.now();
        String outcome;
        try {
            outcome = apply(f);
        } catch (RuntimeException e) {
            log.warn("fault {} failed", f.describe(), e);
            outcome = "FAILED: " + e;
        }
        Applied applied = new Applied(Duration.ofNanos(now - startNanos), time, f, outcome);
        log.info("{}", applied.line());
        try {
            sink.applied(applied);
        } catch (RuntimeException e) {
            log.warn("reporting {}: {}", applied.line(), e.toString());
        }
    }

    private String apply(FaultSpec f) {
        return switch (f.kind()) {
            case DISCONNECT -> {
                int open = server.connectionsOpen();
                yield server.disconnect(f.ratio()) + " of " + open + " closed";
            }
            case STALL -> {
                server.stall(f.amount());
                yield "";
            }
            case DELAY -> {
                server.delayFor(f.amount(), f.window());
                yield "";
            }
            case DROP -> {
                server.dropFor(f.ratio(), f.window());
                yield "";
            }
            case REJECT_JOINS -> {
                server.rejectJoinsFor(f.ratio(), f.window());
                yield "";
            }
            case MALFORMED_FRAMES -> {
                server.malformFramesFor(f.ratio(), f.window());
                yield "";
            }
            case RESTART_DATABASE -> restartDatabase();
        };
    }

    // A real restart: the publisher's connections and the change capture's replication connection are cut.
    private String restartDatabase() {
        long t0 = System.nanoTime();
        int cut;
        try {
            cut = cutReplication();
            db.stopServer();
        } catch (IOException | SQLException | RuntimeException e) {
            return "FAILED to stop PostgreSQL: " + e.getMessage();
        }
        try {
            db.startServer();
        } catch (IOException | RuntimeException e) {
            return "FAILED to start PostgreSQL again, it stays down: " + e.getMessage();
        }
        String down = String.format(Locale.ROOT, "down %.1f s, %d replication connection%s cut", (System.nanoTime() - t0)
                / 1e9, cut, cut == 1 ? "" : "s");
        try {
            Thread.sleep(CAPTURE_SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down;
        }
        return down + "; " + captureState();
    }

    // A fast shutdown waits for every walsender to see its client confirm the shutdown checkpoint, and the stand-in's
    // streaming capture confirms only what it delivered (commits): measured, pg_ctl stop -m fast then waited out its
    // 30 s and failed. A restart cuts the replication connections anyway; cutting them first (the real server reads
    // its slot with SQL and has no walsender to wait for) makes the stop take what it takes without one.
    private int cutReplication() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) filter (where pg_terminate_backend(pid)) "
                        + "from pg_stat_replication")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    // The change capture reconnects after a restart (persistent slot); one that failed for good says so here, where the
    // user reads the run.
    private String captureState() {
        String state = state("change capture", capture.running(), capture.failure());
        if (poller != null) {
            state += "; " + state("change poller", poller.running(), poller.failure());
        }
        return state;
    }

    private static String state(String what, boolean running, Optional<Throwable> failure) {
        if (running && failure.isEmpty()) {
            return what + " running";
        }
        return what + " STOPPED" + failure.map(t -> " (" + t.getMessage() + ")").orElse("")
                + ": changes committed from now on are not delivered";
    }

    /** {@code 2m00s}, {@code 1h02m05s}: a moment of the run, to the nearest second. */
    static String clock(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Stops applying faults: publishing is over. A restart under way is interrupted after its current step. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
