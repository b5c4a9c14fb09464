package dev.realtimeharness.cli;

import dev.realtimeharness.run.Outcome;

/** The exit codes of contract.md. */
public final class ExitCodes {
    /** The run finished and every gate check passed. */
    public static final int PASSED = 0;
    /** The run finished and at least one gate check failed. */
    public static final int GATE_FAILED = 1;
    /** Bad input: unknown command or flag, invalid scenario, missing credentials. */
    public static final int BAD_INPUT = 2;
    /** The run could not be carried out: target unreachable, every connection refused, target failed to start. */
    public static final int NOT_RUN = 3;
    /** Interrupted (SIGINT/SIGTERM) or aborted early; partial results are written. */
    public static final int INTERRUPTED = 4;

    private ExitCodes() {
    }

    /** The exit code of a run's outcome (design/contract.md). */
    public static int of(Outcome outcome) {
        return switch (outcome) {
            case PASSED -> PASSED;
            case GATE_FAILED -> GATE_FAILED;
            case BAD_INPUT -> BAD_INPUT;
            case NOT_RUN -> NOT_RUN;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
