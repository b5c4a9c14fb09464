package dev.realtimeharness.run;

/** How a run ended; the CLI maps it to an exit code (design/contract.md), nothing below the CLI knows the numbers. */
public enum Outcome {
    /** The run measured what it claims and every gate check held. */
    PASSED,
    /** The run finished and at least one gate check failed. */
    GATE_FAILED,
    /** Bad input: the scenario, a flag, a limit the run would trip; nothing was measured. */
    BAD_INPUT,
    /** The run could not be carried out: the target did not start or could not be reached, results not writable. */
    NOT_RUN,
    /** Stopped early (SIGINT/SIGTERM); partial results were written. */
    INTERRUPTED
}
