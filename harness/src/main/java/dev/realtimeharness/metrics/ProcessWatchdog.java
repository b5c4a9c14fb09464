package dev.realtimeharness.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;

/**
 * Samples the harness process's CPU and heap once a second (called by the ticker) and decides whether
 * the harness itself was the bottleneck, in which case its latency figures include its own delay.
 *
 * <p>Thresholds: saturated when the CPU ratio stayed above {@value #CPU_SATURATED_RATIO} for
 * {@value #CPU_SATURATED_SAMPLES} consecutive samples (one busy second is GC or JIT, three in a row is a
 * load generator out of headroom), or when the hiccup meter's p99 exceeds {@value #HICCUP_P99_LIMIT_MILLIS}
 * ms (at that point the harness's stalls are of the order of the latencies it gates). Once saturated, the
 * run stays flagged.
 *
 * <p>The CPU ratio is process CPU time over wall time × available processors (0..1 of the machine),
 * computed from {@code getProcessCpuTime()} deltas between samples.
 */
public final class ProcessWatchdog {

    public static final double CPU_SATURATED_RATIO = 0.9;
    public static final int CPU_SATURATED_SAMPLES = 3;
    public static final double HICCUP_P99_LIMIT_MILLIS = 20.0;

    /** One sample; {@code cpuRatio} is NaN when the platform does not report process CPU time. */
    public record Sample(double cpuRatio, long heapUsedBytes, long heapMaxBytes) {
    }

    private final HiccupMeter hiccups;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final com.sun.management.OperatingSystemMXBean os = operatingSystemBean();
    private final int processors = Runtime.getRuntime().availableProcessors();

    private long lastCpuNanos = -1;
    private long lastWallNanos;
    private double maxCpuRatio;
    private long maxHeapUsedBytes;
    private long heapLimitBytes;
    private int consecutiveBusySamples;
    private boolean cpuSaturated;

    /** @param hiccups the run's hiccup meter, or null when none runs */
    public ProcessWatchdog(HiccupMeter hiccups) {
        this.hiccups = hiccups;
    }

    private static com.sun.management.OperatingSystemMXBean operatingSystemBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean
                ? bean : null;
    }

    public synchronized Sample sample() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        double cpuRatio = Double.NaN;
        long cpuNanos = os == null ? -1 : os.getProcessCpuTime();
        long wallNanos = System.nanoTime();
        if (cpuNanos >= 0 && lastCpuNanos >= 0 && wallNanos > lastWallNanos) {
            cpuRatio = Math.min(1.0, (double) (cpuNanos - lastCpuNanos) / ((wallNanos - lastWallNanos) * processors));
        }
        lastCpuNanos = cpuNanos;
        lastWallNanos = wallNanos;
        Sample sample = new Sample(cpuRatio, heap.getUsed(), heap.getMax());
        observe(sample);
        return sample;
    }

    // Package-private so tests can feed samples without loading the machine.
    synchronized void observe(Sample sample) {
        if (!Double.isNaN(sample.cpuRatio())) {
            maxCpuRatio = Math.max(maxCpuRatio, sample.cpuRatio());
            consecutiveBusySamples = sample.cpuRatio() > CPU_SATURATED_RATIO ? consecutiveBusySamples + 1 : 0;
            if (consecutiveBusySamples >= CPU_SATURATED_SAMPLES) {
                cpuSaturated = true;
            }
        }
        maxHeapUsedBytes = Math.max(maxHeapUsedBytes, sample.heapUsedBytes());
        heapLimitBytes = Math.max(heapLimitBytes, sample.heapMaxBytes());
    }

    public synchronized double maxCpuRatio() {
        return maxCpuRatio;
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
        return cpuSaturated;
    }

    public double hiccupP99Millis() {
        return hiccups == null ? 0.0 : hiccups.p99Millis();
    }

    public boolean saturated() {
        return cpuSaturated() || hiccupP99Millis() > HICCUP_P99_LIMIT_MILLIS;
    }
}
