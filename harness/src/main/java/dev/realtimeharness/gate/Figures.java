package dev.realtimeharness.gate;

/**
 * What the gate judges: a run's figures. The run's summary implements it (results depends on gate, never the other
 * way), and so can anything else that has the numbers, such as a window of a long run.
 */
public interface Figures {

    /**
     * One latency metric's statistics, by its gate-key prefix ({@code latency}, {@code latencyRaw},
     * {@code joinLatency}, {@code readyLatency}, {@code connectLatency}); null when the run has none.
     */
    LatencyFigures latencyFigures(String metric);

    long messagesLost();

    long messagesDuplicated();

    long messagesOutOfOrder();

    long expectedDeliveries();

    long delivered();

    long protocolErrors();

    long connectionsAttempted();

    long connectionsSucceeded();

    long channelsAttempted();

    long channelsJoined();

    /** Whether the harness itself was saturated (its CPU, one of its hot threads, or its own stalls). */
    boolean harnessSaturated();

    /** Why the harness was saturated, with the numbers ("thread fleet-3-1 at 98 % of a core for 4 s"); "" if unknown. */
    String harnessSaturatedBy();

    /**
     * Subscriptions that were ready at least once (drivers × channelsPerDriver at most). The default, for figures
     * that do not know it, is 0: a readiness check cannot pass on what was not measured.
     */
    default long channelsReady() {
        return 0;
    }

    /** Subscriptions the scenario asks for (drivers × channelsPerDriver). */
    default long subscriptions() {
        return 0;
    }

    /**
     * Lost deliveries for one reason ({@code inFlight}, {@code channelDown}, {@code neverReady},
     * {@code publishFailed}). The default, for figures without the split, is every lost delivery: a check on one
     * reason must not pass because the reasons were not recorded.
     */
    default long messagesLostByReason(String reason) {
        return messagesLost();
    }

    /**
     * The run's windows ({@code gate.window}): how many were judged, how many failed, and the failed ones described
     * ("00:04:00-00:05:00 latency.p99 312.451 ms > 200.000 ms"), first ones first. Null when the run was not judged
     * per window.
     */
    default WindowTally windowTally() {
        return null;
    }

    /** See {@link #windowTally()}. */
    record WindowTally(int judged, int failed, java.util.List<String> failures) {
        public WindowTally {
            failures = java.util.List.copyOf(failures);
        }
    }

    /** A latency metric's statistics, in milliseconds. */
    interface LatencyFigures {
        long count();

        double min();

        double mean();

        double p50();

        double p90();

        double p95();

        double p99();

        double p999();

        double max();
    }
}
