package dev.realtimeharness.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The quick run {@code mvn verify} makes of every benchmark in this module: 1 fork, one 500 ms warm-up and one 500 ms
 * measured iteration, with the GC profiler. Writes {@code jmh-result.json} (JMH's JSON) and {@code bench-summary.txt}
 * (ns/op and B/op per benchmark) into the directory given as the first argument. A quick run is a smoke test and a
 * rough figure; the README's full run ({@code java -jar harness/bench/target/benchmarks.jar -prof gc}) is the one to quote.
 * Exits 1 when a benchmark produced no result.
 */
public final class BenchMain {
    static final String NORM_ALLOC = "gc.alloc.rate.norm";

    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target");
        Files.createDirectories(dir);
        Path json = dir.resolve("jmh-result.json");
        Options options = new OptionsBuilder()
                .include(BenchMain.class.getPackageName() + "\\..*Bench\\..*")
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .jvmArgsAppend("-Xmx512m")
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<String> lines = summary(results);
        Files.write(dir.resolve("bench-summary.txt"), lines, StandardCharsets.UTF_8);
        lines.forEach(System.out::println);
        if (results.isEmpty() || lines.stream().anyMatch(l -> l.contains("NaN"))) {
            System.err.println("[ERROR] a benchmark produced no result; see " + json);
            System.exit(1);
        }
    }

    static List<String> summary(Collection<RunResult> results) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-52s %12s %10s", "benchmark", "ns/op", "B/op"));
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get(NORM_ALLOC);
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            lines.add(String.format(Locale.ROOT, "%-52s %12.1f %10.1f", name, primary.getScore(),
                    alloc == null ? Double.NaN : alloc.getScore()));
        }
        return lines;
    }
}
