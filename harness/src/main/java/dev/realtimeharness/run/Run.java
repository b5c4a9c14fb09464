package dev.realtimeharness.run;

import dev.realtimeharness.pg.ProductionGuard;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.client.Fleet;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.HiccupMeter;
import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.LiveMetrics;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.PostgresMemory;
import dev.realtimeharness.metrics.ProcessWatchdog;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.metrics.TimelineWriter;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.publish.BroadcastPublisher;
import dev.realtimeharness.publish.DbBroadcastPublisher;
import dev.realtimeharness.publish.RestPublisher;
import dev.realtimeharness.scenario.PublishConfig;
import dev.realtimeharness.scenario.SqlTemplate;
import java.net.URI;
import dev.realtimeharness.publish.PostgresPublisher;
import dev.realtimeharness.publish.Publisher;
import dev.realtimeharness.results.JunitXmlWriter;
import dev.realtimeharness.results.ReportWriter;
import dev.realtimeharness.results.RunHistory;
import dev.realtimeharness.pg.DbUrl;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.RunInfoWriter;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryWriter;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.PostgresChangeSpec;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import dev.realtimeharness.scenario.TopicTemplate;
import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.client.TlsContexts;
import dev.realtimeharness.client.TokenProvider;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator: scenario → target → fleet + publisher → ticker → drain → results → exit code. Results are
 * written as the run goes (hlog and timeline every second, summary.json every few seconds), so a run that is killed
 * still leaves everything up to its last second.
 */
public final class Run {
    private static final Logger log = LoggerFactory.getLogger(Run.class);
    private static final long SECOND = 1_000_000_000L;
    static final String INSECURE_WARNING = "WARNING: --insecure: the target's TLS certificate and host name were NOT"
            + " verified; do not use this against production";

    private final RunOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final ProgressLine progress;
    private LiveMetrics live;
    private volatile boolean interrupted;
    private final CountDownLatch finished = new CountDownLatch(1);

    public Run(RunOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.progress = new ProgressLine(out, options.progress());
    }

    /** Asks a running run to stop early (SIGINT/SIGTERM): partial results are written, exit code 4. */
    public void interrupt() {
        interrupted = true;
    }

    /** Waits until {@link #execute()} has written its results (for the shutdown hook). */
    public boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    public int execute() {
        try {
            return doExecute();
        } finally {
            finished.countDown();
        }
    }

