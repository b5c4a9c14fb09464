package dev.realtimeharness.results;

import dev.realtimeharness.metrics.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The shards' summaries added into the whole run's: every count is summed (connections, channels and their refusal
 * reasons, the ledger's published / expected / delivered / lost by reason / duplicated / out of order / late /
 * unexpected, protocol errors, the publisher's connections and failures), ratios are recomputed from the sums, and
 * the latency statistics come from the merged hlog's histograms (never averaged). The harness's own health is the
 * worst shard's (highest heap, CPU, hiccups; saturated when any shard was, each reason prefixed with its shard).
 * The busiest-second join rates are added: each shard's own busiest second, so the sum is an upper bound of the
 * whole run's.
 */
final class SummaryMerge {
    private SummaryMerge() {
    }

    /** @param shards the shards' summaries with their indexes; {@code hlog} the merged log's totals */
    static Summary merge(String runId, List<Integer> indexes, List<Summary> shards, HlogMerge.Result hlog) {
        Summary first = shards.get(0);
        int drivers = shards.stream().mapToInt(Summary::drivers).sum();
        long subscriptions = (long) drivers * first.channelsPerDriver();
        // As instants: ISO strings with and without fractions of a second do not sort as text.
        String startedAt = shards.stream().map(Summary::startedAt).filter(s -> s != null).map(Instant::parse)
                .min(Instant::compareTo).map(Instant::toString).orElse(null);
        String endedAt = shards.stream().map(Summary::endedAt).anyMatch(s -> s == null) ? null
                : shards.stream().map(Summary::endedAt).map(Instant::parse).max(Instant::compareTo)
                        .map(Instant::toString).orElse(null);
        Summary.Connections connections = Summary.Connections.of(sum(shards, s -> s.connections().attempted()),
                sum(shards, s -> s.connections().succeeded()), sum(shards, s -> s.connections().failed()),
                sum(shards, s -> s.connections().reconnects()));
        Map<String, Long> reasons = new TreeMap<>();
        shards.forEach(s -> s.channels().failureReasons().forEach((k, v) -> reasons.merge(k, v, Long::sum)));
        Long ready = sumOrNull(shards, s -> s.channels().ready());
        Summary.Channels channels = new Summary.Channels(sum(shards, s -> s.channels().attempted()),
                sum(shards, s -> s.channels().joined()), sum(shards, s -> s.channels().failed()), reasons, ready,
                ready == null ? null : Summary.ratio(ready, subscriptions),
                ready == null ? null : Math.max(0, subscriptions - ready),
                sumOrNull(shards, s -> s.channels().closedByServer()), sumOrNull(shards, s -> s.channels().rejoined()),
                sumOrNull(shards, s -> s.channels().peakJoinsPerSecond()),
                sumOrNull(shards, s -> s.channels().peakRejoinsPerSecond()));
        boolean byReason = shards.stream().allMatch(s -> s.messages().lostByReason() != null);
        Summary.Messages messages = new Summary.Messages(sum(shards, s -> s.messages().published()),
                sum(shards, s -> s.messages().expectedDeliveries()), sum(shards, s -> s.messages().delivered()),
                sum(shards, s -> s.messages().lost()), sum(shards, s -> s.messages().duplicated()),
                sum(shards, s -> s.messages().outOfOrder()),
                !byReason ? null : new Summary.Messages.LostByReason(
                        sum(shards, s -> s.messages().lostByReason().inFlight()),
                        sum(shards, s -> s.messages().lostByReason().channelDown()),
                        sum(shards, s -> s.messages().lostByReason().neverReady()),
                        sum(shards, s -> s.messages().lostByReason().publishFailed())),
                sumOrNull(shards, s -> s.messages().late()), sumOrNull(shards, s -> s.messages().unexpected()),
                sumOrNull(shards, s -> s.messages().otherChanges()));
        Summary.Errors errors = new Summary.Errors(sum(shards, s -> s.errors() == null ? 0 : s.errors().protocol()));
        return new Summary(runId, first.scenario(), first.target(), startedAt, endedAt, drivers,
                first.channelsPerDriver(), connections, channels, messages,
                stats(hlog, Metric.PUB_TO_RECV), stats(hlog, Metric.PUB_TO_RECV_RAW), stats(hlog, Metric.JOIN),
                stats(hlog, Metric.READY), stats(hlog, Metric.CONNECT), harness(indexes, shards), errors,
                memory(shards), null, publisher(shards, hlog), null, null, null, warmup(shards, hlog));
    }

    // The shards' warm-ups, added (the longest one's seconds), their latency from the merged hlog's warmup tag.
    private static WarmupStats warmup(List<Summary> shards, HlogMerge.Result hlog) {
        if (shards.stream().allMatch(s -> s.warmup() == null)) {
            return null;
        }
        List<WarmupStats> w = shards.stream().map(Summary::warmup).filter(x -> x != null).toList();
        return new WarmupStats(w.stream().mapToDouble(WarmupStats::seconds).max().orElse(0),
                w.stream().mapToLong(WarmupStats::published).sum(),
                w.stream().mapToLong(WarmupStats::expectedDeliveries).sum(),
                w.stream().mapToLong(WarmupStats::delivered).sum(), w.stream().mapToLong(WarmupStats::lost).sum(),
                stats(hlog, Metric.WARMUP));
    }

    private static Summary.LatencyStats stats(HlogMerge.Result hlog, Metric metric) {
        return Summary.LatencyStats.of(hlog.total(metric.tag()));
    }

    private static Summary.HarnessStats harness(List<Integer> indexes, List<Summary> shards) {
        long heap = 0;
        double cpu = 0;
        double hiccupP99 = 0;
        boolean saturated = false;
        Double hiccupMax = null;
        Double threadCpu = null;
        String threadName = null;
        List<String> why = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            Summary.HarnessStats h = shards.get(i).harness();
            if (h == null) {
                continue;
            }
            heap = Math.max(heap, h.heapMaxBytes());
            cpu = Math.max(cpu, h.cpuMaxRatio());
            hiccupP99 = Math.max(hiccupP99, h.hiccupP99());
            saturated |= h.saturated();
            hiccupMax = max(hiccupMax, h.hiccupMax());
            if (h.threadCpuMaxRatio() != null && (threadCpu == null || h.threadCpuMaxRatio() > threadCpu)) {
                threadCpu = h.threadCpuMaxRatio();
                threadName = "shard " + indexes.get(i) + ": " + h.threadCpuMaxName();
            }
            if (h.saturatedBy() != null) {
                for (String reason : h.saturatedBy()) {
                    why.add("shard " + indexes.get(i) + ": " + reason);
                }
            }
        }
        return new Summary.HarnessStats(heap, cpu, hiccupP99, saturated, hiccupMax, threadCpu, threadName, why);
    }

    private static Summary.Memory memory(List<Summary> shards) {
        if (shards.stream().anyMatch(s -> s.memory() == null)) {
            return null;
        }
        return new Summary.Memory(shards.stream().mapToLong(s -> s.memory().harnessHeapMaxBytes()).max().orElse(0),
                shards.stream().mapToLong(s -> s.memory().harnessHeapLimitBytes()).max().orElse(0),
                shards.stream().anyMatch(s -> s.memory().standInInHarnessJvm()),
                shards.stream().mapToLong(s -> s.memory().postgresRssMaxBytes()).max().orElse(-1));
    }

    private static Summary.Publisher publisher(List<Summary> shards, HlogMerge.Result hlog) {
        if (shards.stream().allMatch(s -> s.publisher() == null)) {
            return null;
        }
        Long connections = sumOrNull(shards, s -> s.publisher() == null || s.publisher().connections() == null ? null
                : s.publisher().connections().longValue());
        return new Summary.Publisher(connections == null ? null : connections.intValue(),
                sumOrNull(shards, s -> s.publisher() == null ? null : s.publisher().failed()),
                stats(hlog, Metric.PUBLISH_LAG));
    }

    private static Double max(Double a, Double b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Double.valueOf(Math.max(a, b));
    }

    private static long sum(List<Summary> shards, ToLongFunction<Summary> f) {
        return shards.stream().mapToLong(f).sum();
    }

    // Null when any shard's summary lacks the figure (written before it existed): a sum of some shards is no total.
    private static Long sumOrNull(List<Summary> shards, Function<Summary, Long> f) {
        long total = 0;
        for (Summary s : shards) {
            Long v = f.apply(s);
            if (v == null) {
                return null;
            }
            total += v;
        }
        return total;
    }
}
