package dev.realtimeharness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.embedded.EmbeddedTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "target", mixinStandardHelpOptions = true,
        description = "Serve the embedded target (PostgreSQL + stand-in Realtime server) until interrupted. Prints one"
                + " JSON line with its URLs and throwaway keys.")
final class TargetCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
            description = "the stand-in's port (default: a free port)")
    int port;

    @Option(names = "--drivers", paramLabel = "N", defaultValue = "100",
            description = "driver rows to create in the drivers table (default: 100)")
    int drivers;

    @Option(names = "--cdc", paramLabel = "MODE", defaultValue = "stream",
            description = "stream: changes as they commit (the harness's floor, default); poll: Supabase's poller "
                    + "cadence (100 ms interval, 500 ms idle, 100 changes a poll, background subscribe)")
    String cdc;

    @Override
    public Integer call() throws Exception {
        CdcConfig mode;
        if ("stream".equals(cdc)) {
            mode = CdcConfig.stream();
        } else if ("poll".equals(cdc)) {
            mode = CdcConfig.poll();
        } else {
            main.err().println("harness: --cdc must be stream or poll, got \"" + cdc + "\"");
            return ExitCodes.BAD_INPUT;
        }
        EmbeddedTarget target;
        try {
            target = EmbeddedTarget.start(drivers, EmbeddedConfig.none().withCdc(mode), port);
        } catch (Exception e) {
            main.err().println("harness: the embedded target failed to start: " + e.getMessage());
            return ExitCodes.NOT_RUN;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.close();
            stop.countDown();
        }, "target-shutdown"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("wsUrl", target.wsUrl().toString());
        info.put("restUrl", target.restUrl());
        info.put("dbUrl", target.dbUrl());
        info.put("jdbcUrl", target.jdbcUrl());
        info.put("apikey", target.apikey());
        info.put("jwtSecret", target.jwtSecret());
        info.put("cdc", target.cdc().mode().key());
        main.out().println(new ObjectMapper().writeValueAsString(info));
        main.out().flush();
        stop.await();
        return ExitCodes.PASSED;
    }
}