    private int doExecute() {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(options.scenarioFile(), options.sets());
            if (options.duration() != null) {
                scenario = ScenarioLoader.withDuration(scenario, options.duration());
            }
        } catch (ScenarioException e) {
            err.println("harness: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        RemoteSetup remote = null;
        SslContext ssl = null;
        RunHistory history = null;
        if (options.historyDb() != null) {
            try {
                DbUrl db = DbUrl.parse(options.historyDb());
                // The history database is written, not loaded, but a typo must not write into production either.
                String refused = ProductionGuard.check("--history-db", db.hostName(), options.remote().allowHosts(),
                        scenario.allowedHosts(), String.valueOf(scenario.source()));
                if (refused != null) {
                    err.println("harness: " + refused);
                    return ExitCodes.BAD_INPUT;
                }
                history = new RunHistory(db);
            } catch (IllegalArgumentException e) {
                err.println("harness: --history-db: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        if (options.embedded()) {
            List<String> ignored = ignoredWithEmbedded(options.remote());
            if (history != null) {
                ignored.remove("--allow-host"); // it may allow the history database's host
            }
            if (!ignored.isEmpty()) {
                err.println("harness: warning: " + String.join(", ", ignored) + " apply to a remote --target only;"
                        + " ignored for the embedded target");
            }
        } else {
            try {
                remote = RemoteSetup.resolve(options.target(), options.remote(), scenario);
            } catch (IllegalArgumentException e) {
                err.println("harness: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            remote.warnings().forEach(w -> err.println("harness: warning: " + w));
            if (remote.tls()) {
                try {
                    ssl = TlsContexts.client(remote.caCert(), remote.insecure());
                } catch (IOException | RuntimeException e) {
                    err.println("harness: --ca-cert " + remote.caCert() + ": cannot build the TLS context: "
                            + e.getMessage());
                    return ExitCodes.BAD_INPUT;
                }
                if (remote.insecure()) {
                    err.println(INSECURE_WARNING);
                }
            }
        }

        // Pre-flight: will the scenario trip the target's tenant limits? Refused unless the user accepts it.
        Preflight.Report preflight = remote == null
                ? Preflight.check(scenario, scenario.target().embedded().limits(), "the embedded stand-in's limits, "
                        + "target.embedded.limits")
                : Preflight.check(scenario, scenario.targetLimits(), "the scenario's targetLimits, Supabase's "
                        + "self-hosted defaults unless set");
        out.print(preflight.format());
        if (preflight.trips()) {
            if (!options.acceptLimits()) {
                err.println("harness: the scenario would trip the target's limits (TRIPS above); the server would "
                        + "refuse joins or messages. Raise the tenant's limits (and the scenario's "
                        + (remote == null ? "target.embedded.limits" : "targetLimits") + "), lower the load, or run"
                        + " anyway with --accept-limits to count the refusals.");
                return ExitCodes.BAD_INPUT;
            }
            out.println("--accept-limits: running anyway; refusals are counted");
        }
        Instant startedAt = Instant.now();
        String runId = options.runId() != null ? options.runId() : RunDirectory.defaultRunId(startedAt, scenario.name());
        Path resultsRoot = options.resultsDir() != null ? options.resultsDir() : Path.of("results");
        RunDirectory dir;
        try {
            dir = RunDirectory.create(resultsRoot, runId);
        } catch (RuntimeException e) {
            err.println("harness: cannot create the results directory: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        RunLog runLog = RunLog.attach(dir.file("harness.log"));
        try {
            return runIn(scenario, runId, dir, startedAt, remote, ssl, history);
        } finally {
            if (live != null) {
                live.close();
            }
            runLog.close();
        }
    }

    private int runIn(Scenario scenario, String runId, RunDirectory dir, Instant startedAt, RemoteSetup remote,
            SslContext ssl, RunHistory history) {
        out.printf("realtime-harness run %s: %d drivers x %d channels, %s via %s, target %s%n", runId,
                scenario.drivers(), scenario.channelsPerDriver(), describePublish(scenario),
                scenario.publish().via().wireName(), remote == null ? "embedded" : remote.target().name());
        out.println("results: " + dir.path().toAbsolutePath());
        log.info("run {} starting; scenario {} ({})", runId, scenario.name(), scenario.source());

        int drivers = scenario.drivers();
        int perDriver = scenario.channelsPerDriver();
        int subscriptions = drivers * perDriver;
        LatencyRecorders recorders = new LatencyRecorders();
        RunCounters counters = new RunCounters();
        ProbeLedger ledger = new ProbeLedger(subscriptions);
        ReadyBoard board = new ReadyBoard(drivers, perDriver);
        HiccupMeter hiccups = new HiccupMeter();
        ProcessWatchdog watchdog = new ProcessWatchdog(hiccups);
        LongAdder publishFailures = new LongAdder();
        if (options.metricsPort() != null) {
            // Before the target and the fleet, so that a scrape sees the run from its first connection.
            try {
                live = LiveMetrics.start(options.metricsBind(), options.metricsPort(), runId, scenario.name(),
                        counters, ledger);
            } catch (IOException | RuntimeException e) {
                err.println("harness: --metrics-port " + options.metricsPort() + ": cannot listen on "
                        + options.metricsBind() + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            out.printf("live metrics: http://%s:%d/metrics%n", hostForUrl(options.metricsBind()), live.port());
        }
        hiccups.start();

        RunTarget target;
        EmbeddedTarget embedded = null;
        if (remote == null) {
            long t = System.nanoTime();
            try {
                out.println("starting the embedded target (PostgreSQL 17 + stand-in Realtime server)...");
                embedded = EmbeddedTarget.start(drivers, scenario.target().embedded());
                target = RunTarget.embedded(embedded);
            } catch (Exception e) {
                err.println("harness: the embedded target failed to start: " + e.getMessage());
                log.error("embedded target failed to start", e);
                hiccups.stop();
                return ExitCodes.NOT_RUN;
            }
            out.printf("target ready in %.1f s: %s%n", (System.nanoTime() - t) / 1e9, target.wsUrl());
        } else {
            target = remote.target();
            out.printf("remote target %s; database %s; access tokens: %s%n", target.name(),
                    remote.target().db() == null ? "none" : remote.target().db(), remote.authMode());
            log.info("remote target {}; tokens: {}", target.name(), remote.authMode());
        }
        writeRunInfo(dir, scenario, startedAt, null, remote);
        PostgresMemory pgMemory = embedded == null ? PostgresMemory.none() : postgresMemory(target);


        RunListener listener = new RunListener(runId, ledger, recorders, counters, board, target.localClock());
        FleetConfig fleetConfig = new FleetConfig(target.wsUrl(), target.apikey(),
                Vsn.parse(scenario.protocol().vsn()), scenario.protocol().heartbeat(),
                scenario.ramp().connectRate().perSecond(), scenario.ramp().joinRate().perSecond(),
                Duration.ofSeconds(10), scenario.publish().probeColumn(), 0);
        // Drivers sign in as themselves: on the embedded target too, each gets a token minted with its JWT secret
        // (sub = the driver's id, role authenticated), as the driver app's session would carry.
        String embeddedSecret = embedded == null ? null : embedded.jwtSecret();
        List<DriverSpec> specs = remote == null
                ? driverSpecs(scenario, i -> TokenProvider.minted(Drivers.id(i).toString(), embeddedSecret,
                        Duration.ofHours(1), Clock.systemUTC()), target.apikey())
                : driverSpecs(scenario, remote.tokenProviders(Clock.systemUTC()), target.apikey());
        Expectations expectations = new Expectations(scenario, specs, board);
        boolean viaBroadcast = scenario.publish().via() == PublishVia.BROADCAST;
        URI restEndpoint = remote == null ? URI.create(embedded.restUrl() + "/api/broadcast")
                : RestPublisher.endpointFor(target.wsUrl());

        Summary summary;
        int exit;
        Dispatchers dispatchers = null;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "ticker");
            th.setDaemon(true);
            return th;
        });
        try (Fleet fleet = new Fleet(fleetConfig, specs, listener, ssl);
                IntervalLogWriter hlog = new IntervalLogWriter(dir.file("latency.hlog"), startedAt.toEpochMilli());
                TimelineWriter timeline = new TimelineWriter(dir.file("timeline.csv"))) {
            long runStart = System.nanoTime();
            RunTicker tick = new RunTicker(runStart, recorders, counters, ledger, watchdog, hiccups, pgMemory, hlog,
                    timeline, progress, live);
            ticker.scheduleAtFixedRate(() -> tick.tick(scenario, runId, startedAt, target, dir, publishFailures, board),
                    1, 1, TimeUnit.SECONDS);

            fleet.start();
            if (viaBroadcast) {
                dispatchers = Dispatchers.start(fleetConfig, specs, target.apikey(), ssl);
            }
            long readyDeadline = runStart + readyTimeoutNanos(scenario);
            while (!interrupted && (board.readyCount() < subscriptions
                    || dispatchers != null && !dispatchers.allReady())
                    && System.nanoTime() - readyDeadline < 0) {
                // Refused channels are retried with backoff, but the run does not wait for them: once every channel
                // is ready or has been refused, publishing starts (the refusals are counted).
                if (board.settledCount() >= subscriptions && board.readyCount() < subscriptions
                        && (dispatchers == null || dispatchers.allReady())) {
                    break;
                }
                if (noConnectionWillSucceed(counters.connectionsSucceeded(), counters.connectionsFailed(), drivers,
                        System.nanoTime() - runStart, listener.connectFailures.keySet())) {
                    break;
                }
                sleep(50);
            }
            int ready = board.readyCount();
            progress.finishLine();
            out.printf("%d of %d channels ready after %.1f s (%d connections open)%n", ready, subscriptions,
                    (System.nanoTime() - runStart) / 1e9, counters.connectionsOpen());
            if (counters.connectionsSucceeded() == 0) {
                err.println("harness: every connection failed (" + counters.connectionsFailed() + " attempts):");
                listener.connectFailures.entrySet().stream()
                        .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                        .forEach(e -> err.printf("  %6d x %s%n", e.getValue().sum(), e.getKey()));
                summary = buildSummary(scenario, runId, startedAt, Instant.now(), recorders, counters, ledger, watchdog,
                        hiccups, pgMemory, target);
                writeResults(dir, scenario, summary, startedAt, remote);
                return ExitCodes.NOT_RUN;
            }

            // Publish: the open-model schedule runs from t0 whatever the target does, for the scenario's duration
            // (connecting and joining come before it, the drain after).
            PublishPhase phase = PublishPhase.begin(scenario, runId, ledger, expectations, publishFailures);
            try (Publisher publisher = openPublisher(scenario, target, dispatchers, expectations, restEndpoint)) {
                phase.publish(publisher, () -> interrupted);
                if (phase.skipped() > 0) {
                    progress.finishLine();
                    out.printf("%d probes were not published: their driver had no ready channel%n", phase.skipped());
                }
                phase.drain(() -> interrupted);
            }
            ticker.shutdown();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            ledger.finish();
            tick.finalTick();
            Instant endedAt = Instant.now();
            summary = buildSummary(scenario, runId, startedAt, endedAt, recorders, counters, ledger, watchdog, hiccups,
                    pgMemory, target);
            Verdict verdict = Gate.evaluate(scenario.gate(), summary);
            summary = summary.withGate(verdict);
            writeResults(dir, scenario, summary, startedAt, remote);
            printReport(summary, verdict, publishFailures.sum(), listener, dir, remote);
            if (history != null && !interrupted) {
                record(history, summary);
            }
            if (interrupted) {
                out.println("run interrupted: these are partial results (deliveries still in flight count as lost)");
            }
            exit = interrupted ? ExitCodes.INTERRUPTED : verdict.passed() ? ExitCodes.PASSED : ExitCodes.GATE_FAILED;
        } catch (IOException e) {
            err.println("harness: cannot write results: " + e.getMessage());
            exit = ExitCodes.NOT_RUN;
        } catch (java.sql.SQLException e) {
            err.println("harness: cannot connect the publisher to PostgreSQL: " + e.getMessage());
            exit = ExitCodes.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = ExitCodes.INTERRUPTED;
        } finally {
            ticker.shutdownNow();
            if (dispatchers != null) {
                dispatchers.close();
            }
            hiccups.stop();
            target.close();
        }
        return exit;
    }

    /** Appends the run to the history database; a failure is reported but does not change the exit code. */
    private void record(RunHistory history, Summary summary) {
        try {
            history.append(summary);
            out.println("history: recorded in " + history.db() + " (table " + RunHistory.TABLE + ")");
        } catch (java.sql.SQLException | IOException e) {
            // The driver's messages name host and user, never the password; the URL is printed redacted.
            err.println("harness: --history-db " + history.db() + ": cannot record the run: " + e.getMessage());
        }
    }

    private static String hostForUrl(String bind) {
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    static Publisher openPublisher(Scenario s, RunTarget target, Dispatchers dispatchers,
            Expectations expectations, URI restEndpoint) throws java.sql.SQLException {
        PublishConfig p = s.publish();
        boolean isPrivate = s.channel().isPrivate();
        return switch (p.via()) {
            case BROADCAST -> new BroadcastPublisher(dispatchers.fleet(), expectations::topicsOf);
            case REST -> new RestPublisher(restEndpoint, target.apikey(), null, p.event(), isPrivate,
                    expectations::subTopicsOf, null);
            case DB_BROADCAST -> new DbBroadcastPublisher(target.jdbcUrl(), target.user(), target.password(),
                    p.event(), isPrivate, expectations::subTopicsOf, 4);
            case POSTGRES -> p.sql() != null
                    ? new PostgresPublisher(target.jdbcUrl(), target.user(), target.password(),
                            SqlTemplate.parse(p.sql()), 4, Drivers::id)
                    : new PostgresPublisher(target.jdbcUrl(), target.user(), target.password(), p.table(),
                            p.probeColumn(), 4, Drivers::id);
        };
    }

    /** PostgreSQL's resident memory, when the target's database runs on this machine (embedded). */
    static PostgresMemory postgresMemory(RunTarget target) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(target.jdbcUrl(), target.user(),
                target.password());
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            return rs.next() ? PostgresMemory.ofBackend(rs.getLong(1)) : PostgresMemory.none();
        } catch (java.sql.SQLException e) {
            log.warn("PostgreSQL memory will not be reported: {}", e.toString());
            return PostgresMemory.none();
        }
    }

    static long readyTimeoutNanos(Scenario s) {
        // Joins are paced: allow the paced time plus a margin, at least 30 s, but never beyond the run's duration.
        double joinSeconds = s.drivers() * (double) s.channelsPerDriver() / s.ramp().joinRate().perSecond();
        double connectSeconds = s.drivers() / s.ramp().connectRate().perSecond();
        long nanos = (long) ((joinSeconds + connectSeconds + 30) * SECOND);
        return Math.min(nanos, s.duration().toNanos());
    }

    /**
     * Every failed attempt so far and none succeeded: after ~15 s the target is taken as unreachable; at once when
     * every driver has been refused and every refusal is an HTTP 4xx (bad key, expired token, tenant unknown, limits),
     * which retrying will not change.
     */
    static boolean noConnectionWillSucceed(long succeeded, long failed, int drivers, long elapsedNanos,
            java.util.Collection<String> reasons) {
        if (succeeded > 0 || failed < drivers) {
            return false;
        }
        if (elapsedNanos > 15 * SECOND) {
            return true;
        }
        return !reasons.isEmpty() && reasons.stream().allMatch(r -> r.matches("HTTP 4\\d\\d.*"));
    }

    static List<String> ignoredWithEmbedded(RemoteOptions r) {
        List<String> flags = new ArrayList<>();
        if (r.apikey() != null) {
            flags.add("--apikey");
        }
        if (r.dbUrl() != null) {
            flags.add("--db-url");
        }
        if (r.jwtSecret() != null) {
            flags.add("--jwt-secret");
        }
        if (r.tokensFile() != null) {
            flags.add("--tokens");
        }
        if (!r.allowHosts().isEmpty()) {
            flags.add("--allow-host");
        }
        if (r.caCert() != null) {
            flags.add("--ca-cert");
        }
        if (r.insecure()) {
            flags.add("--insecure");
        }
        return flags;
    }

    static List<DriverSpec> driverSpecs(Scenario s, String accessToken) {
        return driverSpecs(s, null, accessToken);
    }

    /**
     * The drivers' channels. With {@code tokens}, driver i's provider supplies its join token (and renews it);
     * otherwise every join carries {@code accessToken}.
     */
    static List<DriverSpec> driverSpecs(Scenario s, IntFunction<TokenProvider> tokens, String accessToken) {
        com.fasterxml.jackson.databind.JsonNode track = s.channel().presence().track() == null ? null
                : new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s.channel().presence().track());
        List<DriverSpec> specs = new ArrayList<>(s.drivers());
        for (int d = 0; d < s.drivers(); d++) {
            TokenProvider provider = tokens == null ? null : tokens.apply(d);
            String token = provider == null ? accessToken : provider.current();
            List<ChannelSpec> channels = new ArrayList<>(s.channelsPerDriver());
            for (int c = 0; c < s.channelsPerDriver(); c++) {
                List<JoinConfig.PostgresChangeFilter> filters = new ArrayList<>();
                for (PostgresChangeSpec pc : s.channel().postgresChanges()) {
                    filters.add(new JoinConfig.PostgresChangeFilter(pc.event(), pc.schema(), pc.table(),
                            pc.filter() == null ? null : pc.filter(d, c)));
                }
                JoinConfig join = new JoinConfig(s.channel().broadcast().ack(), s.channel().broadcast().self(), "",
                        s.channel().presence().enabled(), filters, s.channel().isPrivate(), token);
                channels.add(new ChannelSpec(d * s.channelsPerDriver() + c, Messages.topic(s.channel().topic(d, c)),
                        join, track));
            }
            specs.add(new DriverSpec(d, channels, provider));
        }
        return specs;
    }

    static Summary buildSummary(Scenario s, String runId, Instant startedAt, Instant endedAt,
            LatencyRecorders recorders, RunCounters counters, ProbeLedger ledger, ProcessWatchdog watchdog,
            HiccupMeter hiccups, PostgresMemory pgMemory, RunTarget target) {
        return new Summary(runId, s.name(), target.name(), startedAt.toString(), endedAt.toString(), s.drivers(),
                s.channelsPerDriver(), Summary.Connections.from(counters), Summary.Channels.from(counters),
                Summary.Messages.from(ledger.counts()),
                Summary.LatencyStats.of(recorders.cumulative(Metric.PUB_TO_RECV)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.PUB_TO_RECV_RAW)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.JOIN)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.READY)),
                Summary.LatencyStats.of(recorders.cumulative(Metric.CONNECT)),
                new Summary.HarnessStats(watchdog.maxHeapUsedBytes(), watchdog.maxCpuRatio(),
                        Summary.LatencyStats.roundMillis(hiccups.p99Millis()), watchdog.saturated()),
                new Summary.Errors(counters.protocolErrors()),
                new Summary.Memory(watchdog.maxHeapUsedBytes(), watchdog.heapLimitBytes(), target.localClock(),
                        pgMemory.maxBytes()),
                null);
    }

    private void writeResults(RunDirectory dir, Scenario s, Summary summary, Instant startedAt, RemoteSetup remote) {
        try {
            SummaryWriter.write(dir.file("summary.json"), summary);
        } catch (IOException e) {
            err.println("harness: cannot write summary.json: " + e.getMessage());
        }
        writeRunInfo(dir, s, startedAt, Instant.now(), remote);
        try {
            if (summary.gate() != null) {
                JunitXmlWriter.write(dir.file("junit.xml"), s.name(), summary.gate(),
                        java.time.Duration.between(startedAt, Instant.now()).toMillis() / 1000.0);
            }
            ReportWriter.write(dir.path());
        } catch (IOException | RuntimeException e) {
            err.println("harness: cannot write junit.xml/report.html: " + e.getMessage());
        }
    }

    private void writeRunInfo(RunDirectory dir, Scenario s, Instant startedAt, Instant endedAt, RemoteSetup remote) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("target", remote == null ? "embedded" : remote.describe(options.remote().allowHosts()));
        extra.put("tlsInsecure", remote != null && remote.insecure());
        try {
            RunInfoWriter.write(dir.file("run.json"), resolved(s), gitCommit(), startedAt, endedAt, extra);
        } catch (IOException e) {
            err.println("harness: cannot write run.json: " + e.getMessage());
        }
    }

