package dev.realtimeharness.capture;

import dev.realtimeharness.embedded.EmbeddedDatabase;
import dev.realtimeharness.embedded.EmbeddedTargetExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.realtimeharness.capture.ChangeEvent.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Change capture on the shared embedded database; each test opens its own capture and sees only later changes. */
@ExtendWith(EmbeddedTargetExtension.class)
class ChangeCaptureIT {

    private static final String DRIVER_1 = "d0000000-0000-4000-8000-000000000001";
    private static final List<Column> ORDER_COLUMNS = List.of(
            new Column("id", "int8"),
            new Column("driver_id", "uuid"),
            new Column("status", "text"),
            new Column("notes", "text"),
            new Column("created_at", "timestamptz"));

    private static EmbeddedDatabase db;

    /** What the consumer saw, with {@link System#nanoTime()} and the wall clock at the call. */
    private record Seen(ChangeEvent event, long calledNanos, Instant calledAt) {

        static Seen now(ChangeEvent event) {
            return new Seen(event, System.nanoTime(), Instant.now());
        }
    }

    @BeforeAll
    static void useSharedDatabase(EmbeddedDatabase shared) {
        db = shared;
    }

    @Test
    void deliversInsertUpdateDeleteInCommitOrderWithWal2jsonValues() throws Exception {
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        // The shared target runs a capture thread of its own: only a thread that was not there before counts.
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ChangeCapture capture = db.captureChanges(e -> seen.add(Seen.now(e)));
                Connection c = db.connect()) {
            assertThat(Thread.getAllStackTraces().keySet())
                    .anyMatch(t -> !before.contains(t) && t.getName().equals("change-capture") && t.isDaemon());
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into orders (driver_id, notes) values (?::uuid, 'ring twice') returning id")) {
                ps.setString(1, DRIVER_1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            execute(c, "update orders set status = 'accepted' where id = ?", id);
            execute(c, "delete from orders where id = ?", id);

            List<ChangeEvent> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Seen s = seen.poll(10, TimeUnit.SECONDS);
                assertThat(s).as("event %d of 3", i + 1).isNotNull();
                events.add(s.event());
            }
            Instant now = Instant.now();

            assertThat(events).extracting(ChangeEvent::type).containsExactly("INSERT", "UPDATE", "DELETE");
            for (ChangeEvent e : events) {
                assertThat(e.schema()).isEqualTo("public");
                assertThat(e.table()).isEqualTo("orders");
                assertThat(e.columns()).containsExactlyElementsOf(ORDER_COLUMNS);
                assertThat(e.commitTimestamp()).isCloseTo(now, within(1, ChronoUnit.SECONDS));
            }
            // Three transactions, so strictly increasing commit times and read times.
            assertThat(events).extracting(ChangeEvent::commitTimestamp).isSorted();
            assertThat(events.get(0).receivedNanos()).isLessThan(events.get(1).receivedNanos());
            assertThat(events.get(1).receivedNanos()).isLessThan(events.get(2).receivedNanos());

            ChangeEvent insert = events.get(0);
            assertThat(insert.record()).isInstanceOf(LinkedHashMap.class);
            assertThat(insert.record().keySet()).containsExactly("id", "driver_id", "status", "notes", "created_at");
            assertThat(insert.record().get("id")).isInstanceOf(Long.class).isEqualTo(id);
            assertThat(insert.record().get("driver_id")).isInstanceOf(String.class).isEqualTo(DRIVER_1);
            assertThat(insert.record().get("status")).isEqualTo("pending");
            assertThat(insert.record().get("notes")).isEqualTo("ring twice");
            // timestamptz stays PostgreSQL's text, as wal2json sends it.
            assertThat((String) insert.record().get("created_at")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d.*\\+00");
            assertThat(insert.oldRecord()).isNull();

            ChangeEvent update = events.get(1);
            assertThat(update.record().get("status")).isEqualTo("accepted");
            assertThat(update.record().get("id")).isEqualTo(id);
            assertThat(update.record().get("created_at")).isEqualTo(insert.record().get("created_at"));
            // Default replica identity: like Supabase, only the primary key of the old row.
            assertThat(update.oldRecord()).isInstanceOf(LinkedHashMap.class).containsExactly(entry("id", id));

            ChangeEvent delete = events.get(2);
            assertThat(delete.record()).isNull();
            assertThat(delete.oldRecord()).isInstanceOf(LinkedHashMap.class).containsExactly(entry("id", id));

            assertThat(capture.failure()).isEmpty();
            assertThat(capture.delivered()).isEqualTo(3);
        }
    }

