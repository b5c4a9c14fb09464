package dev.realtimeharness.results;

import dev.realtimeharness.gate.Figures;
import dev.realtimeharness.metrics.LostReason;
import dev.realtimeharness.metrics.Metric;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One window's figures, for the gate ({@code gate.window}): latency and loss only (the checks
 * {@code GateKeys.windowed} names), judged once every delivery of the window is decided, so what is not lost was
 * delivered. The same for a run's own windows ({@code WindowJudge}) and a merged run's ({@link WindowMerge}).
 */
public record WindowFigures(Map<String, Summary.LatencyStats> latency, WindowLoss loss) implements Figures {
    /** The latency figures a window judges, by the name gate keys start with, and the hlog metric of each. */
    public static final Map<String, Metric> METRICS = Map.of("latency", Metric.PUB_TO_RECV,
            "latencyRaw", Metric.PUB_TO_RECV_RAW, "joinLatency", Metric.JOIN, "readyLatency", Metric.READY,
            "connectLatency", Metric.CONNECT);

    /**
     * The windowed checks of {@code limits} this window has something to judge: a latency check when the window has
     * samples of it, a loss check when deliveries were owed in it. None: the window is skipped, not passed.
     */
    public Map<String, Double> applicable(Map<String, Double> limits) {
        Map<String, Double> applicable = new LinkedHashMap<>();
        limits.forEach((key, limit) -> {
            String name = key.substring(0, Math.max(0, key.indexOf('.')));
            Summary.LatencyStats l = METRICS.containsKey(name) ? latency.get(name) : null;
            if (METRICS.containsKey(name) ? l != null && l.count() > 0 : loss.expected() > 0) {
                applicable.put(key, limit);
            }
        });
        return applicable;
    }

    @Override
    public LatencyFigures latencyFigures(String metric) {
        return latency.get(metric);
    }

    @Override
    public long messagesLost() {
        return loss.lost();
    }

    @Override
    public long messagesLostByReason(String reason) {
        return loss.lost(LostReason.ofJsonName(reason));
    }

    @Override
    public long expectedDeliveries() {
        return loss.expected();
    }

    @Override
    public long delivered() {
        return loss.expected() - loss.lost();
    }

    @Override
    public long messagesDuplicated() {
        return 0;
    }

    @Override
    public long messagesOutOfOrder() {
        return 0;
    }

    @Override
    public long protocolErrors() {
        return 0;
    }

    @Override
    public long connectionsAttempted() {
        return 0;
    }

    @Override
    public long connectionsSucceeded() {
        return 0;
    }

    @Override
    public long channelsAttempted() {
        return 0;
    }

    @Override
    public long channelsJoined() {
        return 0;
    }

    @Override
    public boolean harnessSaturated() {
        return false;
    }

    @Override
    public String harnessSaturatedBy() {
        return "";
    }
}
