package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EmbeddedDatabase#stopServer} and {@link EmbeddedDatabase#startServer}: a real PostgreSQL restart on the same
 * data directory, port and settings, after which the watchdog still guards the new postmaster.
 */
class EmbeddedDatabaseRestartIT {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRestartKeepsDataPortAndSettingsAndTheWatchdogStopsTheNewPostmaster() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(2)) {
            ProcessHandle first = Postmaster.of(db.directory().data()).orElseThrow();

            db.stopServer();
            // pg_ctl returns when postmaster.pid is gone, a moment before the process has exited.
            assertThat(first.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);

            db.startServer();
            ProcessHandle second = Postmaster.of(db.directory().data()).orElseThrow();
            assertThat(second.pid()).isNotEqualTo(first.pid());
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                assertThat(scalar(st, "select count(*) from drivers")).isEqualTo("2");
                assertThat(scalar(st, "show wal_level")).isEqualTo("logical");
                assertThat(scalar(st, "show wal_writer_delay")).isEqualTo("1ms");
            }
            assertThat(db.directory().socket().resolve(".s.PGSQL." + db.port())).exists();
            assertThat(Path.of("/tmp/.s.PGSQL." + db.port())).doesNotExist();
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong"))
                    .isInstanceOf(SQLException.class);

            // As if the harness had died: the watchdog stops the postmaster that runs now, not the first one.
            long fired = System.nanoTime();
            db.watchdog().fire();
            assertThat(second.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            System.out.printf("restarted postmaster stopped %d ms after the watchdog fired%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fired));
            assertThat(db.directory().root()).doesNotExist();
        }
    }

    private static String scalar(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
