package dev.realtimeharness.cli;

import dev.realtimeharness.run.RemoteOptions;
import dev.realtimeharness.run.Run;
import dev.realtimeharness.run.RunOptions;
import dev.realtimeharness.run.ShardRun;
import dev.realtimeharness.scenario.Shard;
import java.time.Instant;
import dev.realtimeharness.scenario.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario: connect the drivers, publish probes, measure every delivery, gate the result.")
final class RunCommand implements Callable<Integer> {

    // Where this command prints: the streams given to Main.execute.
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "the scenario file (YAML)")
    Path scenario;

    @Option(names = "--target", paramLabel = "embedded|URL", defaultValue = "embedded",
            description = "where to run: the embedded target (default) started in-process, or a Realtime socket URL,"
                    + " e.g. wss://PROJECT.supabase.co/realtime/v1/websocket (needs --apikey; a non-loopback host"
                    + " needs --allow-host)")
    String target;

    @Option(names = "--apikey", paramLabel = "KEY",
            description = "remote target: the project's anon key, sent as the socket's apikey"
                    + " (default: env SUPABASE_ANON_KEY)")
    String apikey;

    @Option(names = "--db-url", paramLabel = "URL",
            description = "remote target: the database the postgres publisher inserts into,"
                    + " postgresql://USER:PASSWORD@HOST:PORT/DB or jdbc:postgresql://... (default: env DATABASE_URL)")
    String dbUrl;

    @Option(names = "--jwt-secret", paramLabel = "SECRET",
            description = "remote target: the project's JWT secret; the harness mints one token per driver"
                    + " (sub = driver id, role authenticated) and renews it before it expires"
                    + " (default: env SUPABASE_JWT_SECRET)")
    String jwtSecret;

    @Option(names = "--tokens", paramLabel = "FILE",
            description = "remote target: pre-issued JWTs, one a line (blank lines and # comments skipped); driver i"
                    + " uses line i mod n. Not with --jwt-secret")
    Path tokens;

    @Option(names = "--token-lifetime", paramLabel = "D",
            description = "lifetime of the tokens minted with --jwt-secret (default: 1h); each is renewed 60 s before"
                    + " it expires")
    String tokenLifetime;

    @Option(names = "--allow-host", paramLabel = "HOST",
            description = "allow load on this non-loopback host (repeatable); the scenario's allowedHosts also count")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "wss:// target: trust this PEM CA certificate instead of the default trust store")
    Path caCert;

    @Option(names = "--insecure",
            description = "wss:// target: do not verify the TLS certificate or host name (prints a WARNING and is"
                    + " recorded in run.json)")
    boolean insecure;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a scenario field by its dotted path, e.g. --set drivers=20 --set publish.rate=200/s")
    List<String> sets = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "D", description = "override the scenario's duration (ms, s, m, h)")
    String duration;

    @Option(names = "--accept-limits",
            description = "run even when the pre-flight check says the scenario trips the target's tenant limits;"
                    + " the refusals are then counted")
    boolean acceptLimits;

    @Option(names = "--results-dir", paramLabel = "DIR", description = "where run directories go (default: results)")
    Path resultsDir;

    @Option(names = "--run-id", paramLabel = "ID", description = "the run directory's name "
            + "(default: <UTC yyyyMMdd-HHmmss>-<scenario name>); with --shard, the id every shard of the run shares")
    String runId;

    @Option(names = "--shard", paramLabel = "K/N|auto/N",
            description = "run shard K (from 0) of N: drivers K, K+N, K+2N, ... and their probes at their share of the"
                    + " rate, into RESULTS/RUN_ID/shard-K/ (needs --run-id or --start-at for the shared run id);"
                    + " auto/N takes K from env JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). The shard's own"
                    + " gate is informational (exit 0 unless it could not run); harness merge gives the verdict")
    String shard;

    @Option(names = "--start-at", paramLabel = "TIME",
            description = "hold the start of publishing until TIME, an ISO instant (2026-12-02T14:00:00Z) or a UTC"
                    + " time of day (14:00:00), so that shards started apart publish in the same window")
    String startAt;

    @Option(names = "--ready-dir", paramLabel = "DIR",
            description = "with --shard and --run-id, instead of --start-at (an addition to contract.md's synopsis):"
                    + " a directory every shard can read and write (a shared volume); each shard, once ready and"
                    + " warm, writes DIR/RUN_ID/ready-K-of-N and waits for all N; publishing starts at the first full"
                    + " UTC minute at least 10 s after the last shard got ready, the same instant for every shard")
    Path readyDir;

    @Option(names = "--ready-timeout", paramLabel = "D",
            description = "with --ready-dir: how long a ready shard waits for the others (default: 10m); when one"
                    + " never reports ready the shard does not publish, names the missing shards and exits 3")
    String readyTimeout;

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "serve Prometheus metrics of the run at http://BIND:P/metrics while it runs (0: a free port,"
                    + " printed at the start)")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "the address --metrics-port listens on (default: ${DEFAULT-VALUE}, this machine only;"
                    + " 0.0.0.0 for a Prometheus on another host)")
    String metricsBind;

    @Option(names = "--history-db", paramLabel = "URL",
            description = "append the finished run's summary to this PostgreSQL database (table realtime_harness_runs,"
                    + " created if missing), postgresql://USER:PASSWORD@HOST:PORT/DB or jdbc:postgresql://...;"
                    + " a non-loopback host needs --allow-host. See `harness history`")
    String historyDb;

    @Override
    public Integer call() {
        Duration d = null;
        if (duration != null) {
            try {
                d = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                main.err().println("harness: --duration " + duration + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        ShardRun.Spec shardSpec = null;
        if (shard != null) {
            try {
                int[] kn = Shard.parse(shard, System.getenv("JOB_COMPLETION_INDEX"));
                shardSpec = new ShardRun.Spec(kn[0], kn[1]);
            } catch (IllegalArgumentException e) {
                main.err().println("harness: --shard " + shard + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        Instant start = null;
        if (startAt != null) {
            try {
                start = ShardRun.parseStartAt(startAt, Instant.now());
            } catch (IllegalArgumentException e) {
                main.err().println("harness: --start-at " + startAt + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        ShardRun.StartRule startRule = new ShardRun.StartRule(start, null, null);
        if (readyDir != null || readyTimeout != null) {
            String refused = readyDir == null ? "--ready-timeout needs --ready-dir"
                    : shardSpec == null ? "--ready-dir needs --shard K/N (it lines up the shards of a run)"
                    : runId == null ? "--ready-dir needs --run-id ID, the same for every shard"
                    : start != null ? "--ready-dir and --start-at both set the start: give one of them" : null;
            Duration wait = Duration.ofMinutes(10);
            try {
                wait = readyTimeout == null ? wait : Durations.parse(readyTimeout);
            } catch (IllegalArgumentException e) {
                refused = "--ready-timeout " + readyTimeout + ": " + e.getMessage();
            }
            if (refused != null) {
                main.err().println("harness: " + refused);
                return ExitCodes.BAD_INPUT;
            }
            startRule = new ShardRun.StartRule(null, readyDir, wait);
        }
        Duration lifetime = null;
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            main.err().println("harness: --metrics-port " + metricsPort + ": expected a port from 0 to 65535");
            return ExitCodes.BAD_INPUT;
        }
        if (tokenLifetime != null) {
            try {
                lifetime = Durations.parse(tokenLifetime);
            } catch (IllegalArgumentException e) {
                main.err().println("harness: --token-lifetime " + tokenLifetime + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        // Flags win over the environment; the environment is read only for a remote target, so a shell that
        // exports the project's keys does not make an embedded run warn.
        boolean remote = !"embedded".equals(target);
        RemoteOptions r = new RemoteOptions(orEnv(apikey, remote, "SUPABASE_ANON_KEY"),
                orEnv(dbUrl, remote, "DATABASE_URL"), orEnv(jwtSecret, remote, "SUPABASE_JWT_SECRET"), tokens,
                allowHosts, caCert, insecure, lifetime);
        Run run = new Run(new RunOptions(scenario, sets, d, resultsDir, runId, target, r, acceptLimits, metricsPort,
                metricsBind, historyDb, null).withShard(shardSpec, startRule), main.out(), main.err());
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: stop the run, let it write its partial results and close the target, then leave with
            // the contract's exit code 4 (the JVM would otherwise exit 130/143).
            main.err().println("harness: interrupted; writing partial results...");
            run.interrupt();
            try {
                run.awaitFinished(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            main.out().flush();
            main.err().flush();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }, "harness-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = ExitCodes.of(run.execute());
        } catch (RuntimeException | Error e) {
            // The run catches its own faults; this is the last line, so that a fault is never reported as an
            // interruption by the hook (exit 4 stays for SIGINT/SIGTERM).
            main.err().println("harness: internal error: " + e);
            code = ExitCodes.NOT_RUN;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook decides the exit code.
            return ExitCodes.INTERRUPTED;
        }
        return code;
    }

    private static String orEnv(String flag, boolean remote, String env) {
        if (flag != null || !remote) {
            return flag;
        }
        String v = System.getenv(env);
        return v == null || v.isBlank() ? null : v;
    }
}
