package dev.realtimeharness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A `harness run` done in this JVM, through {@link Run} as the CLI does it: its exit code, output and files. */
record InProcessRun(int exit, String stdout, String stderr, JsonNode summary, Path dir) {

    static InProcessRun of(Path scenario, Path results, String runId, List<String> sets, boolean acceptLimits)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run run = new Run(new RunOptions(scenario, sets, null, results, runId, null, null, acceptLimits),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit = ExitCodes.of(run.execute());
        Path dir = results.resolve(runId);
        JsonNode summary = Files.exists(dir.resolve("summary.json"))
                ? new ObjectMapper().readTree(dir.resolve("summary.json").toFile()) : null;
        String stdout = out.toString(StandardCharsets.UTF_8);
        System.out.println(stdout);
        return new InProcessRun(exit, stdout, err.toString(StandardCharsets.UTF_8), summary, dir);
    }
}
