package dev.realtimeharness.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resident memory of a local PostgreSQL: the postmaster's VmRSS plus that of every child (backends, walsender,
 * checkpointer, ...), read from /proc once a second by the ticker. Linux only; elsewhere {@link #sampleBytes()}
 * returns -1.
 *
 * <p>The postmaster is found from one backend's pid ({@code select pg_backend_pid()}): its parent is the postmaster,
 * which is confirmed by the first line of {@code postmaster.pid} in the postmaster's working directory (the data
 * directory). The sum counts shared memory once per process that touched it, as RSS does; it is an upper bound of
 * what PostgreSQL holds, the figure {@code ps} and {@code top} show.
 */
public final class PostgresMemory {
    private static final Path PROC = Path.of("/proc");

    private final long postmasterPid;
    private long maxBytes = -1;

    private PostgresMemory(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    /** Nothing to measure (remote target, or not Linux). */
    public static PostgresMemory none() {
        return new PostgresMemory(-1);
    }

    /**
     * The server at {@code jdbcUrl}, when it runs on this machine: found through one backend's pid. Returns
     * {@link #none()} (and logs why) when it cannot be reached or identified.
     */
    public static PostgresMemory ofDatabase(String jdbcUrl, String user, String password) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            return rs.next() ? ofBackend(rs.getLong(1)) : none();
        } catch (java.sql.SQLException e) {
            org.slf4j.LoggerFactory.getLogger(PostgresMemory.class)
                    .warn("PostgreSQL memory will not be reported: {}", e.toString());
            return none();
        }
    }

    /**
     * From the pid of one backend of the server; returns {@link #none()} when its postmaster cannot be identified.
     */
    public static PostgresMemory ofBackend(long backendPid) {
        long parent = parentPid(backendPid);
        if (parent <= 0) {
            return none();
        }
        try {
            Path pidFile = PROC.resolve(Long.toString(parent)).resolve("cwd").resolve("postmaster.pid");
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
            return Long.parseLong(first) == parent ? new PostgresMemory(parent) : none();
        } catch (IOException | RuntimeException e) {
            return none();
        }
    }

    public long postmasterPid() {
        return postmasterPid;
    }

    /** The current sum of VmRSS over the postmaster and its children, in bytes; -1 when unknown. */
    public synchronized long sampleBytes() {
        if (postmasterPid <= 0) {
            return -1;
        }
        long own = rssBytes(postmasterPid);
        if (own < 0) {
            return -1;
        }
        long total = own;
        for (long child : children(postmasterPid)) {
            total += Math.max(0, rssBytes(child));
        }
        maxBytes = Math.max(maxBytes, total);
        return total;
    }

    /** The highest sum seen; -1 when never measured. */
    public synchronized long maxBytes() {
        return maxBytes;
    }

    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     12345 kB"
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            return 0; // kernel threads and zombies have no VmRSS line
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The parent pid from /proc/PID/stat (the field after the parenthesised command name); -1 when unknown. */
    static long parentPid(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            String[] fields = stat.substring(close + 2).split(" ");
            return Long.parseLong(fields[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static List<Long> children(long parent) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path d : dirs) {
                long pid = Long.parseLong(d.getFileName().toString());
                if (parentPid(pid) == parent) {
                    out.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: the postmaster's own RSS is still reported
        }
        return out;
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
