package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {

    private static Comparison compare(String run, String baseline, double maxRegression) throws Exception {
        return Comparison.of(Regate.recompute(RunFixtures.dir(run)), Regate.recompute(RunFixtures.dir(baseline)),
                maxRegression);
    }

    @Test
    void delayedRunRegressesOnEveryLatencyFigureAgainstThePassedBaseline() throws Exception {
        Comparison c = compare(RunFixtures.DELAYED, RunFixtures.PASSED, 0.10);
        assertThat(c.run()).isEqualTo("smoke-delayed-300ms");
        assertThat(c.baseline()).isEqualTo("smoke-passed");
        assertThat(c.regressed()).isTrue();
        assertThat(c.regressedMetrics()).containsExactly("latency.p50", "latency.p95", "latency.p99", "latency.p999",
                "latency.mean");
        assertThat(c.table()).contains("REGRESSED").contains("latency.p99");
    }

    @Test
    void countsAreShownButNeverRegress() throws Exception {
        Comparison c = compare(RunFixtures.DELAYED, RunFixtures.PASSED, 0.10);
        assertThat(c.rows()).filteredOn(r -> !r.gating()).extracting(Comparison.Row::metric)
                .containsExactly("messages.delivered", "messages.lost", "connections.successRatio");
        assertThat(c.rows()).filteredOn(r -> !r.gating()).noneMatch(Comparison.Row::regressed);
    }

    @Test
    void p99ChangeIsTheRelativeDifferenceOfTheRecordedP99s() throws Exception {
        Comparison c = compare(RunFixtures.DELAYED, RunFixtures.PASSED, 0.10);
        Comparison.Row p99 = c.rows().stream().filter(r -> r.metric().equals("latency.p99")).findFirst().orElseThrow();
        assertThat(p99.value()).isEqualTo(382.463);
        assertThat(p99.baseline()).isEqualTo(75.135);
        assertThat(p99.change()).isCloseTo(382.463 / 75.135 - 1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void onlyFiguresBeyondTheAllowedRegressionAreRegressed() throws Exception {
        // p50 went from 8.247 to 308.479 ms (+3640 %), the mean from 10.474 to 310.917 ms (+2868 %).
        assertThat(compare(RunFixtures.DELAYED, RunFixtures.PASSED, 30.0).regressedMetrics())
                .containsExactly("latency.p50");
        assertThat(compare(RunFixtures.DELAYED, RunFixtures.PASSED, 40.0).regressed()).isFalse();
    }

    @Test
    void runComparedWithItselfDoesNotRegress() throws Exception {
        Comparison c = compare(RunFixtures.PASSED, RunFixtures.PASSED, 0.0);
        assertThat(c.regressed()).isFalse();
        assertThat(c.rows()).allSatisfy(r -> assertThat(r.change()).isZero());
    }

    @Test
    void fasterRunAgainstASlowerBaselineDoesNotRegress() throws Exception {
        assertThat(compare(RunFixtures.PASSED, RunFixtures.DELAYED, 0.10).regressed()).isFalse();
    }

    @Test
    void compareHtmlNamesTheRegressedFigures(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("compare.html");
        compare(RunFixtures.DELAYED, RunFixtures.PASSED, 0.10).writeHtml(html);
        assertThat(Files.readString(html))
                .contains("REGRESSED: latency.p50, latency.p95, latency.p99, latency.p999, latency.mean")
                .contains("smoke-delayed-300ms").contains("smoke-passed").contains("382.463 ms");
        Path same = tmp.resolve("same.html");
        compare(RunFixtures.PASSED, RunFixtures.PASSED, 0.10).writeHtml(same);
        assertThat(Files.readString(same)).contains("No regression").doesNotContain("REGRESSED");
    }
}
