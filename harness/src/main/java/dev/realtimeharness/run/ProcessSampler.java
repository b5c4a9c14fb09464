package dev.realtimeharness.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Twice a second, the CPU time and resident memory of this JVM (the harness), of the bench's stand-in JVM and of its
 * PostgreSQL processes, from /proc (Linux). CPU figures are cumulative, so any window's use is the difference of
 * two interpolated values. PostgreSQL's CPU counts its live processes and, through the postmaster's cutime and
 * cstime, the backends that have already exited.
 */
final class ProcessSampler implements AutoCloseable {
    // USER_HZ: the unit of utime/stime in /proc/PID/stat, 100 on every Linux architecture Java runs on.
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** One sample: wall clock (epoch ms), CPU in ns, RSS in bytes. */
    record Sample(long wallMillis, long harnessCpu, long harnessRss, long standInCpu, long standInRss, long pgCpu) {
    }

    private final long standInPid;
    private final long postmasterPid;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-sampler");
        t.setDaemon(true);
        return t;
    });

    private ProcessSampler(long standInPid, long postmasterPid) {
        this.standInPid = standInPid;
        this.postmasterPid = postmasterPid;
    }

    static ProcessSampler start(BenchTarget target) {
        ProcessSampler s = new ProcessSampler(target.pid(), postmaster(target.dbPort()));
        s.timer.scheduleAtFixedRate(s::sample, 0, 500, TimeUnit.MILLISECONDS);
        return s;
    }

    private void sample() {
        long harnessCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long pg = 0;
        if (postmasterPid > 0) {
            long[] postmaster = stat(postmasterPid);
            pg = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3]; // with its exited backends
            for (ProcessHandle h : ProcessHandle.of(postmasterPid).map(p -> p.descendants().toList())
                    .orElse(List.of())) {
                long[] stat = stat(h.pid());
                pg += stat[0] + stat[1];
            }
        }
        long[] standIn = stat(standInPid);
        Sample s = new Sample(System.currentTimeMillis(), harnessCpu, rss("self"), (standIn[0] + standIn[1]),
                rss(Long.toString(standInPid)), pg);
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * The embedded PostgreSQL's postmaster, found by its port: pg_ctl starts it detached from the stand-in's JVM (its
     * parent is init), so it is not among the JVM's descendants. -1 when not found (its CPU then reads 0).
     */
    static long postmaster(int port) {
        return ProcessHandle.allProcesses().filter(h -> {
            String[] args = h.info().arguments().orElse(new String[0]);
            boolean postgres = h.info().command().map(c -> c.endsWith("/postgres")).orElse(false);
            for (int i = 0; postgres && i + 1 < args.length; i++) {
                if (args[i].equals("-p") && args[i + 1].equals(Integer.toString(port))) {
                    return true;
                }
            }
            return false;
        }).mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    /** utime, stime, cutime, cstime in nanoseconds; zeros when the process is gone. */
    static long[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, so f[11]; stime f[12]; cutime f[13]; cstime f[14].
            return new long[] {Long.parseLong(f[11]) * NANOS_PER_TICK, Long.parseLong(f[12]) * NANOS_PER_TICK,
                    Long.parseLong(f[13]) * NANOS_PER_TICK, Long.parseLong(f[14]) * NANOS_PER_TICK};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }

    /** VmRSS of /proc/WHO/status in bytes, 0 when unreadable. */
    static long rss(String who) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", who, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** A cumulative figure at {@code wallMillis}, interpolated between the samples around it. */
    long at(long wallMillis, ToLongFunction<Sample> field) {
        synchronized (samples) {
            Sample before = null;
            for (Sample s : samples) {
                if (s.wallMillis() >= wallMillis) {
                    if (before == null || s.wallMillis() == before.wallMillis()) {
                        return field.applyAsLong(s);
                    }
                    double k = (wallMillis - before.wallMillis()) / (double) (s.wallMillis() - before.wallMillis());
                    long a = field.applyAsLong(before);
                    return a + Math.round(k * (field.applyAsLong(s) - a));
                }
                before = s;
            }
            return before == null ? 0 : field.applyAsLong(before);
        }
    }

    /** Takes one more sample now, so that a window ending this moment is covered. */
    void sampleNow() {
        sample();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
