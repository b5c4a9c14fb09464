package dev.realtimeharness.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.embedded.EmbeddedDatabase;
import dev.realtimeharness.embedded.EmbeddedTargetExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JDBC publishers' pool against a real PostgreSQL: a broken connection is replaced, a full queue fails fast. */
@ExtendWith(EmbeddedTargetExtension.class)
class JdbcPoolIT {
    private static EmbeddedDatabase db;

    @BeforeAll
    static void useSharedDatabase(EmbeddedDatabase shared) {
        db = shared;
    }

    /** Outcomes as they arrive. */
    static final class Seen implements Publisher.Outcome {
        final List<Long> sent = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
        final CountDownLatch done;

        Seen(int probes) {
            done = new CountDownLatch(probes);
        }

        @Override
        public void sent(Probe probe, long sendNanos) {
            sent.add(probe.seq());
            done.countDown();
        }

        @Override
        public void failed(Probe probe, String reason) {
            failed.add(probe.seq() + ": " + reason);
            done.countDown();
        }
    }

    private static JdbcSettings settings(int connections, int queue) {
        return new JdbcSettings(db.jdbcUrl(), db.user(), db.password(), connections, queue);
    }

    private static long backendPid(Connection c) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aConnectionTheServerKilledIsReplacedAndLaterProbesSucceed() throws Exception {
        try (JdbcPool pool = new JdbcPool(settings(1, 16), "publisher-test")) {
            long[] pid = new long[1];
            Seen first = new Seen(1);
            pool.submit(new Probe(0, "t:0", 0, 0), first, c -> {
                pid[0] = backendPid(c);
                first.sent(new Probe(0, "t:0", 0, 0), System.nanoTime());
            });
            assertThat(first.done.await(10, TimeUnit.SECONDS)).isTrue();

            // The server ends the pool's only connection, as a restart or an idle timeout would.
            try (Connection admin = db.connect(); PreparedStatement ps =
                    admin.prepareStatement("select pg_terminate_backend(?::int)")) {
                ps.setLong(1, pid[0]);
                ps.execute();
            }

            // Probes keep coming: at most the one on the dead connection fails, then a new connection serves.
            Seen later = new Seen(5);
            for (int i = 1; i <= 5; i++) {
                Probe p = new Probe(i, "t:" + i, 0, 0);
                pool.submit(p, later, c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("select 1");
                    }
                    later.sent(p, System.nanoTime());
                });
            }
            assertThat(later.done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(later.failed).hasSizeLessThanOrEqualTo(1);
            assertThat(later.sent).contains(5L);
            assertThat(pool.failures()).isEqualTo(later.failed.size());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aProbeThatCannotBeQueuedFailsAtOnceAsQueueFull() throws Exception {
        try (JdbcPool pool = new JdbcPool(settings(1, 1), "publisher-test")) {
            CountDownLatch release = new CountDownLatch(1);
            Seen seen = new Seen(3);
            for (int i = 0; i < 3; i++) {
                Probe p = new Probe(i, "t:" + i, 0, 0);
                pool.submit(p, seen, c -> {
                    // The first probe holds the only connection until the test lets it go.
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    seen.sent(p, System.nanoTime());
                });
            }
            // One probe runs, one waits in the queue of 1, the third is refused without waiting.
            assertThat(seen.failed).hasSize(1);
            assertThat(seen.failed.get(0)).startsWith("2: publisher queue full").contains("publish.connections");
            release.countDown();
            assertThat(seen.done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(seen.sent).containsExactly(0L, 1L);
            assertThat(pool.failures()).isEqualTo(1);
        }
    }

    @Test
    void theRoundTripIsMeasuredOnARealConnection() throws Exception {
        long rtt = JdbcPool.measureRoundTripNanos(db.jdbcUrl(), db.user(), db.password());

        assertThat(rtt).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
}
