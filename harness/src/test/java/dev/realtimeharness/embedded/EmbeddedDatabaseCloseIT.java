package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link EmbeddedDatabase#close} leaves behind: no PostgreSQL process and no directory, even if pg_ctl fails. */
class EmbeddedDatabaseCloseIT {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeStopsEveryPostgresProcessAndRemovesTheDirectory() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.start(0);
        ProcessHandle postmaster = Postmaster.of(db.directory().data()).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().collect(Collectors.toList());
        Path root = db.directory().root();

        db.close();

        assertThat(postmaster.isAlive()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(root).doesNotExist();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPostmasterThatIgnoresPgCtlStopIsKilled() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.start(0);
        ProcessHandle postmaster = Postmaster.of(db.directory().data()).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().collect(Collectors.toList());
        try {
            // A stopped postmaster answers nothing: zonky's pg_ctl stop times out after 5 s and only logs.
            signal("STOP", postmaster);

            db.close();

            assertThat(postmaster.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
            // Its children notice that the postmaster is gone.
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
            assertThat(db.directory().root()).doesNotExist();
        } finally {
            if (postmaster.isAlive()) {
                signal("CONT", postmaster);
                postmaster.destroyForcibly();
            }
        }
    }

    private static void signal(String name, ProcessHandle p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
