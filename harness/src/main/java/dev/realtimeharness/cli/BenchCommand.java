package dev.realtimeharness.cli;

import dev.realtimeharness.run.Bench;
import dev.realtimeharness.scenario.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "The harness's own capacity: runs it against `harness target` in another process at rising "
                + "load (drivers, deliveries/s) on loopback and writes bench.json and bench.html: CPU-seconds per "
                + "million recorded deliveries and RSS per connection for the harness, the same for the stand-in, "
                + "latency, and the load at which either saturates. Bounded: stops at the first saturated step.")
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--max-drivers", paramLabel = "N", defaultValue = "2000",
            description = "the largest load, in drivers (steps: 100, 250, 500, 1000, 2000, ... up to N; default 2000)")
    int maxDrivers;

    @Option(names = "--channels", paramLabel = "C", defaultValue = "10",
            description = "channels per driver (default 10); every driver gets a probe every 2 s, so deliveries/s "
                    + "= drivers x C / 2")
    int channels;

    @Option(names = "--step-duration", paramLabel = "D", defaultValue = "20s",
            description = "measured publishing per step (default 20s)")
    String stepDuration;

    @Option(names = "--warmup", paramLabel = "D", defaultValue = "5s",
            description = "unmeasured warm-up before each step's measurement (default 5s)")
    String warmup;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where bench.json, bench.html and the steps' run directories go "
                    + "(default: results/bench-<UTC yyyyMMdd-HHmmss>)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Duration step;
        Duration warm;
        try {
            step = Durations.parse(stepDuration);
            warm = Durations.parse(warmup);
        } catch (IllegalArgumentException e) {
            main.err().println("harness: bench: " + e);
            org.slf4j.LoggerFactory.getLogger(BenchCommand.class).error("bench failed", e);
            return ExitCodes.BAD_INPUT;
        }
        if (maxDrivers < 1 || channels < 1 || channels > 100 || step.isZero()) {
            main.err().println("harness: bench: --max-drivers must be at least 1, --channels 1 to 100 (the stand-in's"
                    + " channels per client), --step-duration longer than 0");
            return ExitCodes.BAD_INPUT;
        }
        Path dir = out != null ? out : Path.of("results", "bench-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
        try {
            return ExitCodes.of(Bench.run(new Bench.Options(maxDrivers, channels, step, warm, dir), main.out(),
                    main.err()));
        } catch (java.io.IOException e) {
            main.err().println("harness: bench: " + e);
            org.slf4j.LoggerFactory.getLogger(BenchCommand.class).error("bench failed", e);
            return ExitCodes.NOT_RUN;
        }
    }
}
