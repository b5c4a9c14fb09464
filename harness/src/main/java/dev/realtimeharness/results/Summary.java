package dev.realtimeharness.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Figures;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.RunCounters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * summary.json, field for field as in design/contract.md (camelCase; latencies in milliseconds with
 * three decimals; times as ISO-8601 strings). {@code gate} is null until the verdict is known.
 */
public record Summary(
        String runId,
        String scenario,
        String target,
        String startedAt,
        String endedAt,
        int drivers,
        int channelsPerDriver,
        Connections connections,
        Channels channels,
        Messages messages,
        LatencyStats latency,
        LatencyStats latencyRaw,
        LatencyStats joinLatency,
        LatencyStats readyLatency,
        LatencyStats connectLatency,
        HarnessStats harness,
        Errors errors,
        Memory memory,
        Verdict gate,
        @JsonInclude(JsonInclude.Include.NON_NULL) Publisher publisher,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Window> windows,
        @JsonInclude(JsonInclude.Include.NON_NULL) StoppedEarly stoppedEarly,
        @JsonInclude(JsonInclude.Include.NON_NULL) CaptureStats capture,
        @JsonInclude(JsonInclude.Include.NON_NULL) WarmupStats warmup) implements Figures {

    /** Without windows (a run judged once, at the end). */
    public Summary(String runId, String scenario, String target, String startedAt, String endedAt, int drivers,
            int channelsPerDriver, Connections connections, Channels channels, Messages messages, LatencyStats latency,
            LatencyStats latencyRaw, LatencyStats joinLatency, LatencyStats readyLatency, LatencyStats connectLatency,
            HarnessStats harness, Errors errors, Memory memory, Verdict gate, Publisher publisher) {
        this(runId, scenario, target, startedAt, endedAt, drivers, channelsPerDriver, connections, channels, messages,
                latency, latencyRaw, joinLatency, readyLatency, connectLatency, harness, errors, memory, gate,
                publisher, null, null, null, null);
    }

    /** Without publisher figures (summaries written before they existed, older callers). */
    public Summary(String runId, String scenario, String target, String startedAt, String endedAt, int drivers,
            int channelsPerDriver, Connections connections, Channels channels, Messages messages, LatencyStats latency,
            LatencyStats latencyRaw, LatencyStats joinLatency, LatencyStats readyLatency, LatencyStats connectLatency,
            HarnessStats harness, Errors errors, Memory memory, Verdict gate) {
        this(runId, scenario, target, startedAt, endedAt, drivers, channelsPerDriver, connections, channels, messages,
                latency, latencyRaw, joinLatency, readyLatency, connectLatency, harness, errors, memory, gate, null);
    }

    /** Without memory figures (older callers, fixtures). */
    public Summary(String runId, String scenario, String target, String startedAt, String endedAt, int drivers,
            int channelsPerDriver, Connections connections, Channels channels, Messages messages, LatencyStats latency,
            LatencyStats latencyRaw, LatencyStats joinLatency, LatencyStats readyLatency, LatencyStats connectLatency,
            HarnessStats harness, Errors errors, Verdict gate) {
        this(runId, scenario, target, startedAt, endedAt, drivers, channelsPerDriver, connections, channels, messages,
                latency, latencyRaw, joinLatency, readyLatency, connectLatency, harness, errors, null, gate, null);
    }

    public Summary withGate(Verdict verdict) {
        return new Summary(runId, scenario, target, startedAt, endedAt, drivers, channelsPerDriver, connections,
                channels, messages, latency, latencyRaw, joinLatency, readyLatency, connectLatency, harness, errors,
                memory, verdict, publisher, windows, stoppedEarly, capture, warmup);
    }

    /** With the windows judged so far and, when a check stopped the run, which and when. */
    public Summary withWindows(List<Window> judged, StoppedEarly stopped) {
        return new Summary(runId, scenario, target, startedAt, endedAt, drivers, channelsPerDriver, connections,
                channels, messages, latency, latencyRaw, joinLatency, readyLatency, connectLatency, harness, errors,
                memory, gate, publisher, judged, stopped, capture, warmup);
    }

    /** The windows as the gate counts them: judged, failed, the failed ones described. */
    @Override
    public Figures.WindowTally windowTally() {
        return WindowsSection.tally(windows);
    }

    // What the gate judges (Figures): the same numbers as the fields above, by gate-key name.

    @Override
    public Figures.LatencyFigures latencyFigures(String metric) {
        return switch (metric) {
            case "latency" -> latency;
            case "latencyRaw" -> latencyRaw;
            case "joinLatency" -> joinLatency;
            case "readyLatency" -> readyLatency;
            case "connectLatency" -> connectLatency;
            default -> throw new IllegalArgumentException("no latency metric '" + metric + "'");
        };
    }

    @Override
    public long messagesLost() {
        return messages.lost();
    }

    @Override
    public long messagesDuplicated() {
        return messages.duplicated();
    }

    @Override
    public long messagesOutOfOrder() {
        return messages.outOfOrder();
    }

    @Override
    public long expectedDeliveries() {
        return messages.expectedDeliveries();
    }

    @Override
    public long delivered() {
        return messages.delivered();
    }

    @Override
    public long protocolErrors() {
        return errors == null ? 0 : errors.protocol();
    }

    @Override
    public long connectionsAttempted() {
        return connections.attempted();
    }

    @Override
    public long connectionsSucceeded() {
        return connections.succeeded();
    }

    @Override
    public long channelsAttempted() {
        return channels.attempted();
    }

    @Override
    public long channelsJoined() {
        return channels.joined();
    }

    @Override
    public boolean harnessSaturated() {
        return harness != null && harness.saturated();
    }

    @Override
    public String harnessSaturatedBy() {
        return harness == null ? "" : harness.saturatedReason();
    }

    /** A summary written before readiness was counted has none: 0, so a readiness check cannot pass on it. */
    @Override
    public long channelsReady() {
        return channels.ready() == null ? 0 : channels.ready();
    }

    @Override
    public long subscriptions() {
        return (long) drivers * channelsPerDriver;
    }

    /** A summary written before the split by reason has none: each reason is then bounded by the total lost. */
    @Override
    public long messagesLostByReason(String reason) {
        Messages.LostByReason by = messages.lostByReason();
        if (by == null) {
            return messages.lost();
        }
        return switch (reason) {
            case "inFlight" -> by.inFlight();
            case "channelDown" -> by.channelDown();
            case "neverReady" -> by.neverReady();
            case "publishFailed" -> by.publishFailed();
            default -> throw new IllegalArgumentException("no lost reason '" + reason + "'");
        };
    }

    /** {@code successRatio} is succeeded / attempted, 0.0 when nothing was attempted. */
    public record Connections(long attempted, long succeeded, long failed, double successRatio, long reconnects) {
        public static Connections of(long attempted, long succeeded, long failed, long reconnects) {
            return new Connections(attempted, succeeded, failed, ratio(succeeded, attempted), reconnects);
        }

        public static Connections from(RunCounters counters) {
            return of(counters.connectionsAttempted(), counters.connectionsSucceeded(),
                    counters.connectionsFailed(), counters.reconnects());
        }
    }

    /**
     * {@code attempted}/{@code joined}: join attempts and ok replies (rejoins included); {@code failureReasons}: join
     * refusals by the server's reason string. {@code ready}: subscriptions ready at least once ("Subscribed to
     * PostgreSQL", or the join reply for broadcast-only channels); {@code readyRatio} = ready / subscriptions
     * (drivers × channelsPerDriver); {@code neverReady} = subscriptions − ready; {@code closedByServer}: phx_close
     * received for a joining or joined channel; {@code rejoined}: ok joins of a subscription joined before.
     * {@code peakJoinsPerSecond}: phx_join frames sent in the busiest 1-second bucket (the join rate the target saw,
     * rejoins included); {@code peakRejoinsPerSecond}: the same for rejoins only (a subscription's second and later
     * joins: after a reconnect all of a connection's channels rejoin at once). In a summary written before these
     * fields existed they are absent (null here, left out when written back), never a made-up 0.
     */
    public record Channels(long attempted, long joined, long failed, Map<String, Long> failureReasons,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long ready,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Double readyRatio,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long neverReady,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long closedByServer,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long rejoined,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long peakJoinsPerSecond,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long peakRejoinsPerSecond) {
        public Channels {
            failureReasons = failureReasons == null ? Map.of() : new TreeMap<>(failureReasons);
        }

        /** Without the readiness figures (older callers, fixtures). */
        public Channels(long attempted, long joined, long failed, Map<String, Long> failureReasons) {
            this(attempted, joined, failed, failureReasons, null, null, null, null, null, null, null);
        }

        public static Channels from(RunCounters counters, long subscriptions) {
            long ready = counters.channelsEverReady();
            return new Channels(counters.channelsAttempted(), counters.channelsJoined(), counters.channelsFailed(),
                    counters.joinFailureReasons(), ready, ratio(ready, subscriptions),
                    Math.max(0, subscriptions - ready), counters.channelsClosedByServer(), counters.channelsRejoined(),
                    counters.peakJoinsPerSecond(), counters.peakRejoinsPerSecond());
        }
    }

    /**
     * {@code lost} = the sum of {@code lostByReason}; {@code expectedDeliveries} = delivered + lost. {@code late}:
     * arrived after being counted lost (not in delivered); {@code unexpected}: a probe frame nobody expected (unknown
     * seq, or a subscription it was not owed to); {@code otherChanges}: changes of another type than INSERT on probe
     * rows. These are absent (null here, left out when written back) in a summary written before they existed.
     */
    public record Messages(long published, long expectedDeliveries, long delivered, long lost, long duplicated,
                           long outOfOrder,
                           @JsonInclude(JsonInclude.Include.NON_NULL) LostByReason lostByReason,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long late,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long unexpected,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long otherChanges) {

        /** Without the split of lost and the side counts (older callers, fixtures). */
        public Messages(long published, long expectedDeliveries, long delivered, long lost, long duplicated,
                long outOfOrder) {
            this(published, expectedDeliveries, delivered, lost, duplicated, outOfOrder, null, null, null, null);
        }

        public static Messages from(ProbeLedger.Counts counts) {
            return new Messages(counts.published(), counts.expectedDeliveries(), counts.delivered(), counts.lost(),
                    counts.duplicated(), counts.outOfOrder(),
                    new LostByReason(counts.lostInFlight(), counts.lostChannelDown(), counts.lostNeverReady(),
                            counts.lostPublishFailed()),
                    counts.late(), counts.unexpected(), counts.otherChanges());
        }

        /** See {@link ProbeLedger.LostReason}. */
        public record LostByReason(long inFlight, long channelDown, long neverReady, long publishFailed) {
        }
    }

    /** Milliseconds, three decimals. */
    public record LatencyStats(long count, double min, double mean, double p50, double p90, double p95, double p99,
                               double p999, double max) implements Figures.LatencyFigures {

        public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** From a histogram of microseconds; an empty one gives all zeros. */
        public static LatencyStats of(Histogram microsHistogram) {
            if (microsHistogram == null || microsHistogram.getTotalCount() == 0) {
                return EMPTY;
            }
            Histogram h = microsHistogram;
            return new LatencyStats(h.getTotalCount(),
                    microsToMillis(h.getMinValue()),
                    microsToMillis(h.getMean()),
                    microsToMillis(h.getValueAtPercentile(50.0)),
                    microsToMillis(h.getValueAtPercentile(90.0)),
                    microsToMillis(h.getValueAtPercentile(95.0)),
                    microsToMillis(h.getValueAtPercentile(99.0)),
                    microsToMillis(h.getValueAtPercentile(99.9)),
                    microsToMillis(h.getMaxValue()));
        }

        /** Microseconds → milliseconds rounded to three decimals (whole microseconds). */
        public static double microsToMillis(double micros) {
            return Math.round(micros) / 1000.0;
        }

        /** Rounds a millisecond value to three decimals. */
        public static double roundMillis(double millis) {
            return Math.round(millis * 1000.0) / 1000.0;
        }
    }

    /**
     * The harness's own health: {@code heapMaxBytes} is the highest heap use seen, {@code cpuMaxRatio} the
     * highest process CPU ratio (of the whole machine), {@code hiccupP99} and {@code hiccupMax} the hiccup meter's
     * p99 and max in ms, {@code threadCpuMaxRatio} the highest share of one core a hot harness thread used in a
     * second ({@code threadCpuMaxName}), {@code saturatedBy} one line per saturation rule that tripped, with its
     * numbers, {@code eventLoopLagP99}/{@code eventLoopLagMax} how long (ms) a task waited before the harness's
     * event loops ran it (null when the load ran on someone else's loops, e.g. Gatling's), and
     * {@code heapSlopeMiBPerHour} the trend of the heap after garbage collection (null when the run was too short or
     * collected too rarely to tell). Fields after {@code saturated} are null in summaries written before they existed
     * (and are then left out).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HarnessStats(long heapMaxBytes, double cpuMaxRatio, double hiccupP99, boolean saturated,
                               Double hiccupMax, Double threadCpuMaxRatio, String threadCpuMaxName,
                               List<String> saturatedBy, Double eventLoopLagP99, Double eventLoopLagMax,
                               Double heapSlopeMiBPerHour) {
        public HarnessStats {
            saturatedBy = saturatedBy == null ? null : List.copyOf(saturatedBy);
        }

        /** Without the event-loop and heap-trend figures (fixtures, older summaries). */
        public HarnessStats(long heapMaxBytes, double cpuMaxRatio, double hiccupP99, boolean saturated,
                Double hiccupMax, Double threadCpuMaxRatio, String threadCpuMaxName, List<String> saturatedBy) {
            this(heapMaxBytes, cpuMaxRatio, hiccupP99, saturated, hiccupMax, threadCpuMaxRatio, threadCpuMaxName,
                    saturatedBy, null, null, null);
        }

        /** Without the per-thread and stall figures (older callers, fixtures). */
        public HarnessStats(long heapMaxBytes, double cpuMaxRatio, double hiccupP99, boolean saturated) {
            this(heapMaxBytes, cpuMaxRatio, hiccupP99, saturated, null, null, null, null, null, null, null);
        }

        /** Why the harness was saturated, "; "-joined; "" when not saturated or the summary does not say. */
        public String saturatedReason() {
            return saturatedBy == null ? "" : String.join("; ", saturatedBy);
        }
    }

    /**
     * Memory use as T031 asks for it, sampled once a second: the harness JVM's heap (for the embedded target the
     * stand-in Realtime server runs in this same JVM, so its share is included: {@code standInInHarnessJvm}) and
     * PostgreSQL's resident memory (sum of VmRSS of the postmaster and its children; -1 when there is no local
     * PostgreSQL to measure). Bytes.
     */
    public record Memory(long harnessHeapMaxBytes, long harnessHeapLimitBytes, boolean standInInHarnessJvm,
                         long postgresRssMaxBytes) {
    }

    /**
     * The publisher's own figures: {@code connections} it published over (JDBC connections, dispatcher sockets; 0 for
     * HTTP), {@code failed} probes it could not send (refused, timed out, queue full: their deliveries are lost as
     * publishFailed), {@code lag} send − due time (how far the publisher ran behind the open-model schedule), in
     * milliseconds, from the hlog's {@code publish-lag} histograms. Connections and failed are null in summaries
     * written before they existed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Publisher(Integer connections, Long failed, LatencyStats lag) {
        /** Only the lag (older summaries, fixtures). */
        public Publisher(LatencyStats lag) {
            this(null, null, lag);
        }
    }

    /**
     * One window of a run judged per window ({@code gate.window}): its start and end (ISO instants; latency by the
     * second a frame was received, loss by the second a probe was due), whether every windowed check held, the
     * checks, and the deliveries owed and lost in it ({@link WindowLoss}; null in older summaries).
     */
    public record Window(String start, String end, boolean passed, List<Check> checks,
                         @JsonInclude(JsonInclude.Include.NON_NULL) WindowLoss loss) {
        public Window {
            checks = List.copyOf(checks);
        }

        public Window(String start, String end, boolean passed, List<Check> checks) {
            this(start, end, passed, checks, null);
        }

        /** e.g. {@code 12:04:00-12:05:00Z latency.p99 312.451 ms > limit 200.000 ms}. */
        public String describeFailure() {
            StringBuilder b = new StringBuilder(clock(start)).append('-').append(clock(end)).append('Z');
            for (Check c : checks) {
                if (!c.passed()) {
                    b.append(' ').append(c.describe().substring("FAIL ".length()));
                }
            }
            return b.toString();
        }

        private static String clock(String instant) {
            int t = instant.indexOf('T');
            return t < 0 || instant.length() < t + 9 ? instant : instant.substring(t + 1, t + 9);
        }
    }

    /**
     * The run was stopped early by {@code gate.abortOnFail}: the check that could no longer pass, when (ISO instant
     * and seconds after the start of publishing) and its line.
     */
    public record StoppedEarly(String check, String at, long elapsedSeconds, String line) {
    }

    /** Frames that could not be parsed. */
    public record Errors(long protocol) {
    }

    static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
