package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the next start does with a directory left behind by a harness whose watchdog died with it: a PostgreSQL still
 * running there is stopped and the directory removed; a directory whose owner still runs is kept.
 */
class StaleInstanceIT {

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theNextStartStopsAndRemovesWhatADeadOwnerLeftAndKeepsWhatALiveOwnerHas() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Process gone = new ProcessBuilder("sleep", "30").start();
        long gonePid = gone.pid();
        long goneStart = startMillis(gone.toHandle());
        gone.destroyForcibly();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Process living = new ProcessBuilder("sleep", "120").start();
        InstanceDirectory liveDir = InstanceDirectory.create(tmp);
        InstanceDirectory.writeOwner(liveDir.root(), living.pid(), startMillis(living.toHandle()));

        EmbeddedDatabase left = EmbeddedDatabase.start(0);
        EmbeddedDatabase next = null;
        try {
            ProcessHandle leftPostmaster = Postmaster.of(left.directory().data()).orElseThrow();
            // As if its harness and its watchdog had both been SIGKILLed: the watchdog ends without acting, and the
            // owner file names a process that is gone.
            ProcessHandle watchdog = ProcessHandle.of(left.watchdog().pid()).orElseThrow();
            watchdog.destroyForcibly();
            watchdog.onExit().get(10, TimeUnit.SECONDS);
            InstanceDirectory.writeOwner(left.directory().root(), gonePid, goneStart);
            assertThat(leftPostmaster.isAlive()).isTrue();

            next = EmbeddedDatabase.start(0);

            assertThat(leftPostmaster.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(left.directory().root()).doesNotExist();
            assertThat(liveDir.root().resolve(InstanceDirectory.OWNER_FILE)).exists();
            try (Connection c = next.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select count(*) from drivers")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
        } finally {
            if (next != null) {
                next.close();
                assertThat(next.directory().root()).as("a closed database leaves no directory").doesNotExist();
            }
            left.close();
            living.destroyForcibly();
            liveDir.delete();
        }
        assertThat(Files.exists(liveDir.root())).isFalse();
    }
}
