package dev.realtimeharness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import dev.realtimeharness.scenario.TargetLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "target", mixinStandardHelpOptions = true,
        description = {"Serve the embedded target (PostgreSQL + stand-in Realtime server) until interrupted. Prints one"
                + " JSON line with its URLs and throwaway keys.",
                "With a SCENARIO, the stand-in serves the scenario's targetLimits (what `harness run SCENARIO "
                        + "--target URL` checks before it starts), its target.embedded fault knobs and cdc mode, and "
                        + "creates its drivers' rows; the fault schedule (target.embedded.faults) needs the run's "
                        + "start of publishing and is not applied. Without one: Supabase's default limits, no "
                        + "faults."})
final class TargetCommand implements Callable<Integer> {
    private static final int DEFAULT_DRIVERS = 100;

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "a scenario file whose limits, faults, cdc mode and drivers the target serves")
    Path scenario;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a scenario value, as `run` does")
    List<String> sets = new ArrayList<>();

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
            description = "the stand-in's port (default: a free port)")
    int port;

    @Option(names = "--drivers", paramLabel = "N",
            description = "driver rows to create in the drivers table (default: the scenario's drivers, else 100)")
    Integer drivers;

    @Option(names = "--cdc", paramLabel = "MODE",
            description = "stream: changes as they commit (the harness's floor, default); poll: Supabase's poller "
                    + "cadence (100 ms interval, 500 ms idle, 100 changes a poll, background subscribe). Overrides "
                    + "the scenario's target.embedded.cdc")
    String cdc;

    @Override
    public Integer call() throws Exception {
        CdcConfig mode = null;
        if ("stream".equals(cdc)) {
            mode = CdcConfig.stream();
        } else if ("poll".equals(cdc)) {
            mode = CdcConfig.poll();
        } else if (cdc != null) {
            main.err().println("harness: --cdc must be stream or poll, got \"" + cdc + "\"");
            return ExitCodes.BAD_INPUT;
        }
        EmbeddedConfig config = EmbeddedConfig.none();
        int rows = DEFAULT_DRIVERS;
        String name = null;
        if (scenario != null) {
            Scenario s;
            try {
                s = ScenarioLoader.load(scenario, sets);
            } catch (ScenarioException e) {
                main.err().println("harness: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            // The remote target's limits: a run against this target's URL checks the scenario against targetLimits,
            // so serving the same numbers makes that check and the target agree (target.embedded.limits are for
            // the in-process target of `harness run` only).
            config = s.target().embedded().resolvedFor(s).withLimits(s.targetLimits());
            rows = s.drivers();
            name = s.name();
            if (!config.faults().isEmpty()) {
                main.err().println("harness: warning: target.embedded.faults (" + config.faults().size()
                        + " scheduled) are counted from a run's start of publishing, which a separate target does "
                        + "not know: not applied");
            }
        } else if (!sets.isEmpty()) {
            main.err().println("harness: --set needs a SCENARIO");
            return ExitCodes.BAD_INPUT;
        }
        if (mode != null) {
            config = config.withCdc(mode);
        }
        if (drivers != null) {
            rows = drivers;
        }
        EmbeddedTarget target;
        try {
            target = EmbeddedTarget.start(rows, config, port);
        } catch (Exception e) {
            main.err().println("harness: the embedded target failed to start: " + e.getMessage());
            return ExitCodes.NOT_RUN;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.close();
            stop.countDown();
        }, "target-shutdown"));
        main.out().println(new ObjectMapper().writeValueAsString(info(target, name, config.limits())));
        main.out().flush();
        stop.await();
        return ExitCodes.PASSED;
    }

    private static Map<String, Object> info(EmbeddedTarget target, String scenarioName, TargetLimits limits) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("wsUrl", target.wsUrl().toString());
        info.put("restUrl", target.restUrl());
        info.put("dbUrl", target.dbUrl());
        info.put("jdbcUrl", target.jdbcUrl());
        info.put("apikey", target.apikey());
        info.put("jwtSecret", target.jwtSecret());
        info.put("cdc", target.cdc().mode().key());
        if (scenarioName != null) {
            info.put("scenario", scenarioName);
        }
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("maxConcurrentUsers", limits.maxConcurrentUsers());
        l.put("maxEventsPerSecond", limits.maxEventsPerSecond());
        l.put("maxJoinsPerSecond", limits.maxJoinsPerSecond());
        l.put("maxChannelsPerClient", limits.maxChannelsPerClient());
        info.put("limits", l);
        return info;
    }
}
