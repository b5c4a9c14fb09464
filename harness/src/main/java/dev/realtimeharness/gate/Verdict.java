package dev.realtimeharness.gate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The gate's outcome: passed only when every check passed; every check is listed, in limit order. A verdict with no
 * checks (a scenario's {@code gate: {}}) judged nothing: it says NO CHECKS, never PASSED.
 */
public record Verdict(boolean passed, List<Check> checks) {

    public Verdict {
        checks = List.copyOf(checks);
    }

    public static Verdict of(List<Check> checks) {
        return new Verdict(checks.stream().allMatch(Check::passed), checks);
    }

    public List<Check> failures() {
        return checks.stream().filter(check -> !check.passed()).toList();
    }

    /** False when there was nothing to judge (no checks). */
    public boolean judged() {
        return !checks.isEmpty();
    }

    /** PASSED, FAILED, or NO CHECKS. */
    public String label() {
        return !judged() ? "NO CHECKS" : passed ? "PASSED" : "FAILED";
    }

    /** One line per check, PASS or FAIL first. */
    public String describe() {
        if (!judged()) {
            return "no gate checks: the scenario's gate is empty (gate: {}), so nothing was judged";
        }
        return checks.stream().map(Check::describe).collect(Collectors.joining("\n"));
    }
}
