package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.results.HlogTotals;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's durability, on a real run in a child JVM: killed with SIGKILL at a random second, it leaves an hlog that
 * HdrHistogram's own reader reads to the end and a summary.json at most a second or two behind; when its files can no
 * longer grow (the file-size limit of the process, set with prlimit once the run is going: writes fail with "File too
 * large" as on a full disk), it stops and exits 3 naming the file, instead of running on without results.
 */
class ResultsDurabilityIT {
    @TempDir
    Path results;

    private List<String> args(String runId) {
        return List.of("run", JarRun.SCENARIOS.resolve("smoke.yaml").toString(), "--set", "publish.messages=",
                "--set", "duration=40s", "--results-dir", results.toString(), "--run-id", runId);
    }

    @Test
    void aRunKilledAtARandomSecondLeavesAnHlogHdrHistogramReadsToTheEnd() throws Exception {
        int second = ThreadLocalRandom.current().nextInt(2, 9);
        Path dir = results.resolve("killed");
        try (JarRun run = JarRun.start(args("killed"))) {
            assertThat(run.awaitLine("channels ready after", 90)).as(run.output()).isTrue();
            Thread.sleep(second * 1000L + ThreadLocalRandom.current().nextInt(1000));
            JarRun.exec("kill", "-KILL", Long.toString(run.pid()));
            run.waitFor(10);
        }
        long intervals = 0;
        // HdrHistogram's own reader, with nothing in between: every line of the file must parse.
        try (InputStream in = Files.newInputStream(dir.resolve("latency.hlog"))) {
            HistogramLogReader reader = new HistogramLogReader(in);
            for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null;) {
                intervals++;
            }
        }
        assertThat(intervals).as("killed about " + second + " s into publishing").isGreaterThan(0);
        assertThat(HlogTotals.read(dir.resolve("latency.hlog")).total("pub-to-recv").getTotalCount()).isPositive();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        long timelineRows = Files.readAllLines(dir.resolve("timeline.csv")).size() - 1;
        // summary.json is written every second, after the timeline row of that second.
        assertThat(summary.get("messages").get("published").asLong()).isPositive();
        assertThat(timelineRows).isPositive();
        assertThat(summary.get("gate").isNull()).as("no verdict: the run did not finish").isTrue();
    }

    @Test
    void aRunWhoseFilesCanNoLongerGrowStopsWithExit3AndNamesTheFile() throws Exception {
        assumeThat(JarRun.onPath("prlimit")).as("prlimit(1), util-linux").isTrue();
        Path dir = results.resolve("disk-full");
        long started = System.nanoTime();
        int exit;
        String output;
        try (JarRun run = JarRun.start(args("disk-full"))) {
            assertThat(run.awaitLine("channels ready after", 90)).as(run.output()).isTrue();
            Thread.sleep(2_000);
            // The JVM only (PostgreSQL runs in its own processes): no file of it may grow past 12 KiB more than the
            // hlog has now, so the hlog or the timeline hits the limit within seconds, while summary.json (rewritten
            // whole, a few KiB) still fits.
            long limit = Files.size(dir.resolve("latency.hlog")) + 12 * 1024;
            JarRun.exec("prlimit", "--pid", Long.toString(run.pid()), "--fsize=" + limit + ":" + limit);
            exit = run.waitFor(60);
            output = run.output();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.println(output);

        assertThat(exit).as(output).isEqualTo(ExitCodes.NOT_RUN);
        assertThat(output).containsPattern("harness: cannot write (latency\\.hlog|timeline\\.csv): File too large; "
                + "stopping the run").contains("harness: the run did not count: cannot write ");
        assertThat(seconds).as("stopped, not run to its 40 s").isLessThan(40);
        // What was written before the limit is readable: the hlog's complete lines, summary.json whole.
        assertThat(HlogTotals.read(dir.resolve("latency.hlog")).total("pub-to-recv").getTotalCount()).isPositive();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("messages").get("published").asLong()).isPositive();
    }
}
