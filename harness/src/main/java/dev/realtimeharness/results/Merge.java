package dev.realtimeharness.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.scenario.GatePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code harness merge}: the shards of one run ({@code harness run --shard K/N}) added into one run directory that
 * {@code gate}, {@code compare} and {@code report} read like any other. Each shard's run.json says which shard it is
 * ({@code shard: {index, count}}), its summary.json the run id; shards of different scenarios or run ids, two
 * directories of the same shard, or a missing shard are refused ({@link Refused}, exit 2) unless missing shards are
 * allowed, which fails the verdict with a {@code shards.missing} check naming them.
 *
 * <p>The merged run is judged by the gate of the scenario the shards recorded, on the merged figures: percentiles of
 * the union of all samples (the hlogs added interval by interval), counts summed. A windowed gate is judged per
 * window again on the union ({@link WindowMerge}), and its failed windows counted against {@code maxFailedWindows}.
 */
public final class Merge {
    /** The check a merge with missing shards fails (limit 0 missing). */
    public static final String MISSING_CHECK = "shards.missing";

    /** The shards cannot be merged into one run: bad input, exit 2. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** One shard's directory as read. */
    record Shard(Path dir, int index, int count, String runId, String scenario, JsonNode runInfo, Summary summary) {
    }

    /** The merged run: its verdict, the shards merged and those missing. */
    public record Result(Path directory, Summary summary, Verdict verdict, List<Integer> merged, List<Integer> missing) {
    }

    private Merge() {
    }

