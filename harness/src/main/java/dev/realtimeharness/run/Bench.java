package dev.realtimeharness.run;

import dev.realtimeharness.results.BenchReport;
import dev.realtimeharness.results.BenchResult;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryReader;
import dev.realtimeharness.scenario.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code harness bench}: the harness against a stand-in in a separate process ({@code harness target}), at rising
 * load, measuring what each costs per recorded delivery. Each step is a real {@code harness run} (warm-up, open-model
 * publishing through PostgreSQL, the ledger, the gate's saturation watchdog) against the target's URL; while it runs,
 * a sampler reads the CPU time and RSS of this process, of the stand-in's JVM and of its PostgreSQL processes. A
 * step's figures cover its steady window: the seconds in which measured probes were published, minus the first and
 * the last. The bench stops at the first step where the harness saturates (its own watchdog) or the stand-in does
 * (deliveries lost or p99 over a second while the harness was not saturated), or after the largest load.
 */
public final class Bench {
    static final double STANDIN_P99_LIMIT_MS = 1_000;

    /** The loads: drivers per step up to {@code maxDrivers}; every driver gets a probe every two seconds. */
    public record Options(int maxDrivers, int channelsPerDriver, Duration stepDuration, Duration warmup, Path outDir) {
        public List<Integer> steps() {
            List<Integer> steps = new ArrayList<>();
            for (int d : new int[] {100, 250, 500, 1_000, 2_000, 3_000, 5_000, 10_000, 15_000}) {
                if (d < maxDrivers) {
                    steps.add(d);
                }
            }
            steps.add(maxDrivers);
            return steps;
        }

        double probesPerSecond(int drivers) {
            return Math.max(1, drivers / 2.0);
        }
    }

    private Bench() {
    }

    /** Runs the steps, writes bench.json and bench.html into {@code outDir}, returns what happened. */
    public static Outcome run(Options o, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Files.createDirectories(o.outDir().resolve("steps"));
        Instant started = Instant.now();
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("harness bench: steps %s drivers x %d channels, %s each (+%s warm-up); results in %s%n", o.steps(),
                o.channelsPerDriver(), Durations.format(o.stepDuration()), Durations.format(o.warmup()),
                o.outDir().toAbsolutePath());
        List<BenchResult.Step> steps = new ArrayList<>();
        Integer harnessAt = null;
        Integer standInAt = null;
        String stopped = null;
        try (BenchTarget target = BenchTarget.start(o, err); ProcessSampler sampler = ProcessSampler.start(target)) {
            out.printf("stand-in: %s (pid %d)%n", target.wsUrl(), target.pid());
            for (int drivers : o.steps()) {
                BenchResult.Step step = step(o, drivers, target, sampler, err);
                steps.add(step);
                out.printf(Locale.ROOT, "%6d drivers, %7.0f deliveries/s: delivered %d/%d, p99 %.1f ms;"
                        + " harness %.1f CPU-s/M, %.0f KiB/conn; stand-in %.1f CPU-s/M; PostgreSQL %.1f CPU-s/M%s%n",
                        drivers, step.deliveriesPerSecond(), step.delivered(), step.expectedDeliveries(),
                        step.latency().p99(), nanIfNull(step.harness().cpuSecondsPerMillion()),
                        nanIfNull(step.harness().rssKiBPerConnection()), nanIfNull(step.standIn().cpuSecondsPerMillion()),
                        nanIfNull(step.postgres().cpuSecondsPerMillion()),
                        step.harnessSaturated() ? "  HARNESS SATURATED" : step.standInSaturated()
                                ? "  STAND-IN SATURATED" : "");
                writeAll(o, started, cores, steps, harnessAt, standInAt, null); // as it goes
                if (step.harnessSaturated()) {
                    harnessAt = drivers;
                    stopped = "the harness saturated at " + drivers + " drivers: " + step.harnessSaturatedBy();
                    break;
                }
                if (step.standInSaturated()) {
                    standInAt = drivers;
                    stopped = "the stand-in saturated at " + drivers + " drivers (lost " + step.lost() + ", p99 "
                            + step.latency().p99() + " ms)";
                    break;
                }
                if (Outcome.NOT_RUN.name().equals(step.outcome())) {
                    stopped = "the step at " + drivers + " drivers could not run (see its harness.log)";
                    break;
                }
            }
        }
        writeAll(o, started, cores, steps, harnessAt, standInAt, stopped);
        out.println(stopped == null ? "bench: every load held" : "bench: " + stopped);
        out.println("bench: " + o.outDir().resolve("bench.json") + ", " + o.outDir().resolve("bench.html"));
        return steps.isEmpty() ? Outcome.NOT_RUN : Outcome.PASSED;
    }

    private static double nanIfNull(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static void writeAll(Options o, Instant started, int cores, List<BenchResult.Step> steps,
            Integer harnessAt, Integer standInAt, String stopped) throws IOException {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        BenchResult r = new BenchResult(started.toString(), new BenchResult.Machine(cores, memory,
                System.getProperty("java.version"), System.getProperty("os.name") + " "
                        + System.getProperty("os.version")),
                "Each step is harness run against harness target in another process on loopback, publishing through"
                        + " PostgreSQL; CPU from /proc (this JVM, the stand-in's JVM, its PostgreSQL processes) over"
                        + " the step's steady window, per million deliveries recorded in it; RSS at the window's end,"
                        + " per connection (harness) and per joined channel (stand-in), idle cost included.",
                List.copyOf(steps), harnessAt, standInAt, stopped);
        r.write(o.outDir().resolve("bench.json"));
        BenchReport.write(o.outDir(), r);
    }

    private static BenchResult.Step step(Options o, int drivers, BenchTarget target, ProcessSampler sampler,
            PrintStream err) throws IOException {
        double rate = o.probesPerSecond(drivers);
        String runId = String.format(Locale.ROOT, "step-%05d-drivers", drivers);
        Path scenario = o.outDir().resolve("steps").resolve(runId + ".yaml");
        Files.writeString(scenario, BenchScenarios.step(drivers, o.channelsPerDriver(), rate, o.stepDuration(),
                o.warmup()));
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        RunOptions options = new RunOptions(scenario, List.of(), null, o.outDir().resolve("steps"), runId,
                target.wsUrl(), new RemoteOptions(target.apikey(), target.dbUrl(), target.jwtSecret(), null, List.of(),
                        null, false, null), true, null, null, null, ProgressLine.Mode.LOG);
        Outcome outcome = new Run(options, new PrintStream(quiet, true, StandardCharsets.UTF_8), err).execute();
        Path dir = o.outDir().resolve("steps").resolve(runId);
        Files.write(dir.resolve("console.txt"), quiet.toByteArray());
        return StepFigures.of(dir, runId, drivers, o.channelsPerDriver(), rate, sampler, outcome.name());
    }

    static boolean standInSaturated(Summary s) {
        return !s.harness().saturated() && (s.messages().lost() > 0 || s.latency().p99() > STANDIN_P99_LIMIT_MS);
    }

    static Summary summary(Path dir) throws IOException {
        return SummaryReader.read(dir.resolve("summary.json"));
    }
}