    @Test
    void measuresCommitToCallbackLatencyOverFiftyInserts() throws Exception {
        int n = 50;
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        long[] sentToCallbackMicros = new long[n];
        long[] commitToCallbackMicros = new long[n];
        try (ChangeCapture capture = db.captureChanges(e -> seen.add(Seen.now(e)));
                Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "insert into orders (driver_id) values (?::uuid)")) {
            ps.setString(1, DRIVER_1);
            for (int i = 0; i < n; i++) {
                long sentNanos = System.nanoTime();
                ps.executeUpdate();
                Seen s = seen.poll(10, TimeUnit.SECONDS);
                assertThat(s).as("event for insert %d", i).isNotNull();
                // Upper bound: includes the INSERT's own round trip before the commit.
                sentToCallbackMicros[i] = (s.calledNanos() - sentNanos) / 1_000;
                // Same machine, same clock: commit_timestamp (microseconds) to the wall clock in the callback.
                commitToCallbackMicros[i] = ChronoUnit.MICROS.between(s.event().commitTimestamp(), s.calledAt());
            }
            assertThat(capture.failure()).isEmpty();
        }
        Arrays.sort(sentToCallbackMicros);
        Arrays.sort(commitToCallbackMicros);
        System.out.printf("change capture latency over %d single-row inserts: insert sent -> callback p50 %.2f ms, "
                        + "max %.2f ms; commit_timestamp -> callback (wall clock) p50 %.2f ms, max %.2f ms%n",
                n, sentToCallbackMicros[n / 2] / 1000.0, sentToCallbackMicros[n - 1] / 1000.0,
                commitToCallbackMicros[n / 2] / 1000.0, commitToCallbackMicros[n - 1] / 1000.0);
        // Loose on purpose (noisy machine): catches a wal_writer_delay or polling regression (~200 ms).
        assertThat(sentToCallbackMicros[n / 2]).isLessThan(100_000);
    }

    @Test
    void updateWithFullReplicaIdentitySendsTheWholeOldRow() throws Exception {
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        String id = UUID.randomUUID().toString();
        try (Connection c = db.connect()) {
            c.createStatement().execute("alter table drivers replica identity full");
            c.createStatement().execute("alter publication supabase_realtime add table drivers");
            try (ChangeCapture capture = db.captureChanges(e -> seen.add(Seen.now(e)))) {
                try (PreparedStatement ps = c.prepareStatement("insert into drivers (id, name) values (?::uuid, 'x')")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("update drivers set name = 'y' where id = ?::uuid")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                seen.poll(10, TimeUnit.SECONDS);
                Seen update = seen.poll(10, TimeUnit.SECONDS);
                assertThat(update).isNotNull();
                assertThat(update.event().type()).isEqualTo("UPDATE");
                assertThat(update.event().oldRecord()).containsOnlyKeys("id", "name", "created_at")
                        .containsEntry("name", "x");
                assertThat(update.event().record()).containsEntry("name", "y");
            } finally {
                // The database is shared: EmbeddedDatabaseIT counts the drivers and the published tables.
                try (PreparedStatement ps = c.prepareStatement("delete from drivers where id = ?::uuid")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                c.createStatement().execute("alter publication supabase_realtime drop table drivers");
                c.createStatement().execute("alter table drivers replica identity default");
            }
        }
    }

    private static void execute(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static Map.Entry<String, Object> entry(String k, Object v) {
        return Map.entry(k, v);
    }
}
