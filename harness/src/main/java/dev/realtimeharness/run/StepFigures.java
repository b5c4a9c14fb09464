package dev.realtimeharness.run;

import dev.realtimeharness.results.BenchResult;
import dev.realtimeharness.results.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One bench step's figures, from its run directory (summary.json, timeline.csv) and the process samples. The steady
 * window is the timeline's seconds in which measured probes were published (the warm-up's are not in the timeline's
 * counts), without the first and the last; a timeline row's time is the run's start plus its elapsedSeconds.
 */
final class StepFigures {
    private StepFigures() {
    }

    static BenchResult.Step of(Path dir, String runId, int drivers, int channels, double rate,
            ProcessSampler sampler, String outcome) throws IOException {
        sampler.sampleNow();
        double deliveriesPerSecond = rate * channels;
        BenchResult.Side none = new BenchResult.Side(0, null, null, 0, null, null);
        if (!Files.exists(dir.resolve("summary.json")) || !Files.exists(dir.resolve("timeline.csv"))) {
            return new BenchResult.Step(runId, drivers, channels, rate, deliveriesPerSecond, 0, 0, 0, 0, 0, none,
                    none, none, Summary.LatencyStats.EMPTY, false, List.of(), false, outcome);
        }
        Summary s = Bench.summary(dir);
        List<String> rows = Files.readAllLines(dir.resolve("timeline.csv"));
        List<String> header = List.of(rows.get(0).split(",", -1));
        int elapsed = header.indexOf("elapsedSeconds");
        int published = header.indexOf("published");
        int delivered = header.indexOf("delivered");
        int first = -1;
        int last = -1;
        long previous = 0;
        for (int i = 1; i < rows.size(); i++) {
            long p = Long.parseLong(rows.get(i).split(",", -1)[published]);
            if (p > previous) {
                first = first < 0 ? i : first;
                last = i;
            }
            previous = p;
        }
        if (last - first >= 3) { // drop the first and the last second of publishing
            first++;
            last--;
        }
        long startMillis = Instant.parse(s.startedAt()).toEpochMilli();
        double t0 = first < 0 ? 0 : Double.parseDouble(rows.get(first).split(",", -1)[elapsed]);
        double t1 = last < 0 ? 0 : Double.parseDouble(rows.get(last).split(",", -1)[elapsed]);
        long d0 = first < 0 ? 0 : Long.parseLong(rows.get(first).split(",", -1)[delivered]);
        long d1 = last < 0 ? 0 : Long.parseLong(rows.get(last).split(",", -1)[delivered]);
        long from = startMillis + Math.round(t0 * 1000);
        long to = startMillis + Math.round(t1 * 1000);
        long deliveries = d1 - d0;
        double seconds = (to - from) / 1000.0;
        int connections = (int) s.connections().succeeded();
        long channelsJoined = (long) drivers * channels;
        BenchResult.Side harness = side(sampler, from, to, deliveries, ProcessSampler.Sample::harnessCpu,
                sampler.at(to, ProcessSampler.Sample::harnessRss), connections, null);
        BenchResult.Side standIn = side(sampler, from, to, deliveries, ProcessSampler.Sample::standInCpu,
                sampler.at(to, ProcessSampler.Sample::standInRss), null, channelsJoined);
        BenchResult.Side postgres = side(sampler, from, to, deliveries, ProcessSampler.Sample::pgCpu, -1, null, null);
        return new BenchResult.Step(runId, drivers, channels, rate, deliveriesPerSecond,
                s.messages().expectedDeliveries(), s.messages().delivered(), s.messages().lost(), seconds, deliveries,
                harness, standIn, postgres, s.latency(), s.harness().saturated(), s.harness().saturatedBy(),
                Bench.standInSaturated(s), outcome);
    }

    private static BenchResult.Side side(ProcessSampler sampler, long from, long to, long deliveries,
            ToLongFunction<ProcessSampler.Sample> cpu, long rss, Integer connections, Long channels) {
        double cpuSeconds = (sampler.at(to, cpu) - sampler.at(from, cpu)) / 1e9;
        double perMillion = deliveries > 0 ? cpuSeconds / deliveries * 1e6 : Double.NaN;
        double cores = to > from ? cpuSeconds / ((to - from) / 1000.0) : Double.NaN;
        return new BenchResult.Side(round(cpuSeconds), orNull(round(perMillion)), orNull(round(cores)), rss,
                connections == null || connections == 0 ? null : round(rss / 1024.0 / connections),
                channels == null || channels == 0 ? null : round(rss / 1024.0 / channels));
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
