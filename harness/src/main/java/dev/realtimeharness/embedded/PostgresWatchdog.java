package dev.realtimeharness.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stops the embedded PostgreSQL when the harness is gone, however it went (SIGKILL included, when no shutdown hook
 * runs). PostgreSQL runs in processes of its own, detached by pg_ctl, so nothing else would stop it.
 *
 * <p>The watchdog is a small shell process whose standard input is a pipe from this JVM, which never writes to it.
 * The kernel closes the JVM's end when the JVM exits for any reason; the shell's {@code read} then sees end of file,
 * and it sends the postmaster named in {@code data/postmaster.pid} SIGQUIT (PostgreSQL's immediate shutdown: the
 * postmaster and all its children exit at once; SIGKILL follows after 8 s if it has not), then removes the instance
 * directory. Unlike polling the harness's pid, a closed pipe cannot be fooled by pid reuse and costs nothing while
 * the harness lives. It runs in a session of its own ({@code setsid}) so that a signal to the harness's process
 * group does not take it down with the harness. No other process holds the pipe: Java closes every other
 * descriptor in the processes it starts.
 *
 * <p>It starts before the postmaster does; if the harness dies while PostgreSQL is still starting, it waits up to
 * 10 s for the pid file. A normal close disarms the watchdog first (one line on the pipe: {@link #disarm}) and
 * stops PostgreSQL after.
 */
final class PostgresWatchdog {
    // $1 data directory, $2 instance directory. Only shell built-ins, sleep, head, tr, grep and rm.
    private static final String SCRIPT = String.join("\n",
            "data=$1; home=$2",
            // The harness writes one line only, to disarm it; end of file means the harness is gone.
            "while read -r line; do [ \"$line\" = disarm ] && exit 0; done",
            "n=0",
            "while [ ! -f \"$data/postmaster.pid\" ] && [ $n -lt 50 ]; do sleep 0.2; n=$((n+1)); done",
            "pid=$(head -n 1 \"$data/postmaster.pid\" 2>/dev/null)",
            "case $pid in ''|*[!0-9]*) pid= ;; esac",
            // Only a postgres process started on this data directory: a stale pid file may name someone else.
            "if [ -n \"$pid\" ] && tr '\\000' '\\n' < /proc/$pid/cmdline 2>/dev/null | grep -qxF -- \"$data\"; then",
            "  kill -QUIT $pid 2>/dev/null",
            "  n=0",
            "  while kill -0 $pid 2>/dev/null && [ $n -lt 40 ]; do sleep 0.2; n=$((n+1)); done",
            "  kill -KILL $pid 2>/dev/null",
            "fi",
            "rm -rf -- \"$home\"",
            "");
    // Strong references: a Process that became unreachable would have its pipe closed by the JVM's cleaner,
    // which would stop PostgreSQL under a harness that is still using it.
    private static final Set<Process> ARMED = ConcurrentHashMap.newKeySet();

    private final Process process;

    private PostgresWatchdog(Process process) {
        this.process = process;
    }

    /** Starts watching this JVM on behalf of the PostgreSQL that will run on {@code dir}'s data directory. */
    static PostgresWatchdog start(InstanceDirectory dir) {
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        // $0 names it in ps.
        cmd.addAll(List.of("/bin/sh", "-c", SCRIPT, "realtime-harness-pg-watchdog", dir.data().toString(),
                dir.root().toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ARMED.add(p);
            return new PostgresWatchdog(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL's watchdog", e);
        }
    }

    /**
     * Closes the pipe as the harness's death would: the watchdog stops the postmaster (if one started) and removes
     * the instance directory. For a start that failed half-way. Waits for it, at most 20 s.
     */
    void fire() {
        try {
            process.getOutputStream().close();
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            // It is gone already.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ARMED.remove(process);
    }

    long pid() {
        return process.pid();
    }

    /** Ends the watchdog without it touching PostgreSQL: for a normal close, before PostgreSQL is stopped. */
    void disarm() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("disarm\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // It is gone already.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ARMED.remove(process);
    }
}
