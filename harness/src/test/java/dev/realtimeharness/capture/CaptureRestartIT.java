package dev.realtimeharness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.embedded.EmbeddedDatabase;
import dev.realtimeharness.scenario.CdcConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Both capture modes across a real PostgreSQL restart ({@link EmbeddedDatabase#stopServer}/{@code startServer}):
 * every row committed before the stop and after the start is delivered once, in order; the slot is dropped at close;
 * a slot dropped under a running capture is a failure it reports instead of a silent stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CaptureRestartIT {

    private static final String DRIVER = "d0000000-0000-4000-8000-000000000001";
    private static EmbeddedDatabase db;

    @BeforeAll
    static void startDatabase() {
        db = EmbeddedDatabase.start(2);
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void streamDeliversEveryRowCommittedBeforeAndAfterARestartInOrder() throws Exception {
        BlockingQueue<ChangeEvent> seen = new LinkedBlockingQueue<>();
        String slot;
        try (ChangeCapture capture = db.captureChanges(seen::add)) {
            slot = capture.slotName();
            assertThat(slotIsTemporary(slot)).isFalse();
            List<String> rows = restartBetweenInserts("stream", seen, () -> capture.state());
            assertThat(capture.failure()).isEmpty();
            assertThat(capture.state().reconnects()).isEqualTo(1);
            assertThat(rows).hasSize(10);
        }
        assertThat(slotExists(slot)).isFalse();
    }

    @Test
    void pollerDeliversEveryRowCommittedBeforeAndAfterARestartInOrder() throws Exception {
        BlockingQueue<ChangeEvent> seen = new LinkedBlockingQueue<>();
        String slot;
        try (SlotPoller poller = db.pollChanges(CdcConfig.poll(), e -> seen.add(e) || true)) {
            slot = poller.slotName();
            assertThat(slotIsTemporary(slot)).isFalse();
            List<String> rows = restartBetweenInserts("poll", seen, () -> poller.state());
            assertThat(poller.failure()).isEmpty();
            assertThat(poller.state().reconnects()).isEqualTo(1);
            assertThat(rows).hasSize(10);
        }
        assertThat(slotExists(slot)).isFalse();
    }

    @Test
    void aSlotDroppedUnderTheCaptureIsAReportedFailure() throws Exception {
        try (ChangeCapture capture = db.captureChanges(e -> { });
                SlotPoller poller = db.pollChanges(CdcConfig.poll(), e -> true)) {
            // Cut the stream so that its slot is inactive and can be dropped, then drop both slots.
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (slotExists(capture.slotName()) || slotExists(poller.slotName())) {
                    st.execute("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '"
                            + capture.slotName() + "' and active_pid is not null");
                    st.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where "
                            + "slot_name in ('" + capture.slotName() + "', '" + poller.slotName() + "') and not active");
                    assertThat(System.nanoTime() - deadline).isNegative();
                    Thread.sleep(20);
                }
            }
            awaitTrue(() -> capture.failure().isPresent() && poller.failure().isPresent(), 20);
            assertThat(capture.running()).isFalse();
            assertThat(poller.running()).isFalse();
            assertThat(capture.state().describeFailure().orElseThrow()).contains("does not exist");
            assertThat(poller.state().describeFailure().orElseThrow()).contains("does not exist");
            // What the run reads (summary.json capture.failure, the console line): the first failure, named.
            try (SlotLagMonitor monitor = SlotLagMonitor.start(db.jdbcUrl(), db.user(), db.password(),
                    List.of(capture.state(), poller.state()))) {
                assertThat(monitor.failure().orElseThrow()).startsWith("change capture on slot "
                        + capture.slotName() + ": ").contains("does not exist");
                awaitTrue(() -> monitor.latest().seconds() > 0, 5);
            }
        }
    }

    @Test
    void aChangeTheConsumerCouldNotRouteForNowIsHandedOverAgainNotLost() throws Exception {
        for (String mode : List.of("stream", "poll")) {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.function.Consumer<ChangeEvent> consumer = e -> {
                String notes = (String) e.record().get("notes");
                if (notes.endsWith("-1") && refused.compareAndSet(false, true)) {
                    throw new RoutingUnavailable("the database is away", new SQLException("gone", "08006"));
                }
                seen.add(notes);
            };
            AutoCloseable capture = mode.equals("stream") ? db.captureChanges(consumer)
                    : db.pollChanges(CdcConfig.poll(), e -> {
                        consumer.accept(e);
                        return true;
                    });
            try (capture) {
                List<String> expected = List.of(insert(mode + "-unroutable-0"), insert(mode + "-unroutable-1"),
                        insert(mode + "-unroutable-2"));
                List<String> got = new ArrayList<>();
                while (got.size() < 3) {
                    String n = seen.poll(20, TimeUnit.SECONDS);
                    assertThat(n).as("%s: after %s", mode, got).isNotNull();
                    got.add(n);
                }
                assertThat(got).as(mode).containsExactlyElementsOf(expected);
                assertThat(seen.poll(500, TimeUnit.MILLISECONDS)).isNull();
                CaptureState state = capture instanceof ChangeCapture c ? c.state() : ((SlotPoller) capture).state();
                assertThat(state.reconnects()).as(mode).isEqualTo(1);
                assertThat(state.failure()).isEmpty();
            }
        }
    }

    private interface StateSource {
        CaptureState state();
    }

    // Five rows, a restart, five rows; returns the notes of the rows delivered, in delivery order.
    private static List<String> restartBetweenInserts(String tag, BlockingQueue<ChangeEvent> seen, StateSource s)
            throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(insert(tag + "-before-" + i));
        }
        // Some of them routed, some perhaps not yet: both must come through.
        db.stopServer();
        awaitTrue(() -> !s.state().connectedNow(), 20);
        db.startServer();
        for (int i = 0; i < 5; i++) {
            expected.add(insert(tag + "-after-" + i));
        }
        List<String> got = new ArrayList<>();
        while (got.size() < expected.size()) {
            ChangeEvent e = seen.poll(30, TimeUnit.SECONDS);
            assertThat(e).as("row %d of %s", got.size(), expected).isNotNull();
            got.add((String) e.record().get("notes"));
        }
        assertThat(got).containsExactlyElementsOf(expected);
        // Nothing delivered twice.
        assertThat(seen.poll(1, TimeUnit.SECONDS)).isNull();
        assertThat(s.state().connectedNow()).isTrue();
        return got;
    }

    private static String insert(String notes) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("insert into orders (driver_id, notes) values (?::uuid, ?)")) {
            ps.setString(1, DRIVER);
            ps.setString(2, notes);
            ps.executeUpdate();
        }
        return notes;
    }

    private static boolean slotExists(String slot) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("select 1 from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean slotIsTemporary(String slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "select temporary from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBoolean(1);
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition c, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.holds()) {
            assertThat(System.nanoTime() - deadline).as("condition within %d s", seconds).isNegative();
            Thread.sleep(20);
        }
    }
}
