package dev.realtimeharness.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Samples the harness process's CPU, its hot threads' CPU and its heap once a second (called by the ticker)
 * and decides whether the harness itself was the bottleneck, in which case its latency figures include its
 * own delay. Each rule that tripped is kept as text with its numbers ({@link #saturatedBy()}).
 *
 * <p>Rules (any one makes the run saturated, and it stays so):
 * <ul>
 * <li><b>process CPU</b>: the process used more than {@value #CPU_SATURATED_RATIO} of the whole machine
 * (CPU time over wall time × available processors) for {@value #CPU_SATURATED_SAMPLES} consecutive samples.
 * <li><b>one hot thread</b>: a Netty event loop ({@code fleet-*}), a publishing thread ({@code publish*}) or the
 * ticker used at least {@value #THREAD_SATURATED_RATIO} of one core for {@value #THREAD_SATURATED_SAMPLES}
 * consecutive samples. A pegged event loop delays every frame it reads while the process as a whole looks
 * idle on a many-core machine, so the process rule alone never sees it.
 * <li><b>hiccup p99</b> over {@value #HICCUP_P99_LIMIT_MILLIS} ms: the harness's stalls are of the order of
 * the latencies it gates.
 * <li><b>hiccup max</b> at least {@value #HICCUP_MAX_LIMIT_MILLIS} ms: one stall that long (a stopped JVM, a
 * long GC pause) delayed every probe due during it by more than any latency limit we ship, even when the run
 * is long enough for it to stay below the p99.
 * <li><b>event-loop lag p99</b> over {@value #EVENT_LOOP_LAG_P99_LIMIT_MILLIS} ms ({@link EventLoopLag}): the
 * harness's event loops made received frames wait that long before they were stamped.
 * </ul>
 * One busy second is GC or JIT; three in a row is a load generator out of headroom.
 */
public final class ProcessWatchdog {

    public static final double CPU_SATURATED_RATIO = 0.9;
    public static final int CPU_SATURATED_SAMPLES = 3;
    public static final double THREAD_SATURATED_RATIO = 0.9;
    public static final int THREAD_SATURATED_SAMPLES = 3;
    public static final double HICCUP_P99_LIMIT_MILLIS = 20.0;
    public static final double HICCUP_MAX_LIMIT_MILLIS = 1_000.0;
    public static final double EVENT_LOOP_LAG_P99_LIMIT_MILLIS = 20.0;
    // Shorter intervals between samples are skipped (see observeThreads).
    private static final long MIN_SAMPLE_NANOS = 500_000_000L;

    // The harness's hot threads by name: client and dispatcher event loops (EventLoops.newGroup("fleet")),
    // the publish loop and publisher pools ("publish", "publish-phase", "publisher-*"), the ticker. The
    // embedded stand-in's threads are the target's, not the harness's.
    private static final List<String> HOT_THREAD_PREFIXES = List.of("fleet-", "publish", "ticker");

    /** One sample; {@code cpuRatio} is NaN when the platform does not report process CPU time. */
    public record Sample(double cpuRatio, long heapUsedBytes, long heapMaxBytes) {
    }

    /** A thread's total CPU time at a sample, in nanoseconds. */
    record ThreadTime(long id, String name, long cpuNanos) {
    }

    // Per thread id: the previous CPU time and the current busy streak.
    private static final class ThreadState {
        final String name;
        long lastCpuNanos;
        int busySamples;
        long busyCpuNanos;
        long busyWallNanos;

        ThreadState(String name, long cpuNanos) {
            this.name = name;
            this.lastCpuNanos = cpuNanos;
        }
    }

    // The longest busy streak that crossed a rule, for the reason text: its wall time and mean CPU ratio.
    private record Streak(long wallNanos, double meanRatio) {
        long seconds() {
            return Math.round(wallNanos / 1e9);
        }
    }

    private final HiccupMeter hiccups;
    private final EventLoopLag loopLag;
    private final HeapTrend heapTrend = new HeapTrend();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final com.sun.management.OperatingSystemMXBean os = operatingSystemBean();
    private final ThreadMXBean threadBean = threadBean();
    private final int processors = Runtime.getRuntime().availableProcessors();

    private long lastCpuNanos = -1;
    private long lastWallNanos;
    private double maxCpuRatio;
    private long maxHeapUsedBytes;
    private long heapLimitBytes;
    private int consecutiveBusySamples;
    private double busyRatioSum;
    private int cpuStreakSamples;
    private Streak cpuStreak;

    private long lastThreadWallNanos = -1;
    private final Map<Long, ThreadState> threads = new HashMap<>();
    private double maxThreadCpuRatio;
    private String maxThreadName;
    private final Map<String, Streak> busyThreads = new LinkedHashMap<>();

    /** @param hiccups the run's hiccup meter, or null when none runs */
    public ProcessWatchdog(HiccupMeter hiccups) {
        this(hiccups, null);
    }

    /**
     * @param hiccups the run's hiccup meter, or null when none runs
     * @param loopLag the run's event-loop lag meter, or null when the harness drives no event loops of its own
     */
    public ProcessWatchdog(HiccupMeter hiccups, EventLoopLag loopLag) {
        this.hiccups = hiccups;
        this.loopLag = loopLag;
    }

    private static com.sun.management.OperatingSystemMXBean operatingSystemBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean
                ? bean : null;
    }

    private static ThreadMXBean threadBean() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!bean.isThreadCpuTimeSupported()) {
            return null;
        }
        if (!bean.isThreadCpuTimeEnabled()) {
            try {
                bean.setThreadCpuTimeEnabled(true);
            } catch (UnsupportedOperationException | SecurityException e) {
                return null;
            }
        }
        return bean;
    }

    public synchronized Sample sample() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        double cpuRatio = Double.NaN;
        long cpuNanos = os == null ? -1 : os.getProcessCpuTime();
        long wallNanos = System.nanoTime();
        long wall = wallNanos - lastWallNanos;
        if (cpuNanos >= 0 && lastCpuNanos >= 0 && wall >= MIN_SAMPLE_NANOS) {
            cpuRatio = Math.min(1.0, (double) (cpuNanos - lastCpuNanos) / (wall * processors));
        }
        // As for threads: a catch-up tick right after another keeps the older baseline.
        if (lastCpuNanos < 0 || wall >= MIN_SAMPLE_NANOS) {
            lastCpuNanos = cpuNanos;
            lastWallNanos = wallNanos;
        }
        Sample sample = new Sample(cpuRatio, heap.getUsed(), heap.getMax());
        observe(sample);
        heapTrend.sample();
        if (threadBean != null) {
            observeThreads(wallNanos, hotThreadTimes());
        }
        return sample;
    }

    // Names come from ThreadInfo without stack traces (cheap); about a few dozen threads once a second.
    private List<ThreadTime> hotThreadTimes() {
        List<ThreadTime> times = new ArrayList<>();
        for (ThreadInfo info : threadBean.getThreadInfo(threadBean.getAllThreadIds(), 0)) {
            if (info == null || !isHot(info.getThreadName())) {
                continue;
            }
            long cpu = threadBean.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                times.add(new ThreadTime(info.getThreadId(), info.getThreadName(), cpu));
            }
        }
        return times;
    }

    static boolean isHot(String threadName) {
        for (String prefix : HOT_THREAD_PREFIXES) {
            if (threadName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    // Package-private so tests can feed samples without loading the machine.
    synchronized void observe(Sample sample) {
        if (!Double.isNaN(sample.cpuRatio())) {
            maxCpuRatio = Math.max(maxCpuRatio, sample.cpuRatio());
            if (sample.cpuRatio() > CPU_SATURATED_RATIO) {
                consecutiveBusySamples++;
                busyRatioSum += sample.cpuRatio();
            } else {
                consecutiveBusySamples = 0;
                busyRatioSum = 0;
            }
            if (consecutiveBusySamples >= CPU_SATURATED_SAMPLES && consecutiveBusySamples > cpuStreakSamples) {
                // Samples are a second apart (the ticker's period).
                cpuStreakSamples = consecutiveBusySamples;
                cpuStreak = new Streak(consecutiveBusySamples * 1_000_000_000L, busyRatioSum / consecutiveBusySamples);
            }
        }
        maxHeapUsedBytes = Math.max(maxHeapUsedBytes, sample.heapUsedBytes());
        heapLimitBytes = Math.max(heapLimitBytes, sample.heapMaxBytes());
    }

    /**
     * One sample of the hot threads' CPU times taken at {@code wallNanos}; a thread's ratio is its CPU time
     * since the previous sample over the wall time since then (1.0 = one core). Threads seen for the first
     * time only set their baseline. Package-private so tests can feed samples without loading the machine.
     */
    synchronized void observeThreads(long wallNanos, List<ThreadTime> times) {
        long wall = wallNanos - lastThreadWallNanos;
        if (lastThreadWallNanos >= 0 && wall < MIN_SAMPLE_NANOS) {
            // Ticks that catch up after a stall come back to back; over a few milliseconds the ticker itself
            // looks like a pegged core. Wait until the interval is long enough to mean something.
            return;
        }
        boolean baseline = lastThreadWallNanos < 0;
        lastThreadWallNanos = wallNanos;
        Map<Long, ThreadState> seen = new HashMap<>();
        for (ThreadTime t : times) {
            ThreadState state = threads.get(t.id());
            if (state == null || baseline) {
                seen.put(t.id(), new ThreadState(t.name(), t.cpuNanos()));
                continue;
            }
            double ratio = Math.min(1.0, (double) (t.cpuNanos() - state.lastCpuNanos) / wall);
            state.lastCpuNanos = t.cpuNanos();
            if (ratio > maxThreadCpuRatio) {
                maxThreadCpuRatio = ratio;
                maxThreadName = state.name;
            }
            if (ratio >= THREAD_SATURATED_RATIO) {
                state.busySamples++;
                state.busyCpuNanos += (long) (ratio * wall);
                state.busyWallNanos += wall;
            } else {
                state.busySamples = 0;
                state.busyCpuNanos = 0;
                state.busyWallNanos = 0;
            }
            if (state.busySamples >= THREAD_SATURATED_SAMPLES) {
                Streak before = busyThreads.get(state.name);
                if (before == null || state.busyWallNanos > before.wallNanos()) {
                    busyThreads.put(state.name, new Streak(state.busyWallNanos,
                            (double) state.busyCpuNanos / state.busyWallNanos));
                }
            }
            seen.put(t.id(), state);
        }
        // Threads that ended are forgotten, so the map stays as small as the set of live hot threads.
        threads.clear();
        threads.putAll(seen);
    }

    public synchronized double maxCpuRatio() {
        return maxCpuRatio;
    }

    /** The highest share of one core any hot thread used between two samples (1.0 = a whole core). */
    public synchronized double maxThreadCpuRatio() {
        return maxThreadCpuRatio;
    }

    /** The thread that used {@link #maxThreadCpuRatio()}, or null before two samples. */
    public synchronized String maxThreadName() {
        return maxThreadName;
    }

    /** The highest heap use seen (summary.json's harness.heapMaxBytes). */
    public synchronized long maxHeapUsedBytes() {
        return maxHeapUsedBytes;
    }

    /** The JVM's heap limit (-Xmx), -1 if undefined. */
    public synchronized long heapLimitBytes() {
        return heapLimitBytes == 0 ? -1 : heapLimitBytes;
    }

    public synchronized boolean cpuSaturated() {
        return cpuStreak != null;
    }

    public double hiccupP99Millis() {
        return hiccups == null ? 0.0 : hiccups.p99Millis();
    }

    public double hiccupMaxMillis() {
        return hiccups == null ? 0.0 : hiccups.maxMillis();
    }

    /** The event loops' lag p99 and max in ms, or null when no event loop was measured. */
    public Double eventLoopLagP99Millis() {
        return loopLag == null || !loopLag.measured() ? null : loopLag.p99Millis();
    }

    public Double eventLoopLagMaxMillis() {
        return loopLag == null || !loopLag.measured() ? null : loopLag.maxMillis();
    }

    /** See {@link HeapTrend}: null until enough collections were seen. */
    public Double heapSlopeMiBPerHour() {
        return heapTrend.slopeMiBPerHour();
    }

    public boolean saturated() {
        return !saturatedBy().isEmpty();
    }

    /**
     * Why the harness was saturated, one line per rule that tripped with its numbers (empty when it was not), e.g.
     * {@code thread fleet-3-1 at 98 % of a core for 4 s}.
     */
    public List<String> saturatedBy() {
        List<String> reasons = new ArrayList<>();
        synchronized (this) {
            busyThreads.forEach((name, streak) -> reasons.add(String.format(Locale.ROOT,
                    "thread %s at %.0f %% of a core for %d s", name, 100 * streak.meanRatio(), streak.seconds())));
            if (cpuStreak != null) {
                reasons.add(String.format(Locale.ROOT, "process CPU at %.0f %% of the machine's %d cores for %d s",
                        100 * cpuStreak.meanRatio(), processors, cpuStreak.seconds()));
            }
        }
        double p99 = hiccupP99Millis();
        double max = hiccupMaxMillis();
        if (p99 > HICCUP_P99_LIMIT_MILLIS) {
            reasons.add(String.format(Locale.ROOT, "the JVM stalled: hiccup p99 %.3f ms > %.0f ms, max %.3f ms",
                    p99, HICCUP_P99_LIMIT_MILLIS, max));
        } else if (max >= HICCUP_MAX_LIMIT_MILLIS) {
            reasons.add(String.format(Locale.ROOT, "the JVM stalled: hiccup max %.3f ms >= %.0f ms",
                    max, HICCUP_MAX_LIMIT_MILLIS));
        }
        Double lagP99 = eventLoopLagP99Millis();
        if (lagP99 != null && lagP99 > EVENT_LOOP_LAG_P99_LIMIT_MILLIS) {
            reasons.add(String.format(Locale.ROOT,
                    "the event loops fell behind: lag p99 %.3f ms > %.0f ms, max %.3f ms (received frames waited that"
                            + " long before they were stamped)", lagP99, EVENT_LOOP_LAG_P99_LIMIT_MILLIS,
                    eventLoopLagMaxMillis()));
        }
        return reasons;
    }
}