    /** The scenario as it ran, after defaults and --set overrides, in the file's own vocabulary. */
    static Map<String, Object> resolved(Scenario s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("description", s.description());
        m.put("source", String.valueOf(s.source()));
        m.put("drivers", s.drivers());
        m.put("channelsPerDriver", s.channelsPerDriver());
        m.put("protocol", ordered("vsn", s.protocol().vsn(), "heartbeat", Durations.format(s.protocol().heartbeat())));
        List<Map<String, Object>> pcs = new ArrayList<>();
        for (PostgresChangeSpec pc : s.channel().postgresChanges()) {
            pcs.add(ordered("event", pc.event(), "schema", pc.schema(), "table", pc.table(), "filter", pc.filter()));
        }
        m.put("channel", ordered("topic", s.channel().topic(), "postgresChanges", pcs,
                "broadcast", ordered("self", s.channel().broadcast().self(), "ack", s.channel().broadcast().ack()),
                "presence", ordered("enabled", s.channel().presence().enabled())));
        m.put("publish", ordered("via", s.publish().via().wireName(), "messages", s.publish().messages(),
                "rate", s.publish().rate().format(), "table", s.publish().table(),
                "probeColumn", s.publish().probeColumn()));
        m.put("ramp", ordered("connectRate", s.ramp().connectRate().format(),
                "joinRate", s.ramp().joinRate().format()));
        m.put("duration", Durations.format(s.duration()));
        m.put("drainTimeout", Durations.format(s.drainTimeout()));
        EmbeddedConfig e = s.target().embedded();
        m.put("target", ordered("embedded", ordered("delay", Durations.format(e.delay()),
                "jitter", Durations.format(e.jitter()), "dropRatio", e.dropRatio(),
                "stallAfter", Durations.format(e.stallAfter()), "stallFor", Durations.format(e.stallFor()),
                "disconnectRatio", e.disconnectRatio(), "rejectJoinRatio", e.rejectJoinRatio())));
        m.put("gate", s.gate());
        m.put("transport", EventLoops.transportName());
        return m;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The checkout's commit, when the harness runs from a git working tree; null otherwise. */
    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String describePublish(Scenario s) {
        Long n = s.publish().messages();
        return (n != null ? n + " messages" : "for " + s.duration()) + " at " + s.publish().rate().format();
    }

    private void printReport(Summary s, Verdict verdict, long publishFailures, RunListener listener, RunDirectory dir,
            RemoteSetup remote) {
        printReport(out, s, verdict, publishFailures, dir, remote != null && remote.insecure(), listener);
    }

    static void printReport(PrintStream out, Summary s, Verdict verdict, long publishFailures, RunDirectory dir,
            boolean insecure, RunListener listener) {
        out.println();
        if (insecure) {
            out.println(INSECURE_WARNING);
        }
        out.printf("connections  %d/%d succeeded (%.2f%%), %d reconnects%n", s.connections().succeeded(),
                s.connections().attempted(), 100 * s.connections().successRatio(), s.connections().reconnects());
        out.printf("channels     %d joined of %d attempts, %d failed %s%n", s.channels().joined(),
                s.channels().attempted(), s.channels().failed(),
                s.channels().failureReasons().isEmpty() ? "" : s.channels().failureReasons());
        out.printf("messages     published %d, expected %d, delivered %d, lost %d, duplicated %d, out of order %d%n",
                s.messages().published(), s.messages().expectedDeliveries(), s.messages().delivered(),
                s.messages().lost(), s.messages().duplicated(), s.messages().outOfOrder());
        if (publishFailures > 0) {
            out.printf("publish      %d probes failed to publish (their deliveries count as lost)%n", publishFailures);
        }
        out.println("latency (ms)      count      min      p50      p90      p95      p99     p999      max     mean");
        row(out, "pub-to-recv", s.latency());
        row(out, "pub-to-recv-raw", s.latencyRaw());
        row(out, "join", s.joinLatency());
        row(out, "ready", s.readyLatency());
        row(out, "connect", s.connectLatency());
        out.printf("harness      heap max %d MiB, cpu max %.0f%%, hiccup p99 %.3f ms%s%n",
                s.harness().heapMaxBytes() >> 20, 100 * s.harness().cpuMaxRatio(), s.harness().hiccupP99(),
                s.harness().saturated() ? "  WARNING: the harness was saturated; latencies include its own delay" : "");
        if (s.memory() != null && s.memory().postgresRssMaxBytes() >= 0) {
            out.printf("memory       harness heap max %d MiB (the embedded stand-in included), PostgreSQL RSS max %d MiB%n",
                    s.memory().harnessHeapMaxBytes() >> 20, s.memory().postgresRssMaxBytes() >> 20);
        }
        if (listener != null && listener.presenceStates.sum() + listener.presenceDiffs.sum() > 0) {
            out.printf("presence     %d presence_state and %d presence_diff received%n", listener.presenceStates.sum(),
                    listener.presenceDiffs.sum());
        }
        if (listener != null && listener.systemErrors.sum() > 0) {
            out.printf("system       %d system error messages (see harness.log)%n", listener.systemErrors.sum());
        }
        if (s.errors().protocol() > 0) {
            out.printf("errors       %d unparseable frames (see harness.log)%n", s.errors().protocol());
        }
        out.println();
        out.println("gate: " + (verdict.passed() ? "PASSED" : "FAILED"));
        out.println(verdict.describe());
        out.println("results: " + dir.path());
    }

    private static void row(PrintStream out, String name, Summary.LatencyStats l) {
        out.printf("%-15s %7d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%n", name, l.count(), l.min(), l.p50(),
                l.p90(), l.p95(), l.p99(), l.p999(), l.max(), l.mean());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
