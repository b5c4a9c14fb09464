package dev.realtimeharness.metrics;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the harness's heap grows over the run (summary.json {@code harness.heapSlopeMiBPerHour}): a least-squares
 * line through the heap in use right after each garbage collection, against the collection's end time. Heap in use
 * between collections is a saw-tooth of garbage that says nothing about leaks; what survives a collection is what
 * the harness keeps. Memory is O(1): the regression's running sums only.
 *
 * <p>The slope is reported only when at least {@value #MIN_POINTS} collections spread over at least
 * {@value #MIN_SPAN_MILLIS} ms were seen: a short run, or one that never collected, cannot tell a trend (null).
 */
public final class HeapTrend {
    static final int MIN_POINTS = 3;
    static final long MIN_SPAN_MILLIS = 60_000;
    private static final double MIB = 1024.0 * 1024.0;
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .filter(GarbageCollectorMXBean.class::isInstance).map(GarbageCollectorMXBean.class::cast).toList();
    private final Set<String> heapPools = new HashSet<>();
    private final Map<String, Long> lastGcId = new HashMap<>();

    // Running sums of the regression, x in ms since JVM start (relative to the first point), y in bytes.
    private long n;
    private long firstMillis = -1;
    private long lastMillis;
    private double sumX;
    private double sumY;
    private double sumXX;
    private double sumXY;

    public HeapTrend() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    /** Takes in the collections that ended since the last call (called once a second by the watchdog). */
    public synchronized void sample() {
        for (GarbageCollectorMXBean gc : collectors) {
            GcInfo info = gc.getLastGcInfo();
            if (info == null) {
                continue;
            }
            Long seen = lastGcId.put(gc.getName(), info.getId());
            if (seen != null && seen == info.getId()) {
                continue;
            }
            long after = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    after += e.getValue().getUsed();
                }
            }
            // Collections between two samples are seen as their last one only: enough for a trend over minutes.
            observe(info.getEndTime(), after);
        }
    }

    /** One collection that ended {@code endMillis} after JVM start with {@code bytesAfter} heap in use. */
    synchronized void observe(long endMillis, long bytesAfter) {
        if (firstMillis < 0) {
            firstMillis = endMillis;
        }
        double x = endMillis - firstMillis;
        n++;
        sumX += x;
        sumY += bytesAfter;
        sumXX += x * x;
        sumXY += x * bytesAfter;
        lastMillis = Math.max(lastMillis, endMillis);
    }

    /** Collections taken in so far. */
    synchronized long points() {
        return n;
    }

    /** MiB per hour by which the heap after collection grew (negative: shrank); null when it cannot tell yet. */
    public synchronized Double slopeMiBPerHour() {
        if (n < MIN_POINTS || lastMillis - firstMillis < MIN_SPAN_MILLIS) {
            return null;
        }
        double denominator = n * sumXX - sumX * sumX;
        if (denominator <= 0) {
            return null;
        }
        double bytesPerMilli = (n * sumXY - sumX * sumY) / denominator;
        return Math.round(bytesPerMilli * MILLIS_PER_HOUR / MIB * 1000) / 1000.0;
    }
}
