package dev.realtimeharness.gate;

/** One gate check: the limit from the scenario, the run's actual value, and whether it held. */
public record Check(String name, double limit, double actual, boolean passed) {

    /** e.g. {@code FAIL latency.p99: 312.451 ms > limit 200.000 ms}, {@code PASS messages.lost: 0 <= 0}. */
    public String describe() {
        return Gate.describe(this);
    }
}
