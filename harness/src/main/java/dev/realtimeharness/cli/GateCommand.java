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
                + " latency.hlog, counts from its summary.json. Exit 0 when every check passes, 1 when one fails,"
                + " 3 when the run did not finish (incomplete run: no end time in run.json or no verdict in"
                + " summary.json, as after SIGKILL) unless --allow-incomplete.")
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

    @Option(names = "--allow-incomplete",
            description = "gate a run that did not finish anyway: the deliveries it was still waiting for"
                    + " (expectedDeliveries - delivered - lost in summary.json) count as lost")
    boolean allowIncomplete;

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
            // A killed run leaves files that look finished up to its last second: judging it could pass a run that
            // never drained (deliveries still in flight are neither delivered nor lost yet).
            List<String> missing = Regate.unfinished(runDir);
            if (!missing.isEmpty() && !allowIncomplete) {
                main.err().println("harness: " + runDir + ": incomplete run: " + String.join(", ", missing)
                        + "; the run did not finish (killed, or still running), and gate judges finished runs only."
                        + " Use --allow-incomplete to gate it anyway, counting the deliveries still pending as lost");
                return ExitCodes.NOT_RUN;
            }
            Regate.Result r = missing.isEmpty() ? Regate.evaluate(runDir, overrides)
                    : Regate.evaluateIncomplete(runDir, overrides);
            if (!missing.isEmpty()) {
                main.out().println(runDir + ": incomplete run (" + String.join(", ", missing) + "); --allow-incomplete:"
                        + " " + r.pendingCountedAsLost() + " deliveries still pending counted as lost (messages.lost "
                        + r.summary().messages().lost() + ")");
            }
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
