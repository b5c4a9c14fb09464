package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.FaultSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault injector on an embedded target of its own (it restarts the database): {@code restartDatabase} stops and
 * starts PostgreSQL for real, after which the database takes connections again (what the publisher needs), and the
 * fault's outcome says whether the change capture survived; an {@code every} fault repeats until the end of
 * publishing and not after. The capture's recovery itself is not asserted: it is reported as it is.
 */
class FaultInjectorIT {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void restartDatabaseRestartsPostgresForRealAndEveryFaultRepeatsUntilTheEndOfPublishing() throws Exception {
        try (EmbeddedTarget t = EmbeddedTarget.start(1, EmbeddedConfig.none())) {
            ProcessHandle first = Postmaster.of(t.database().directory().data()).orElseThrow();
            List<FaultInjector.Applied> applied = new CopyOnWriteArrayList<>();
            FaultSpec restart = new FaultSpec(FaultSpec.Kind.RESTART_DATABASE, Duration.ofSeconds(1), null, 0, null,
                    null);
            FaultSpec disconnect = new FaultSpec(FaultSpec.Kind.DISCONNECT, null, Duration.ofSeconds(1), 0.1, null,
                    null);
            long start = System.nanoTime();
            try (FaultInjector f = FaultInjector.start(t, List.of(restart, disconnect), start,
                    Duration.ofMillis(3_500), applied::add)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (applied.stream().noneMatch(a -> a.fault().equals(restart)) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_500); // past the end of publishing: no more disconnects
            }
            applied.forEach(a -> System.out.println(a.line()));

            FaultInjector.Applied r = applied.stream().filter(a -> a.fault().equals(restart)).findFirst().orElseThrow();
            assertThat(r.at().toMillis()).isBetween(1_000L, 1_900L);
            assertThat(r.line()).startsWith("fault at 0m01s: restart PostgreSQL (down ");
            assertThat(r.outcome()).matches("down \\d+\\.\\d s, 1 replication connection cut; change capture "
                    + "(running|STOPPED.*)");
            // Well within pg_ctl's 30 s: the stop did not wait for the capture's walsender.
            assertThat(Double.parseDouble(r.outcome().split(" ")[1])).isLessThan(15);
            // The outcome says what the capture's own state says.
            assertThat(r.outcome().contains("change capture running")).isEqualTo(t.capture().running());

            // A new postmaster on the same data directory, taking connections as before.
            assertThat(first.isAlive()).isFalse();
            assertThat(Postmaster.of(t.database().directory().data()).orElseThrow().pid()).isNotEqualTo(first.pid());
            try (Connection c = t.database().connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select count(*) from drivers")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }

            // every 1s within 3.5 s of publishing: at 1, 2 and 3 s; nobody is connected, so nothing is closed.
            List<FaultInjector.Applied> disconnects = applied.stream().filter(a -> a.fault().equals(disconnect))
                    .toList();
            assertThat(disconnects).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(disconnects.get(i).at().toMillis()).isBetween(1_000L * (i + 1), 1_000L * (i + 1) + 500);
                assertThat(disconnects.get(i).outcome()).isEqualTo("0 of 0 closed");
            }
        }
    }
}
