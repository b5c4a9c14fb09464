package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTableTest {

    private static RunHistory.Entry entry(String id, boolean passed, double p99, Double previous) {
        return new RunHistory.Entry(id, "t030-latency", Instant.parse("2026-11-25T12:00:00Z"), passed, 10.0, p99, 0,
                previous);
    }

    @Test
    void runAboveTheRegressionBoundIsMarkedRegressedAndAFailedGateFailed() {
        assertThat(HistoryTable.marks(entry("a", true, 100, null), 0.10)).isEmpty();
        assertThat(HistoryTable.marks(entry("b", true, 110, 100.0), 0.10)).isEmpty();
        assertThat(HistoryTable.marks(entry("c", true, 110.5, 100.0), 0.10)).containsExactly("REGRESSED");
        assertThat(HistoryTable.marks(entry("d", false, 50, 100.0), 0.10)).containsExactly("FAILED");
        assertThat(HistoryTable.marks(entry("e", false, 300, 100.0), 0.10)).containsExactly("FAILED", "REGRESSED");
        assertThat(HistoryTable.marks(entry("c", true, 110.5, 100.0), 0.20)).isEmpty();
    }

    @Test
    void tableShowsOneLinePerRunWithTheChangeOfP99() {
        String table = HistoryTable.format(List.of(entry("night-1", true, 100, null),
                entry("night-2", true, 125, 100.0)), 0.10);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("time (UTC)").contains("run id", "verdict", "p50 ms", "p99 ms", "lost",
                "Δp99");
        assertThat(lines.get(1)).startsWith("2026-11-25 12:00:00").contains("night-1", "PASSED", "100.000")
                .doesNotContain("REGRESSED");
        assertThat(lines.get(2)).contains("night-2", "125.000", "+25.0%").endsWith("REGRESSED");
    }
}
