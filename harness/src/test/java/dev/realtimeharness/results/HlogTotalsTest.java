package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.metrics.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlogTotalsTest {

    @Test
    void intervalsAddUpToTheSummarysLatencyStatisticsForEveryTag() throws Exception {
        for (String name : new String[] {RunFixtures.PASSED, RunFixtures.DELAYED}) {
            Path dir = RunFixtures.dir(name);
            Summary s = SummaryReader.read(dir.resolve("summary.json"));
            HlogTotals t = HlogTotals.read(dir.resolve("latency.hlog"));
            assertThat(Summary.LatencyStats.of(t.total(Metric.PUB_TO_RECV.tag()))).as(name).isEqualTo(s.latency());
            assertThat(Summary.LatencyStats.of(t.total(Metric.PUB_TO_RECV_RAW.tag()))).as(name)
                    .isEqualTo(s.latencyRaw());
            assertThat(Summary.LatencyStats.of(t.total(Metric.JOIN.tag()))).as(name).isEqualTo(s.joinLatency());
            assertThat(Summary.LatencyStats.of(t.total(Metric.READY.tag()))).as(name).isEqualTo(s.readyLatency());
            assertThat(Summary.LatencyStats.of(t.total(Metric.CONNECT.tag()))).as(name)
                    .isEqualTo(s.connectLatency());
        }
    }

    @Test
    void tagThatNeverAppearsGivesAnEmptyHistogram() throws Exception {
        HlogTotals t = HlogTotals.read(RunFixtures.dir(RunFixtures.PASSED).resolve("latency.hlog"));
        assertThat(t.total("no-such-tag").getTotalCount()).isZero();
        assertThat(t.total(Metric.PUB_TO_RECV.tag()).getTotalCount()).isEqualTo(200);
    }

    @Test
    void hlogWithACorruptHistogramIsReportedAsUnreadable(@TempDir Path tmp) throws Exception {
        Path hlog = tmp.resolve("latency.hlog");
        String text = Files.readString(RunFixtures.dir(RunFixtures.PASSED).resolve("latency.hlog"));
        Files.writeString(hlog, text.replaceFirst("HISTFAAAA", "HISTF!!!!"));
        assertThatThrownBy(() -> HlogTotals.read(hlog)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a readable HdrHistogram log");
    }
}
