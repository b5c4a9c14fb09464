package dev.realtimeharness.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * bench.json: {@code harness bench}'s figures, one step per load, and where each side ran out of headroom. CPU is
 * per million recorded deliveries over each step's steady window (its measured publishing, minus its first and last
 * second); RSS is resident memory at the end of that window.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchResult(String startedAt, Machine machine, String method, List<Step> steps,
        Integer harnessSaturatedAtDrivers, Integer standInSaturatedAtDrivers, String stoppedBecause) {

    /** What the figures were measured on. */
    public record Machine(int cores, long memoryBytes, String java, String os) {
    }

    /**
     * One load: {@code drivers} connections with {@code channelsPerDriver} channels each, {@code probesPerSecond}
     * through PostgreSQL (each owed to its driver's channels), measured for {@code windowSeconds}; {@code outcome}
     * is the step's run outcome (PASSED, GATE_FAILED, NOT_RUN, ...), its gate being the scenario's default one.
     */
    public record Step(String runId, int drivers, int channelsPerDriver, double probesPerSecond,
            double deliveriesPerSecond, long expectedDeliveries, long delivered, long lost, double windowSeconds,
            long windowDeliveries, Side harness, Side standIn, Side postgres, Summary.LatencyStats latency,
            boolean harnessSaturated, List<String> harnessSaturatedBy, boolean standInSaturated, String outcome) {
    }

    /**
     * One process (or process tree) during a step's steady window: CPU-seconds it used, that per million recorded
     * deliveries, its share of one core, its resident memory at the end of the window and that per connection
     * (harness) or per joined channel (stand-in), both including the fixed cost of an idle process.
     */
    public record Side(double cpuSeconds, Double cpuSecondsPerMillion, Double cores, long rssBytes,
            Double rssKiBPerConnection, Double rssKiBPerChannel) {
    }

    public void write(Path file) throws IOException {
        byte[] json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        AtomicFiles.write(file, out -> out.write(json));
    }
}
