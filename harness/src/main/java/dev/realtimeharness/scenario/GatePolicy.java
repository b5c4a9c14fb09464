package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How the gate judges a long run, beside its checks ({@code gate.window}, {@code gate.maxFailedWindows},
 * {@code gate.abortOnFail}):
 * <ul>
 * <li>{@code window}: every latency and loss check is also evaluated per window of this length (null: whole run
 * only); the run fails when more than {@code maxFailedWindows} windows failed (check {@code windows.failed}).
 * <li>{@code abortOn}: the checks that stop the run as soon as they can no longer pass ({@code gate.abortOnFail: true}
 * for all of them, or a list of gate keys, {@code windows.failed} included). Empty: the run always goes to its end.
 * </ul>
 */
public record GatePolicy(Duration window, int maxFailedWindows, Set<String> abortOn) {
    /** The check that counts failed windows. */
    public static final String WINDOWS_FAILED = "windows.failed";
    /** In {@code abortOn}: every check that can stop a run early. */
    public static final String ALL = "*";
    /** The keys of the gate section that are not checks. */
    public static final List<String> KEYS = List.of("window", "maxFailedWindows", "abortOnFail");

    public GatePolicy {
        abortOn = abortOn == null ? Set.of() : Set.copyOf(abortOn);
    }

    /** No windows, no early stop: a gate judged once, at the end. */
    public static GatePolicy none() {
        return new GatePolicy(null, 0, Set.of());
    }

    public boolean windowed() {
        return window != null;
    }

    /** Whether a failure of {@code check} stops the run. */
    public boolean abortsOn(String check) {
        return abortOn.contains(ALL) || abortOn.contains(check);
    }
}
