package dev.realtimeharness.gate;

/**
 * One gate check: the limit from the scenario, the run's actual value, and whether it held; {@code detail} says
 * what a number cannot (why the harness was saturated), null when there is nothing to add.
 */
public record Check(String name, double limit, double actual, boolean passed, String detail) {

    public Check(String name, double limit, double actual, boolean passed) {
        this(name, limit, actual, passed, null);
    }

    /** e.g. {@code FAIL latency.p99: 312.451 ms > limit 200.000 ms}, {@code PASS messages.lost: 0 <= 0}. */
    public String describe() {
        return Gate.describe(this);
    }
}
