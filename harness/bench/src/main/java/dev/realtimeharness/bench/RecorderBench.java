package dev.realtimeharness.bench;

import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link LatencyRecorders#recordNanos}: one latency value per delivery, spread over 1 µs .. ~1 s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecorderBench {
    private final LatencyRecorders recorders = new LatencyRecorders();
    private long value = 1_234_567;

    @Benchmark
    public void recordNanos() {
        long v = value;
        value = v * 6364136223846793005L + 1442695040888963407L;
        recorders.recordNanos(Metric.PUB_TO_RECV, (v >>> 34) & 0x3FFF_FFFFL);
    }
}
