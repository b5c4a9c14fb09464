package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories a start removes as stale: this harness's own, whose owner is gone, and nothing else. */
class InstanceDirectoryTest {
    @TempDir
    Path parent;

    private Path instance(String name, long pid, long startMillis) throws Exception {
        Path dir = Files.createDirectory(parent.resolve(name));
        Files.createDirectories(dir.resolve("data/base"));
        Files.writeString(dir.resolve("data/PG_VERSION"), "17\n");
        InstanceDirectory.writeOwner(dir, pid, startMillis);
        return dir;
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
    }

    @Test
    void aDirectoryWhoseOwnerIsDeadIsRemovedAndOneWhoseOwnerLivesIsKept() throws Exception {
        Process gone = new ProcessBuilder("sleep", "30").start();
        long gonePid = gone.pid();
        long goneStart = startMillis(gone.toHandle());
        gone.destroyForcibly();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Process living = new ProcessBuilder("sleep", "30").start();
        try {
            Path dead = instance(InstanceDirectory.PREFIX + "dead", gonePid, goneStart);
            Path live = instance(InstanceDirectory.PREFIX + "live", living.pid(), startMillis(living.toHandle()));

            assertThat(InstanceDirectory.removeStale(parent)).containsExactly(dead);

            assertThat(dead).doesNotExist();
            assertThat(live.resolve("data/PG_VERSION")).exists();
        } finally {
            living.destroyForcibly();
        }
    }

    @Test
    void aPidNowUsedByALaterProcessCountsAsGone() throws Exception {
        // This JVM's pid, but an owner that started an hour before it: the pid was reused.
        ProcessHandle self = ProcessHandle.current();
        Path reused = instance(InstanceDirectory.PREFIX + "reused", self.pid(), startMillis(self) - 3_600_000);
        Path mine = instance(InstanceDirectory.PREFIX + "mine", self.pid(), startMillis(self));

        assertThat(InstanceDirectory.removeStale(parent)).containsExactly(reused);
        assertThat(mine).exists();
    }

    @Test
    void leavesAloneWhatItDidNotProvablyMake() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // Another prefix, no owner file, an unreadable owner file, a link to a stale directory.
        Path otherName = instance("epg-dead", gone.pid(), 0);
        Path noOwner = Files.createDirectory(parent.resolve(InstanceDirectory.PREFIX + "no-owner"));
        Path garbled = Files.createDirectory(parent.resolve(InstanceDirectory.PREFIX + "garbled"));
        Files.writeString(garbled.resolve(InstanceDirectory.OWNER_FILE), "not a pid\n");
        Path elsewhere = Files.createDirectory(parent.resolve("elsewhere"));
        Path target = instance("elsewhere/" + InstanceDirectory.PREFIX + "target", gone.pid(), 0);
        Path link = Files.createSymbolicLink(parent.resolve(InstanceDirectory.PREFIX + "link"), target);

        assertThat(InstanceDirectory.removeStale(parent)).isEmpty();

        assertThat(otherName).exists();
        assertThat(noOwner).exists();
        assertThat(garbled).exists();
        assertThat(link).exists();
        assertThat(target.resolve("data/PG_VERSION")).exists();
        assertThat(elsewhere).exists();
    }

    @Test
    void aNewDirectoryIsOwnerOnlyAndNamesThisJvm() throws Exception {
        InstanceDirectory dir = InstanceDirectory.create(parent);

        assertThat(dir.root().getFileName().toString()).startsWith(InstanceDirectory.PREFIX);
        assertThat(Files.getPosixFilePermissions(dir.root())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(dir.socket()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readString(dir.root().resolve(InstanceDirectory.OWNER_FILE)))
                .isEqualTo(ProcessHandle.current().pid() + " " + startMillis(ProcessHandle.current()) + "\n");
        assertThat(InstanceDirectory.removeStale(parent)).isEmpty();
        dir.delete();
        assertThat(dir.root()).doesNotExist();
    }
}
