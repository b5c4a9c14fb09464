package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void reportOfThePassedRunNamesThePassedVerdict() throws Exception {
        String html = ReportWriter.render(RunFixtures.dir(RunFixtures.PASSED));
        assertThat(html).contains("<div id=\"verdict\" class=\"verdict pass\">PASSED — smoke</div>")
                .doesNotContain("class=\"verdict fail\"")
                .contains("smoke-passed");
    }

    @Test
    void reportOfTheDelayedRunNamesTheFailedVerdictAndTheFailedCheck() throws Exception {
        String html = ReportWriter.render(RunFixtures.dir(RunFixtures.DELAYED));
        assertThat(html).contains("<div id=\"verdict\" class=\"verdict fail\">FAILED — smoke</div>")
                .contains("latency.p99").contains("382.463");
    }

    @Test
    void writeLeavesASelfContainedReportHtmlWithChartsInTheRunDirectory(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        Path file = ReportWriter.write(run);
        assertThat(file).isEqualTo(run.resolve("report.html"));
        String html = Files.readString(file);
        assertThat(html).startsWith("<!doctype html>").contains("<svg")
                .doesNotContain("<script src").doesNotContain("<link ").doesNotContain("https://");
        assertThat(html).isEqualTo(ReportWriter.render(run));
    }

    @Test
    void reportRendersWithoutTimelineAndHlog(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.copy(RunFixtures.DELAYED, tmp);
        Files.delete(run.resolve("timeline.csv"));
        Files.delete(run.resolve("latency.hlog"));
        assertThat(ReportWriter.render(run)).contains("FAILED — smoke");
    }
}
