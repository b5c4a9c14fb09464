package dev.realtimeharness.cli;

import dev.realtimeharness.results.Comparison;
import dev.realtimeharness.results.Regate;
import dev.realtimeharness.results.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare a run with a baseline run: p50, p95, p99, p999, mean, delivered, lost, connection"
                + " success. Exit 1 when a latency figure regressed beyond --max-regression. Writes compare.html"
                + " into RUN_DIR.")
final class CompareCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR")
    Path runDir;

    @Parameters(index = "1", paramLabel = "BASELINE_DIR")
    Path baselineDir;

    @Option(names = "--max-regression", paramLabel = "P", defaultValue = "10%",
            description = "the allowed relative increase of a latency figure (default: ${DEFAULT-VALUE})")
    String maxRegression;

    @Override
    public Integer call() {
        double max;
        try {
            max = parseRatio(maxRegression);
        } catch (NumberFormatException e) {
            main.err().println("harness: --max-regression " + maxRegression + ": expected a percentage like 10%");
            return ExitCodes.BAD_INPUT;
        }
        for (Path d : new Path[] {runDir, baselineDir}) {
            if (!Files.isRegularFile(d.resolve("summary.json"))) {
                main.err().println("harness: " + d + ": not a run directory (no summary.json)");
                return ExitCodes.BAD_INPUT;
            }
        }
        try {
            Summary run = Regate.recompute(runDir);
            Summary base = Regate.recompute(baselineDir);
            Comparison c = Comparison.of(run, base, max);
            main.out().print(c.table());
            c.writeHtml(runDir.resolve("compare.html"));
            if (c.regressed()) {
                main.out().println("REGRESSED beyond " + maxRegression + ": " + String.join(", ", c.regressedMetrics()));
                return ExitCodes.GATE_FAILED;
            }
            main.out().println("no latency figure regressed beyond " + maxRegression);
            return ExitCodes.PASSED;
        } catch (IOException e) {
            main.err().println("harness: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    /** "10%" or "0.1" → 0.1; throws NumberFormatException for anything else or a negative value. */
    static double parseRatio(String text) {
        String v = text.trim();
        double max = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
        if (!(max >= 0) || Double.isInfinite(max)) {
            throw new NumberFormatException();
        }
        return max;
    }
}
