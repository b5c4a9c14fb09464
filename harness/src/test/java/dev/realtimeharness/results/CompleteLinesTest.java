package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An hlog cut in the middle of a line (a run killed mid-write) is read up to its last complete line. */
class CompleteLinesTest {
    @TempDir
    Path dir;

    @Test
    void aHalfWrittenLastLineIsLeftOutAndEveryCompleteIntervalCounts() throws Exception {
        Path hlog = dir.resolve("latency.hlog");
        LatencyRecorders recorders = new LatencyRecorders();
        try (IntervalLogWriter writer = new IntervalLogWriter(hlog, System.currentTimeMillis())) {
            for (int second = 0; second < 3; second++) {
                for (int i = 0; i < 100; i++) {
                    recorders.recordNanos(Metric.PUB_TO_RECV, 5_000_000L);
                }
                writer.write(recorders.snapshot());
            }
        }
        String whole = Files.readString(hlog, StandardCharsets.US_ASCII);
        String lastLine = whole.substring(whole.lastIndexOf('\n', whole.length() - 2) + 1);
        // Half of a copy of the last interval, as a write cut short would leave it.
        Files.writeString(hlog, lastLine.substring(0, lastLine.length() / 2), StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);

        assertThatThrownBy(() -> {
            try (InputStream in = Files.newInputStream(hlog)) {
                HistogramLogReader reader = new HistogramLogReader(in);
                while (reader.nextIntervalHistogram() != null) {
                    // HdrHistogram's reader alone throws on the cut line
                }
            }
        }).as("the cut line is really unreadable").isNotNull();
        assertThat(HlogTotals.read(hlog).total(Metric.PUB_TO_RECV.tag()).getTotalCount()).isEqualTo(300);
        assertThat(ReportWriter.readLatencySeries(hlog, Metric.PUB_TO_RECV.tag()).xs()).hasSize(3);
    }

    @Test
    void aFileWithoutANewlineHasNoCompleteLine() throws Exception {
        Path f = Files.writeString(dir.resolve("x"), "#[StartTime");
        assertThat(CompleteLines.lengthToLastNewline(f)).isZero();
        Path g = Files.writeString(dir.resolve("y"), "a\n" + "b".repeat(20_000));
        assertThat(CompleteLines.lengthToLastNewline(g)).isEqualTo(2);
    }
}
