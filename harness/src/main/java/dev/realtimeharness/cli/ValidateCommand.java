package dev.realtimeharness.cli;

import dev.realtimeharness.run.Preflight;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a scenario file without running it (exit 0 when valid, 2 when not).")
final class ValidateCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "apply overrides as `run` would")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            Scenario s = ScenarioLoader.load(scenario, sets);
            // The dispatcher pool's size against the limits of the target a run would use: which one is only known
            // at `harness run` (its pre-flight refuses it); a count no target of the file can take is refused here.
            String embedded = Preflight.dispatcherRefusal(s, false);
            String remote = Preflight.dispatcherRefusal(s, true);
            if (embedded != null || remote != null) {
                List<String> field = List.of("publish", "connections");
                String value = String.valueOf(s.publish().connections());
                if (embedded != null && remote != null) {
                    throw ScenarioLoader.fieldError(s, field, value, embedded);
                }
                main.err().println("harness: warning: " + ScenarioLoader.fieldError(s, field, value,
                        embedded != null ? embedded : remote).getMessage() + " (a run against "
                        + (embedded != null ? "the embedded target" : "a remote target") + " is refused)");
            }
            long channels = (long) s.drivers() * s.channelsPerDriver();
            main.out().printf("%s: valid. %s: %d drivers x %d channels (%d channels), publish via %s at %s%s, "
                            + "duration %s (warm-up %s first), gate %s%n", scenario, s.name(), s.drivers(), s.channelsPerDriver(), channels,
                    s.publish().via().wireName(), s.publish().rate().format(),
                    s.publish().messages() == null ? "" : ", " + s.publish().messages() + " messages",
                    dev.realtimeharness.scenario.Durations.format(s.duration()),
                    dev.realtimeharness.scenario.Durations.format(s.warmup()),
                    s.gate().isEmpty() ? "none" : s.gate());
            return ExitCodes.PASSED;
        } catch (ScenarioException e) {
            main.err().println("harness: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }
}
