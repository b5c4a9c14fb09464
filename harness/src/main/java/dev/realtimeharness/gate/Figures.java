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
