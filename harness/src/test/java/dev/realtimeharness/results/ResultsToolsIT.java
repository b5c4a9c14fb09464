package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.cli.Main;
import dev.realtimeharness.run.Run;
import dev.realtimeharness.run.RunOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.HistogramLogProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools that work on finished runs, on two real smoke runs: gate, compare, the hlog and junit.xml. The runs are
 * embedded ones with their own targets, not the shared one: the second needs the injected delay
 * (target.embedded.delay) that compare and gate must see.
 */
class ResultsToolsIT {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));

    @TempDir
    static Path results;

    static Path normal;
    static Path delayed;

    static Path run(String runId, List<String> sets) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int exit = ExitCodes.of(new Run(new RunOptions(SCENARIOS.resolve("smoke.yaml"), sets, null, results, runId,
                null, null), quiet, quiet).execute());
        assertThat(exit).isIn(ExitCodes.PASSED, ExitCodes.GATE_FAILED);
        return results.resolve(runId);
    }

    @BeforeAll
    static void runs() {
        normal = run("normal", List.of());
        delayed = run("delayed", List.of("target.embedded.delay=50ms"));
    }

    record Printed(int exit, String out) {
    }

    /** {@code harness ARGS} with its stdout kept; its stderr goes to the test's. */
    static Printed cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        return new Printed(exit, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void compareAgainstAFasterBaselineExits1AndNamesTheRegressedPercentiles() throws Exception {
        Printed regressed = cli("compare", delayed.toString(), normal.toString(), "--max-regression", "10%");
        assertThat(regressed.exit()).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(regressed.out()).contains("REGRESSED").contains("latency.p50").contains("latency.p99");
        assertThat(delayed.resolve("compare.html")).exists();
        assertThat(Files.readString(delayed.resolve("compare.html"))).contains("REGRESSED");
        assertThat(cli("compare", normal.toString(), normal.toString()).exit()).isEqualTo(ExitCodes.PASSED);
    }

    @Test
    void gateReevaluatesAFinishedRunAgainstOtherLimits() {
        Printed own = cli("gate", normal.toString());
        assertThat(own.exit()).as(own.out()).isEqualTo(ExitCodes.PASSED);
        Printed strict = cli("gate", normal.toString(), "--set", "gate.latency.p50=0.001ms");
        assertThat(strict.exit()).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(strict.out()).contains("FAIL latency.p50");
        assertThat(cli("gate", delayed.toString(), "--set", "gate.latency.min=40ms", "--set",
                "gate.latency.p99=200ms").exit()).isEqualTo(ExitCodes.GATE_FAILED);
    }

    @Test
    void hdrHistogramsOwnLogProcessorReadsTheHlogWithTheSummarysTotals() throws Exception {
        JsonNode summary = Json.mapper().readTree(normal.resolve("summary.json").toFile());
        Path out = results.resolve("processed");
        HistogramLogProcessor p = new HistogramLogProcessor(new String[] {"-i",
                normal.resolve("latency.hlog").toString(), "-tag", "pub-to-recv", "-outputValueUnitRatio", "1000", "-o", out.toString()});
        p.run();
        String hgrm = Files.readString(Path.of(out + ".hgrm"));
        Matcher count = Pattern.compile("Total count\\s*=\\s*(\\d+)").matcher(hgrm);
        assertThat(count.find()).as(hgrm).isTrue();
        assertThat(Long.parseLong(count.group(1))).isEqualTo(summary.get("latency").get("count").asLong());
        Matcher max = Pattern.compile("Max\\s*=\\s*([0-9.]+)").matcher(hgrm);
        assertThat(max.find()).isTrue();
        // Values are µs; with a unit ratio of 1000 the processor reports ms, as summary.json does.
        assertThat(Double.parseDouble(max.group(1))).isCloseTo(summary.get("latency").get("max").asDouble(),
                org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void junitXmlHasOneTestCasePerGateCheckWithLimitAndActualOnFailure() throws Exception {
        Path junit = results.resolve("junit.xml");
        cli("gate", delayed.toString(), "--set", "gate.latency.p50=10ms", "--junit", junit.toString());
        String xml = Files.readString(junit);
        assertThat(xml).contains("<testsuite name=\"smoke\"").contains("tests=\"5\"").contains("failures=\"1\"")
                .contains("<testcase classname=\"gate.smoke\" name=\"latency.p50\"")
                .contains("limit: 10");
        // The actual is the run's own p50: at least the injected 50 ms (more on a busy machine).
        Matcher actual = Pattern.compile("actual: ([0-9.]+)").matcher(xml);
        assertThat(actual.find()).as(xml).isTrue();
        double p50 = Json.mapper().readTree(delayed.resolve("summary.json").toFile()).get("latency").get("p50")
                .asDouble();
        assertThat(Double.parseDouble(actual.group(1))).isEqualTo(p50).isGreaterThanOrEqualTo(50.0);
    }

    @Test
    void everyRunLeavesJunitXmlAndAReportThatChromiumDrawsWithItsChartsAndVerdict() throws Exception {
        assertThat(normal.resolve("junit.xml")).exists();
        assertThat(Files.readString(normal.resolve("junit.xml"))).contains("<testcase classname=\"gate.smoke\"");
        Path report = normal.resolve("report.html");
        assertThat(report).exists();
        String html = Files.readString(report);
        // Self-contained: nothing is loaded from elsewhere.
        assertThat(html).doesNotContain("<script src").doesNotContain("<link ").doesNotContain("http://cdn")
                .doesNotContain("https://");

        Path png = results.resolve("report.png");
        BufferedImage shot = ChromiumScreenshot.take(report, png, 1000, 2600);
        // The verdict banner (green for a passed run) is drawn at the top of the page.
        assertThat(ChromiumScreenshot.countNear(shot, 0, 0, 1000, 150, 0x1b7f3b)).as("verdict banner pixels")
                .isGreaterThan(5000);
        // The latency chart's p50 (blue) and p99 (red) lines were drawn.
        assertThat(ChromiumScreenshot.countNear(shot, 0, 150, 1000, 2600, 0x1f77b4)).as("p50 line pixels")
                .isGreaterThan(200);
        assertThat(ChromiumScreenshot.countNear(shot, 0, 150, 1000, 2600, 0xd62728)).as("p99 line pixels")
                .isGreaterThan(200);
        // A page with no charts (the delayed run's report re-rendered without an hlog) draws far fewer line pixels.
        Path bare = results.resolve("bare");
        Files.createDirectories(bare);
        Files.copy(delayed.resolve("summary.json"), bare.resolve("summary.json"));
        assertThat(cli("report", bare.toString()).exit()).isEqualTo(ExitCodes.PASSED);
        BufferedImage empty = ChromiumScreenshot.take(bare.resolve("report.html"), results.resolve("bare.png"), 1000,
                2600);
        assertThat(ChromiumScreenshot.countNear(empty, 0, 150, 1000, 2600, 0x1f77b4)).isLessThan(50);
        assertThat(ChromiumScreenshot.countNear(empty, 0, 0, 1000, 150, 0x1b7f3b)).as("verdict banner, no charts")
                .isGreaterThan(5000);
    }
}
