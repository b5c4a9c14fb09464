package dev.realtimeharness.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory one embedded PostgreSQL lives in, made by this harness and by nothing else:
 * {@code <tmp>/realtime-harness-pg-<random>/} (mode 0700) holding {@value #OWNER_FILE} (the pid and start time of the
 * JVM that made it), {@code data/} (the data directory) and {@code socket/} (mode 0700, PostgreSQL's Unix socket
 * directory, so that only this user can reach the socket).
 *
 * <p>A harness that was SIGKILLed leaves its directory behind (its watchdog normally removes it);
 * {@link #removeStale} removes those whose owner is gone, and only those.
 */
final class InstanceDirectory {
    static final String PREFIX = "realtime-harness-pg-";
    static final String OWNER_FILE = "owner.pid";

    private static final Logger log = LoggerFactory.getLogger(InstanceDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    // The recorded start time of the owner and the one a live process with its pid reports are both derived from
    // /proc; a process that reuses the pid started later than this by far.
    private static final long SAME_START_TOLERANCE_MILLIS = 1_000;

    private final Path root;

    private InstanceDirectory(Path root) {
        this.root = root;
    }

    /** Makes a new instance directory in {@code parent}, owned by this JVM. */
    static InstanceDirectory create(Path parent) {
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        try {
            Path root = Files.createTempDirectory(parent, PREFIX, ownerOnly);
            ProcessHandle self = ProcessHandle.current();
            writeOwner(root, self.pid(), startMillis(self).orElse(0L));
            Files.createDirectory(root.resolve("socket"), ownerOnly);
            return new InstanceDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the embedded PostgreSQL's directory in " + parent, e);
        }
    }

    /** Written to a temporary name and moved into place, so that a reader sees all of it or none. */
    static void writeOwner(Path root, long pid, long startMillis) throws IOException {
        Path tmp = root.resolve(OWNER_FILE + ".tmp");
        Files.writeString(tmp, pid + " " + startMillis + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, root.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    Path root() {
        return root;
    }

    Path data() {
        return root.resolve("data");
    }

    Path socket() {
        return root.resolve("socket");
    }

    void delete() {
        try {
            deleteTree(root);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /**
     * Removes the instance directories in {@code parent} whose owner is gone: named {@value #PREFIX}..., a
     * directory (not a link) of this user, with an {@value #OWNER_FILE} naming a process that no longer runs (or a
     * pid now used by a process that started later). A PostgreSQL still running on such a data directory is stopped
     * first. Anything else (other names, other users' directories, no or unreadable owner file, a live owner) is
     * left alone. Returns the directories removed.
     */
    static List<Path> removeStale(Path parent) {
        List<Path> removed = new ArrayList<>();
        UserPrincipal me;
        try {
            me = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException e) {
            log.warn("not looking for stale embedded PostgreSQL directories: {}", e.toString());
            return removed;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path dir : dirs) {
                if (isStale(dir, me)) {
                    stopPostmaster(dir.resolve("data"));
                    try {
                        deleteTree(dir);
                        removed.add(dir);
                        log.info("removed {}: left behind by a harness that is gone", dir);
                    } catch (IOException e) {
                        log.warn("could not remove stale {}: {}", dir, e.toString());
                    }
                }
            }
        } catch (IOException e) {
            log.warn("could not look for stale embedded PostgreSQL directories in {}: {}", parent, e.toString());
        }
        return removed;
    }

    private static boolean isStale(Path dir, UserPrincipal me) {
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(me)) {
                return false;
            }
            Path owner = dir.resolve(OWNER_FILE);
            if (!Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)) {
                // Being made right now, or not ours after all.
                return false;
            }
            String[] f = Files.readString(owner, StandardCharsets.US_ASCII).trim().split(" ");
            if (f.length != 2) {
                return false;
            }
            return !alive(Long.parseLong(f[0]), Long.parseLong(f[1]));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the process {@code pid} that started at {@code startMillis} (0: unknown) still runs. */
    static boolean alive(long pid, long startMillis) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<Long> started = startMillis(p.get());
        return startMillis == 0 || started.isEmpty()
                || Math.abs(started.get() - startMillis) <= SAME_START_TOLERANCE_MILLIS;
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    /**
     * Stops the postmaster of a stale data directory with pg_ctl's immediate mode, if its pid file names a live
     * {@code postgres} process started on this very directory (and nothing else).
     */
    private static void stopPostmaster(Path data) {
        Optional<ProcessHandle> postmaster = Postmaster.of(data);
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle pm = postmaster.get();
        log.info("stopping a PostgreSQL (pid {}) left running on {}", pm.pid(), data);
        try {
            Postmaster.stop(Postmaster.pgCtl(pm), data, "immediate");
        } catch (IOException | RuntimeException e) {
            log.warn("pg_ctl stop on {} failed ({}); killing pid {}", data, e.toString(), pm.pid());
        }
        if (pm.isAlive()) {
            pm.destroyForcibly();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree does not follow links: a link inside is deleted, never what it points to.
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // Gone already: the watchdog of a dead harness may be removing the same directory.
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
