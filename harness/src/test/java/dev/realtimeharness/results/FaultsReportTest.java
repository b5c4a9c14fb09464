package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** faults.csv as the run appends it, read back (also after a kill mid-row), and its markers on report.html. */
class FaultsReportTest {
    // The passed fixture's first pub-to-recv interval starts at 1796110218.359 + 0.028 s (its hlog's base time).
    private static final long T0_MILLIS = 1_796_110_218_387L;

    @TempDir
    Path tmp;

    @Test
    void rowsAreReadBackAsWrittenAndARowCutShortByAKillIsLeftOut() throws Exception {
        Path file = tmp.resolve(FaultsCsv.FILE);
        FaultsCsv.create(file);
        FaultsCsv.Row disconnect = new FaultsCsv.Row(2.001, Instant.ofEpochMilli(T0_MILLIS + 2_000), "disconnect",
                "50%", null, "disconnect 50% of sockets", "1 of 2 closed");
        FaultsCsv.Row restart = new FaultsCsv.Row(8.5, Instant.ofEpochMilli(T0_MILLIS + 8_500), "restartDatabase",
                "true", null, "restart PostgreSQL", "down 1.2 s; change capture STOPPED (\"An I/O error\", EOF)");
        FaultsCsv.append(file, disconnect);
        FaultsCsv.append(file, restart);
        Files.writeString(file, "9.000,2026-12-01T07:30:27Z,17961", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(Files.readAllLines(file).get(0))
                .isEqualTo("elapsedSeconds,time,epochMillis,fault,value,forSeconds,description,outcome");
        assertThat(FaultsCsv.read(file)).containsExactly(disconnect, restart);
        assertThat(FaultsCsv.read(tmp.resolve("absent.csv"))).isEmpty();
    }

    @Test
    void theLatencyChartHasAMarkerPerFaultAndTheWindowOfADelayShaded() throws Exception {
        Path run = RunFixtures.copy(RunFixtures.PASSED, tmp);
        Path file = run.resolve(FaultsCsv.FILE);
        FaultsCsv.create(file);
        FaultsCsv.append(file, new FaultsCsv.Row(2.0, Instant.ofEpochMilli(T0_MILLIS + 2_000), "disconnect", "50%",
                null, "disconnect 50% of sockets", "1 of 2 closed"));
        FaultsCsv.append(file, new FaultsCsv.Row(3.0, Instant.ofEpochMilli(T0_MILLIS + 3_000), "delay", "250ms", 2.0,
                "delay deliveries by 250ms for 2s", ""));

        String html = ReportWriter.render(run);
        String latencyChart = html.substring(html.indexOf("<h2>Latency over time</h2>"),
                html.indexOf("<h2>Percentile distribution</h2>"));
        assertThat(Pattern.compile("class=\"fault-marker\"").matcher(latencyChart).results().count()).isEqualTo(2);
        assertThat(latencyChart).contains(">disconnect 50%</text>").contains(">delay 250ms for 2s</text>")
                .contains("<title>fault at 2.0 s: disconnect 50% of sockets (1 of 2 closed)</title>")
                .contains("class=\"fault-window\"");
        assertThat(latencyChart).contains("<table id=\"faults\">").contains("<td>3.0 s</td>");
        // Markers only on the latency chart.
        assertThat(html.substring(html.indexOf("<h2>Percentile distribution</h2>"))).doesNotContain("fault-marker");
        assertThat(ReportWriter.render(RunFixtures.dir(RunFixtures.PASSED))).doesNotContain("fault-marker")
                .doesNotContain("id=\"faults\"");
    }

    @Test
    void markersSitWhereTheirSecondIsOnTheAxis() throws Exception {
        SvgChart chart = new SvgChart("t", "s", "ms").add("p50", "#000", new double[] {0, 10}, new double[] {1, 1})
                .marker(5, 0, "m", "m");
        // Plot from x=64 to 900-16: second 5 of 0..10 is its middle, 474.
        assertThat(chart.render()).contains("<line x1=\"474.0\"");
        assertThat(List.of(chart.render())).noneMatch(s -> s.contains("fault-window"));
    }
}
