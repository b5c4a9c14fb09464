package dev.realtimeharness.cli;

import dev.realtimeharness.run.Run;
import dev.realtimeharness.run.RunOptions;
import dev.realtimeharness.scenario.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario: connect the drivers, publish probes, measure every delivery, gate the result.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "the scenario file (YAML)")
    Path scenario;

    @Option(names = "--target", paramLabel = "embedded|URL", defaultValue = "embedded",
            description = "where to run: the embedded target (default) started in-process")
    String target;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a scenario field by its dotted path, e.g. --set drivers=20 --set publish.rate=200/s")
    List<String> sets = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "D", description = "override the scenario's duration (ms, s, m, h)")
    String duration;

    @Option(names = "--results-dir", paramLabel = "DIR", description = "where run directories go (default: results)")
    Path resultsDir;

    @Option(names = "--run-id", paramLabel = "ID", description = "the run directory's name "
            + "(default: <UTC yyyyMMdd-HHmmss>-<scenario name>)")
    String runId;

    @Override
    public Integer call() {
        Duration d = null;
        if (duration != null) {
            try {
                d = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                System.err.println("harness: --duration " + duration + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        Run run = new Run(new RunOptions(scenario, sets, d, resultsDir, runId, target), System.out, System.err);
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: stop the run, let it write its partial results and close the target, then leave with
            // the contract's exit code 4 (the JVM would otherwise exit 130/143).
            System.err.println("harness: interrupted; writing partial results...");
            run.interrupt();
            try {
                run.awaitFinished(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }, "harness-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run.execute();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook decides the exit code.
            return ExitCodes.INTERRUPTED;
        }
        return code;
    }
}
