package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesPostgresResidentMemoryInTheLastColumn() throws Exception {
        Path file = dir.resolve("timeline.csv");
        TimelineWriter writer = new TimelineWriter(file);
        writer.write(new TimelineWriter.Row(1, 10, 500, 50, 2_500, 0, Double.NaN, Double.NaN, 0, 64_000_000, 0.25,
                180_000_000));
        writer.close();

        assertThat(Files.readAllLines(file).get(1)).isEqualTo("1,10,500,50,2500,0,,,0,64000000,0.250,180000000,,");
    }

    @Test
    void writesSlotLagBytesAndSecondsLastAndLeavesUnknownBytesEmpty() throws Exception {
        Path file = dir.resolve("timeline.csv");
        TimelineWriter writer = new TimelineWriter(file);
        writer.write(new TimelineWriter.Row(1, 10, 500, 50, 2_500, 0, Double.NaN, Double.NaN, 0, 64_000_000, 0.25,
                180_000_000, 4_096, 0.0123));
        writer.write(new TimelineWriter.Row(2, 10, 500, 50, 2_500, 0, Double.NaN, Double.NaN, 0, 64_000_000, 0.25,
                180_000_000, -1, 3.5));
        writer.close();

        assertThat(Files.readAllLines(file)).element(0).asString().endsWith(",pgRssBytes,slotLagBytes,slotLagSeconds");
        assertThat(Files.readAllLines(file).subList(1, 3)).containsExactly(
                "1,10,500,50,2500,0,,,0,64000000,0.250,180000000,4096,0.012",
                "2,10,500,50,2500,0,,,0,64000000,0.250,180000000,,3.500");
    }

    @Test
    void writesHeaderAndFlushedRows() throws Exception {
        Path file = dir.resolve("timeline.csv");
        Histogram second = LatencyRecorders.newHistogram();
        second.recordValue(1_234); // below 2048 µs buckets are exact at 3 digits
        TimelineWriter writer = new TimelineWriter(file);
        writer.write(new TimelineWriter.Row(1, 10, 500, 50, 2_500, 0,
                TimelineWriter.percentileMillis(second, 50), TimelineWriter.percentileMillis(second, 99), 0,
                64_000_000, 0.25));
        writer.write(new TimelineWriter.Row(2, 10, 500, 100, 2_500, 0,
                TimelineWriter.percentileMillis(LatencyRecorders.newHistogram(), 50), Double.NaN, 1, 65_000_000,
                Double.NaN));

        assertThat(Files.readAllLines(file)).containsExactly(
                "elapsedSeconds,connectionsOpen,channelsJoined,published,delivered,lost,p50Ms,p99Ms,errors,"
                        + "heapUsedBytes,cpuRatio,pgRssBytes,slotLagBytes,slotLagSeconds",
                "1,10,500,50,2500,0,1.234,1.234,0,64000000,0.250,,,",
                "2,10,500,100,2500,0,,,1,65000000,,,,");
        writer.close();
    }
}
