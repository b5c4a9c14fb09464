package dev.realtimeharness.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.embedded.EmbeddedDatabase;
import dev.realtimeharness.scenario.Drivers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The postgres publisher through a PostgreSQL restart (a real one: pg_ctl stop -m fast, then start on the same data
 * directory and port): while the database is down every probe fails, is counted and reported, and nothing throws;
 * once it is back the pool's dead connections are replaced and probes land again. Its own database, since it
 * restarts it.
 */
class PostgresPublisherRestartIT {
    private static final String RUN = "restart-it";

    /** Outcomes as they arrive; a probe counts as landed when its row is in orders. */
    private static final class Seen implements Publisher.Outcome {
        final List<Long> sent = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();

        @Override
        public void sent(Probe probe, long sendNanos) {
            sent.add(probe.seq());
        }

        @Override
        public void failed(Probe probe, String reason) {
            failed.add(probe.seq() + ": " + reason);
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void probesFailAndAreCountedWhileTheDatabaseIsDownAndLandAgainAfterItsRestart() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(1);
                PostgresPublisher publisher = new PostgresPublisher(
                        new JdbcSettings(db.jdbcUrl(), db.user(), db.password(), 2, 64), "orders", "notes",
                        Drivers::id)) {
            Seen seen = new Seen();
            long seq = 0;

            for (; seq < 3; seq++) {
                send(publisher, seq, seen);
            }
            final long before = seq;
            awaitTrue(() -> landed(db) == before, 20, "the first probes land");
            assertThat(seen.failed).isEmpty();

            db.stopServer();
            for (; seq < 5; seq++) {
                send(publisher, seq, seen);
            }
            // The pool's two connections are dead: the probes on them fail.
            awaitTrue(() -> seen.failed.size() == 2, 3L * JdbcPool.CONNECT_TIMEOUT_SECONDS + 10,
                    "both probes sent while the database is down fail");
            // With those evicted, a probe waits for a new connection at most the pool's connect timeout, then fails.
            long waitingNanos = System.nanoTime();
            send(publisher, seq++, seen);
            awaitTrue(() -> seen.failed.size() == 3, 3L * JdbcPool.CONNECT_TIMEOUT_SECONDS + 10,
                    "a probe that waits for a connection while the database is down fails");
            System.out.printf("a probe waiting for a connection failed after %d ms: %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingNanos), seen.failed.get(2));
            assertThat(publisher.failures()).isEqualTo(3);
            assertThat(seen.failed).allSatisfy(reason -> assertThat(reason).matches("[345]: .+"));

            db.startServer();
            // The pool notices its dead connections on use: a probe or two may still fail on one of them. One probe
            // at a time, each until it lands or fails, until one lands.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean landedOne = false;
            while (!landedOne && System.nanoTime() - deadline < 0) {
                final long s = seq++;
                send(publisher, s, seen);
                awaitTrue(() -> countLanded(db, s, s + 1) == 1 || failed(seen, s),
                        3L * JdbcPool.CONNECT_TIMEOUT_SECONDS + 10, "probe " + s + " lands or fails");
                landedOne = countLanded(db, s, s + 1) == 1;
            }
            assertThat(landedOne).as("a probe lands after the restart").isTrue();
            final long sentSoFar = seq;
            awaitTrue(() -> landed(db) + seen.failed.size() == sentSoFar, 40,
                    "every probe sent so far has landed or failed");

            long failuresBefore = publisher.failures();
            long firstSteady = seq;
            for (int i = 0; i < 10; i++) {
                send(publisher, seq++, seen);
            }
            final long last = seq;
            awaitTrue(() -> countLanded(db, firstSteady, last) == last - firstSteady, 20,
                    "ten probes in a row land once the pool has recovered");
            assertThat(publisher.failures()).as("no failures once recovered").isEqualTo(failuresBefore);
            assertThat(publisher.failures()).isEqualTo(seen.failed.size());
            // Every probe either landed or failed.
            assertThat(landed(db) + seen.failed.size()).isEqualTo(seq);
        }
    }

    private static void send(Publisher publisher, long seq, Seen seen) {
        publisher.send(new Probe(seq, Probe.id(RUN, seq), 0, System.nanoTime()), seen);
    }

    private static long landed(EmbeddedDatabase db) {
        return countLanded(db, 0, Long.MAX_VALUE);
    }

    private static boolean failed(Seen seen, long seq) {
        return seen.failed.stream().anyMatch(f -> f.startsWith(seq + ": "));
    }

    private static long countLanded(EmbeddedDatabase db, long from, long to) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "select notes from orders where notes like ?")) {
            ps.setString(1, RUN + ":%");
            long n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long s = Probe.parseSeq(RUN, rs.getString(1));
                    if (s >= from && s < to) {
                        n++;
                    }
                }
            }
            return n;
        } catch (SQLException e) {
            // Down or not yet back.
            return -1;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
