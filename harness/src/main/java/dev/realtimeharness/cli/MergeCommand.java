package dev.realtimeharness.cli;

import dev.realtimeharness.results.Merge;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Add the shards of one run (harness run --shard K/N) into one run directory: the latency.hlog"
                + " files interval by interval (percentiles of the union of all samples, never averaged), the counts"
                + " summed, then the scenario's gate judged on the merged figures. Exit 0 when every check passes,"
                + " 1 when one fails, 2 when the shards cannot be merged (different scenarios or run ids, a shard"
                + " given twice, a shard missing without --allow-missing, an unfinished shard).")
final class MergeCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "the shards' run directories")
    List<Path> dirs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "the merged run directory (created; must not exist or be empty)")
    Path out;

    @Option(names = "--allow-missing",
            description = "merge even when shards are missing: the merged run is marked incomplete (summary.json"
                    + " incomplete: true, the missing shards listed) and its gate fails the check shards.missing")
    boolean allowMissing;

    @Override
    public Integer call() {
        try {
            Merge.Result r = Merge.merge(dirs, out, allowMissing);
            main.out().println("merged " + r.merged().size() + " shard" + (r.merged().size() == 1 ? "" : "s") + " "
                    + r.merged() + " of run " + r.summary().runId() + " into " + r.directory()
                    + (r.missing().isEmpty() ? "" : "; INCOMPLETE: shards " + r.missing() + " missing"));
            main.out().printf("published %d, expected %d, delivered %d, lost %d; latency p99 %.3f ms, p999 %.3f ms,"
                    + " max %.3f ms%n", r.summary().messages().published(),
                    r.summary().messages().expectedDeliveries(), r.summary().messages().delivered(),
                    r.summary().messages().lost(), r.summary().latency().p99(), r.summary().latency().p999(),
                    r.summary().latency().max());
            if (!r.verdict().judged()) {
                main.out().println("gate: " + r.verdict().label());
                main.out().println(r.verdict().describe());
                return ExitCodes.PASSED;
            }
            main.out().println("gate " + r.verdict().label());
            main.out().println(r.verdict().describe());
            return r.verdict().passed() ? ExitCodes.PASSED : ExitCodes.GATE_FAILED;
        } catch (Merge.Refused e) {
            main.err().println("harness: merge refused: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (IOException | RuntimeException e) {
            main.err().println("harness: merge: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }
}
