package dev.realtimeharness.results;

/**
 * summary.json {@code warmup}: the unmeasured probes sent before t0 so that the JIT, the pools and the target are
 * hot when measurement starts (scenario {@code warmup:}). How long it took (publishing plus the wait for its last
 * deliveries), how many probes and deliveries, and their latency (from the due time, like {@code latency}). None of
 * it is in the measured figures, the windows or the gate; absent when the warm-up was 0 or never started.
 */
public record WarmupStats(double seconds, long published, long expectedDeliveries, long delivered, long lost,
        Summary.LatencyStats latency) {
}
