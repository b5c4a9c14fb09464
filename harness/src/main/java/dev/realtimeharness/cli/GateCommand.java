package dev.realtimeharness.cli;

import dev.realtimeharness.results.JunitXmlWriter;
import dev.realtimeharness.results.Regate;
import dev.realtimeharness.scenario.GateKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Re-evaluate a finished run against its own gate or other limits: latency from its"
                + " latency.hlog, counts from its summary.json. Exit 0 when every check passes, 1 when one fails.")
final class GateCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "RUN_DIR")
    Path runDir;

    @Option(names = "--set", paramLabel = "gate.KEY=VALUE",
            description = "override or add a limit, e.g. --set gate.latency.p99=150ms")
    List<String> sets = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "also write the checks as JUnit XML to FILE")
    Path junit;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(runDir.resolve("summary.json"))) {
            main.err().println("harness: " + runDir + ": not a run directory (no summary.json)");
            return ExitCodes.BAD_INPUT;
        }
        Map<String, Double> overrides = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            String key = eq < 0 ? set : set.substring(0, eq);
            if (eq < 0 || !key.startsWith("gate.") || !GateKeys.isKnown(key.substring(5))) {
                main.err().println("harness: --set " + set + ": expected gate.KEY=VALUE with KEY one of "
                        + GateKeys.all());
                return ExitCodes.BAD_INPUT;
            }
            try {
                overrides.put(key.substring(5), GateKeys.parseLimit(key.substring(5), set.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                main.err().println("harness: --set " + set + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        try {
            Regate.Result r = Regate.evaluate(runDir, overrides);
            if (r.limits().isEmpty()) {
                main.err().println("harness: " + runDir + ": the run has no gate and none was given (--set gate.KEY=V)");
                return ExitCodes.BAD_INPUT;
            }
            main.out().println(runDir + ": gate " + r.verdict().label());
            main.out().println(r.verdict().describe());
            if (junit != null) {
                JunitXmlWriter.write(junit, r.summary().scenario(), r.verdict(), 0);
            }
            return r.verdict().passed() ? ExitCodes.PASSED : ExitCodes.GATE_FAILED;
        } catch (IOException e) {
            main.err().println("harness: " + runDir + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }
}
