package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntervalLogWriterTest {

    @TempDir
    Path dir;

    @Test
    void hlogReadsBackWithHdrHistogramsOwnReader() throws Exception {
        Path file = dir.resolve("latency.hlog");
        LatencyRecorders recorders = new LatencyRecorders();
        long start = System.currentTimeMillis();
        try (IntervalLogWriter writer = new IntervalLogWriter(file, start)) {
            for (int second = 0; second < 3; second++) {
                for (int i = 0; i < 100; i++) {
                    recorders.recordNanos(Metric.PUB_TO_RECV, (i + 1) * 1_000_000L);
                }
                recorders.recordNanos(Metric.JOIN, 7_000_000);
                writer.write(recorders.snapshot());
            }
        }

        Map<String, Long> totals = new java.util.HashMap<>();
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                intervals++;
                Histogram histogram = (Histogram) next;
                totals.merge(histogram.getTag(), histogram.getTotalCount(), Long::sum);
                assertThat(histogram.getStartTimeStamp()).isGreaterThanOrEqualTo(start);
            }
            assertThat(reader.getStartTimeSec()).isEqualTo(start / 1000.0);
        }

        assertThat(intervals).isEqualTo(3 * Metric.values().length);
        assertThat(totals).containsEntry("pub-to-recv", 300L).containsEntry("join", 3L)
                .containsEntry("commit-to-recv", 0L).hasSize(Metric.values().length);
    }

    @Test
    void hlogIsAcceptedByHistogramLogProcessor() throws Exception {
        Path file = dir.resolve("latency.hlog");
        LatencyRecorders recorders = new LatencyRecorders();
        try (IntervalLogWriter writer = new IntervalLogWriter(file, System.currentTimeMillis())) {
            for (int i = 1; i <= 1_000; i++) {
                recorders.recordNanos(Metric.PUB_TO_RECV, i * 1_000L); // 1 µs .. 1 ms
            }
            writer.write(recorders.snapshot());
        }
        Path out = dir.resolve("pub-to-recv");

        HistogramLogProcessor processor = new HistogramLogProcessor(new String[] {"-i", file.toString(),
                "-o", out.toString(), "-tag", "pub-to-recv", "-outputValueUnitRatio", "1000"});
        processor.run();

        String percentiles = Files.readString(Path.of(out + ".hgrm"));
        assertThat(percentiles).containsPattern("Total count\\s+=\\s+1000\\]").contains("Max     =        1.000");
    }

    @Test
    void eachSecondIsOnDiskBeforeClose() throws Exception {
        Path file = dir.resolve("latency.hlog");
        LatencyRecorders recorders = new LatencyRecorders();
        IntervalLogWriter writer = new IntervalLogWriter(file, System.currentTimeMillis());
        recorders.recordNanos(Metric.PUB_TO_RECV, 1_000_000);
        writer.write(recorders.snapshot());

        // Not closed: as if the run were killed here.
        Map<Metric, Long> counts = new EnumMap<>(Metric.class);
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                counts.put(Metric.ofTag(next.getTag()), ((Histogram) next).getTotalCount());
            }
        }
        writer.close();

        assertThat(counts).containsEntry(Metric.PUB_TO_RECV, 1L).hasSize(Metric.values().length);
        assertThat(Files.readString(file)).contains("#[BaseTime:").contains("#[StartTime:");
    }
}
