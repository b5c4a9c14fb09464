package dev.realtimeharness.gate;

import java.util.List;
import java.util.stream.Collectors;

/** The gate's outcome: passed only when every check passed; every check is listed, in limit order. */
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

    /** One line per check, PASS or FAIL first. */
    public String describe() {
        return checks.stream().map(Check::describe).collect(Collectors.joining("\n"));
    }
}
