package dev.realtimeharness.cli;

import dev.realtimeharness.results.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Re-render RUN_DIR/report.html from the run's files (summary.json, latency.hlog, timeline.csv,"
                + " run.json). The page is self-contained: it loads nothing from the network.")
final class ReportCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR")
    Path runDir;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(runDir.resolve("summary.json"))) {
            main.err().println("harness: " + runDir + ": not a run directory (no summary.json)");
            return ExitCodes.BAD_INPUT;
        }
        try {
            main.out().println(ReportWriter.write(runDir));
            return ExitCodes.PASSED;
        } catch (IOException e) {
            main.err().println("harness: " + runDir + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }
}
