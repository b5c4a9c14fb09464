package dev.realtimeharness.embedded;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The postmaster of a data directory, found through its {@code postmaster.pid}, and pg_ctl next to it. */
final class Postmaster {
    private static final long PG_CTL_WAIT_SECONDS = 30;
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private Postmaster() {
    }

    /**
     * The live {@code postgres} process that {@code data/postmaster.pid} names, only if its command line says it
     * serves {@code data}: a stale pid file whose pid now belongs to another process yields nothing.
     */
    static Optional<ProcessHandle> of(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> serves(p, data));
    }

    private static boolean serves(ProcessHandle p, Path data) {
        ProcessHandle.Info info = p.info();
        if (info.command().isEmpty() || !Path.of(info.command().get()).getFileName().toString().equals("postgres")
                || info.arguments().isEmpty()) {
            return false;
        }
        List<String> args = Arrays.asList(info.arguments().get());
        int d = args.indexOf("-D");
        return d >= 0 && d + 1 < args.size() && Path.of(args.get(d + 1)).toAbsolutePath().normalize()
                .equals(data.toAbsolutePath().normalize());
    }

    /** pg_ctl from the same binaries as the running postmaster. */
    static Path pgCtl(ProcessHandle postmaster) {
        Path postgres = Path.of(postmaster.info().command().orElseThrow(
                () -> new IllegalStateException("the command of pid " + postmaster.pid() + " is unknown")));
        Path pgCtl = postgres.resolveSibling("pg_ctl");
        if (!Files.isExecutable(pgCtl)) {
            throw new IllegalStateException("no pg_ctl next to " + postgres);
        }
        return pgCtl;
    }

    /**
     * The server options the running postmaster was started with ({@code -p PORT -F -c name=value ...}), read from
     * {@code data/postmaster.opts}, which PostgreSQL writes at start-up with every argument in double quotes; the
     * data directory ({@code -D}) left out.
     */
    static List<String> options(Path data) throws IOException {
        String opts = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>();
        Matcher m = QUOTED.matcher(opts);
        while (m.find()) {
            args.add(m.group(1));
        }
        int d = args.indexOf("-D");
        if (d >= 0 && d + 1 < args.size()) {
            args.subList(d, d + 2).clear();
        }
        for (String a : args) {
            if (a.isEmpty() || !a.matches("[A-Za-z0-9/._+=:,-]+")) {
                throw new IOException("postmaster.opts has an argument pg_ctl -o cannot pass on: " + a);
            }
        }
        return args;
    }

    /**
     * Ends (SIGTERM) the walsenders of {@code postmaster} that are still there {@code graceMillis} after this is called,
     * and keeps doing so every 200 ms until the postmaster has exited or the returned thread is interrupted. At
     * shutdown a logical walsender waits until its client confirms the last position it was sent, and pgjdbc's
     * blocking read answers that keepalive only with the next message, which never comes: the stop would wait for
     * wal_sender_timeout (60 s). Its client then sees the connection end, as it would when a client that answers at
     * once lets the walsender go.
     */
    static Thread endWalSendersWhileStopping(ProcessHandle postmaster, long graceMillis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(graceMillis);
                while (postmaster.isAlive()) {
                    postmaster.children().filter(Postmaster::isWalSender).forEach(ProcessHandle::destroy);
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                // the stop is over
            }
        }, "pg-stop-walsenders");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean isWalSender(ProcessHandle p) {
        try {
            // PostgreSQL rewrites its children's command lines: "postgres: walsender USER DB HOST(PORT) ...".
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8)
                    .startsWith("postgres: walsender");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code pg_ctl stop -m MODE -w}: returns once the postmaster has exited. */
    static void stop(Path pgCtl, Path data, String mode) throws IOException {
        run(List.of(pgCtl.toString(), "-D", data.toString(), "stop", "-m", mode, "-w", "-t",
                Long.toString(PG_CTL_WAIT_SECONDS)));
    }

    /**
     * {@code pg_ctl start -w} with the given server options ({@code -p PORT -c name=value ...}, none containing
     * white space: pg_ctl hands them to a shell), the server's output appended to {@code logFile}.
     */
    static void start(Path pgCtl, Path data, List<String> options, Path logFile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(pgCtl.toString(), "-D", data.toString(), "-l",
                logFile.toString(), "-o", String.join(" ", options), "-w", "-t", Long.toString(PG_CTL_WAIT_SECONDS),
                "start"));
        run(cmd);
    }

    private static void run(List<String> pgCtl) throws IOException {
        List<String> cmd = new ArrayList<>();
        // As zonky runs it: pg_ctl refuses to run as root, so as root it runs in a user namespace of its own.
        if (LinuxUtils.isUnshareAvailable()) {
            cmd.addAll(List.of("unshare", "-U"));
        }
        cmd.addAll(pgCtl);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(PG_CTL_WAIT_SECONDS + 10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("pg_ctl " + String.join(" ", pgCtl.subList(1, pgCtl.size()))
                        + " did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for pg_ctl", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("pg_ctl " + String.join(" ", pgCtl.subList(1, pgCtl.size())) + " exited with "
                    + p.exitValue());
        }
    }
}