    public static Result merge(List<Path> dirs, Path out, boolean allowMissing) throws Refused, IOException {
        if (dirs.isEmpty()) {
            throw new Refused("no shard directories given");
        }
        List<Shard> shards = new ArrayList<>();
        for (Path d : dirs) {
            shards.add(read(d));
        }
        Shard first = shards.get(0);
        Map<Integer, Shard> byIndex = new TreeMap<>();
        for (Shard s : shards) {
            if (!s.scenario().equals(first.scenario()) || !s.runInfo().path("scenario")
                    .equals(first.runInfo().path("scenario"))) {
                throw new Refused("shards of different scenarios: " + first.dir() + " ran '" + first.scenario()
                        + "', " + s.dir() + " ran '" + s.scenario() + "'"
                        + (s.scenario().equals(first.scenario()) ? " with other settings (run.json scenario differs)"
                        : ""));
            }
            if (!s.runId().equals(first.runId())) {
                throw new Refused("shards of different runs: " + first.dir() + " has run id " + first.runId() + ", "
                        + s.dir() + " has " + s.runId() + " (all shards of a run share one --run-id)");
            }
            if (s.count() != first.count()) {
                throw new Refused("shards split differently: " + first.dir() + " is shard " + first.index() + "/"
                        + first.count() + ", " + s.dir() + " is " + s.index() + "/" + s.count());
            }
            Shard before = byIndex.put(s.index(), s);
            if (before != null) {
                throw new Refused("shard " + s.index() + " given twice: " + before.dir() + " and " + s.dir());
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < first.count(); k++) {
            if (!byIndex.containsKey(k)) {
                missing.add(k);
            }
        }
        if (!missing.isEmpty() && !allowMissing) {
            throw new Refused("shard" + (missing.size() > 1 ? "s " : " ") + missing + " of " + first.count()
                    + " missing for run " + first.runId() + "; merge all " + first.count()
                    + " shards, or pass --allow-missing to merge the others into a run that fails its gate");
        }
        for (Shard s : byIndex.values()) {
            List<String> unfinished = Regate.unfinished(s.dir());
            if (!unfinished.isEmpty()) {
                throw new Refused(s.dir() + ": shard " + s.index() + " did not finish (" + String.join(", ", unfinished)
                        + "); merge finished shards only");
            }
        }
        List<Shard> ordered = new ArrayList<>(byIndex.values());
        ordered.sort(Comparator.comparingInt(Shard::index));
        return write(ordered, first, missing, out);
    }

    private static Result write(List<Shard> shards, Shard first, List<Integer> missing, Path out) throws IOException,
            Refused {
        RunDirectory dir;
        try {
            Path parent = out.toAbsolutePath().getParent();
            dir = RunDirectory.create(parent, out.toAbsolutePath().getFileName().toString());
        } catch (RuntimeException e) {
            throw new Refused("--out " + out + ": " + e.getMessage());
        }
        HlogMerge.Result hlog = HlogMerge.merge(shards.stream().map(s -> s.dir().resolve("latency.hlog")).toList(),
                dir.file("latency.hlog"));
        List<Integer> indexes = shards.stream().map(Shard::index).toList();
        Summary merged = SummaryMerge.merge(first.runId(), indexes, shards.stream().map(Shard::summary).toList(),
                hlog);
        Map<String, Double> limits = Regate.recordedLimits(first.dir());
        // A windowed gate: the windows judged again on the union (WindowMerge), and counted as a run counts its own.
        GatePolicy policy = Regate.recordedPolicy(first.dir());
        if (policy.windowed()) {
            merged = merged.withWindows(WindowMerge.judge(shards.stream().map(Shard::summary).toList(), limits,
                    policy.window(), dir.file("latency.hlog")), null);
        }
        Verdict verdict = Gate.evaluate(limits, policy, merged);
        if (!missing.isEmpty()) {
            List<Check> checks = new ArrayList<>(verdict.checks());
            checks.add(new Check(MISSING_CHECK, 0, missing.size(), false, "incomplete run: shard"
                    + (missing.size() > 1 ? "s " : " ") + missing + " of " + first.count() + " not merged"));
            verdict = Verdict.of(checks);
        }
        merged = merged.withGate(verdict);
        writeSummary(dir.file("summary.json"), merged, shards, missing);
        writeRunInfo(dir.file("run.json"), first, shards, missing, merged);
        long startSecond = hlog.firstSecond();
        if (merged.startedAt() != null) {
            startSecond = Math.floorDiv(Instant.parse(merged.startedAt()).toEpochMilli(), 1000L);
        }
        List<TimelineMerge.Part> parts = new ArrayList<>();
        for (Shard s : shards) {
            parts.add(new TimelineMerge.Part(s.dir().resolve("timeline.csv"),
                    Math.floorDiv(Instant.parse(s.summary().startedAt()).toEpochMilli(), 1000L)));
        }
        TimelineMerge.merge(parts, startSecond, hlog.pubToRecvBySecond(), dir.file("timeline.csv"));
        double seconds = merged.startedAt() == null || merged.endedAt() == null ? 0
                : Duration.between(Instant.parse(merged.startedAt()), Instant.parse(merged.endedAt())).toMillis()
                        / 1000.0;
        if (verdict.judged()) {
            JunitXmlWriter.write(dir.file("junit.xml"), merged.scenario(), verdict, seconds);
        }
        ReportWriter.write(dir.path());
        return new Result(dir.path(), merged, verdict, shards.stream().map(Shard::index).toList(), missing);
    }

    static Shard read(Path dir) throws Refused, IOException {
        if (!Files.isRegularFile(dir.resolve("summary.json"))) {
            throw new Refused(dir + ": not a run directory (no summary.json)");
        }
        if (!Files.isRegularFile(dir.resolve("run.json"))) {
            throw new Refused(dir + ": no run.json, so nothing says which shard it is");
        }
        JsonNode info;
        Summary summary;
        try {
            info = Json.mapper().readTree(dir.resolve("run.json").toFile());
            summary = SummaryReader.read(dir.resolve("summary.json"));
        } catch (IOException e) {
            throw new Refused(dir + ": " + e.getMessage());
        }
        JsonNode shard = info.path("shard");
        if (!shard.path("index").isInt() || !shard.path("count").isInt()) {
            throw new Refused(dir.resolve("run.json") + ": no shard (field shard: {index, count}); only the shards"
                    + " of a run made with --shard K/N can be merged");
        }
        int index = shard.get("index").asInt();
        int count = shard.get("count").asInt();
        if (count < 1 || index < 0 || index >= count) {
            throw new Refused(dir.resolve("run.json") + ": shard " + index + "/" + count + " is out of range");
        }
        if (summary.runId() == null || summary.scenario() == null || summary.startedAt() == null) {
            throw new Refused(dir.resolve("summary.json") + ": runId, scenario and startedAt are required");
        }
        return new Shard(dir, index, count, summary.runId(), summary.scenario(), info, summary);
    }

    private static void writeSummary(Path file, Summary merged, List<Shard> shards, List<Integer> missing)
            throws IOException {
        ArrayNode list = Json.mapper().createArrayNode();
        int count = shards.get(0).count();
        for (int k = 0; k < count; k++) {
            ObjectNode entry = list.addObject();
            entry.put("index", k);
            Shard s = null;
            for (Shard c : shards) {
                if (c.index() == k) {
                    s = c;
                }
            }
            if (s == null) {
                entry.put("missing", true);
                continue;
            }
            Summary m = s.summary();
            entry.put("runDirectory", s.dir().toAbsolutePath().normalize().toString());
            // The shard's own verdict, as the shard printed it: informational, the merged gate is the verdict.
            if (m.gate() == null) {
                entry.putNull("passed");
            } else {
                entry.put("passed", m.gate().passed());
            }
            entry.put("drivers", m.drivers());
            entry.put("startedAt", m.startedAt());
            entry.put("endedAt", m.endedAt());
            entry.put("published", m.messages().published());
            entry.put("expectedDeliveries", m.messages().expectedDeliveries());
            entry.put("delivered", m.messages().delivered());
            entry.put("lost", m.messages().lost());
            entry.put("latencyP99", m.latency().p99());
        }
        ObjectNode tree = SummaryWriter.tree(merged, list);
        if (!missing.isEmpty()) {
            tree.put("incomplete", true);
        }
        SummaryWriter.write(file, tree);
    }

    private static void writeRunInfo(Path file, Shard first, List<Shard> shards, List<Integer> missing,
            Summary merged) throws IOException {
        ObjectNode info = first.runInfo().deepCopy();
        info.remove("shard");
        ObjectNode m = info.putObject("merge");
        m.put("count", first.count());
        ArrayNode dirs = m.putArray("shards");
        shards.forEach(s -> dirs.add(s.dir().toAbsolutePath().normalize().toString()));
        ArrayNode miss = m.putArray("missing");
        missing.forEach(miss::add);
        m.put("mergedAt", Instant.now().toString());
        m.put("windowsJudged", merged.windows() != null); // gate counts them again (Regate.recordedPolicy)
        info.put("startedAt", merged.startedAt());
        info.put("endedAt", merged.endedAt());
        AtomicFiles.write(file, o -> {
            Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(o, info);
            o.write('\n');
        });
    }
}
