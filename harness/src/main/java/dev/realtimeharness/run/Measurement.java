package dev.realtimeharness.run;

import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.DriverSpecs;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LiveMetrics;
import dev.realtimeharness.metrics.TimelineWriter;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.publish.Publisher;
import dev.realtimeharness.publish.Publishers;
import dev.realtimeharness.results.CdcNotice;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one run engine, behind {@code harness run} ({@link Run}, which drives the harness's own client fleet through
 * {@link FleetDrive}) and the Gatling simulation (which drives its own connections and reports through
 * {@link #listener()}): open the target (embedded or remote) → instruments → listener → publish phase (once the
 * subscriptions are ready, for the scenario's duration, then the drain) → a ticker each second → finish (summary,
 * gate, run.json, junit.xml, report.html, the console report, in one sequence).
 *
 * <p>Results are written as the run goes (hlog, timeline and summary.json every second), so a run that is killed
 * still leaves everything up to its last second; one that cannot write them stops ({@link ResultWrites}).
 */
public final class Measurement implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Measurement.class);

    private final Scenario scenario;
    private final MeasurementOptions options;
    private final String runId;
    private final RunDirectory dir;
    private final Instant startedAt;
    private final PrintStream out;
    private final ProgressLine progress;
    private final Instruments in;
    private final RunLog runLog;
    private final LiveMetrics live;
    private final RunTarget target;
    private final URI restEndpoint;
    private final ResultFiles files;
    private final RunListener listener;
    private final List<DriverSpec> specs;
    private final Expectations expectations;
    private final FleetConfig fleetConfig;
    private final IntervalLogWriter hlog;
    private final TimelineWriter timeline;
    private final RunTicker tick;
    private final ScheduledExecutorService ticker;
    private final long openedNanos;
    private final PublishThread publishThread = new PublishThread(this);
    private final FaultRun faults = new FaultRun(this); // target.embedded.faults, from the start of publishing
    private final GateWatch watch;
    private Result result;

    /** The outcome: the summary as written (with its gate verdict); {@code writeFailure} non-null: it did not count. */
    public record Result(Summary summary, Verdict verdict, Path runDirectory, String writeFailure) {
        public boolean passed() {
            return verdict.passed() && writeFailure == null;
        }
    }

    /** Why a measurement could not be opened, with the outcome the CLI reports for it. */
    public static final class OpenFailed extends Exception {
        private final Outcome outcome;

        OpenFailed(Outcome outcome, String message, Throwable cause) {
            super(message, cause);
            this.outcome = outcome;
        }

        public Outcome outcome() {
            return outcome;
        }
    }

    private Measurement(Scenario scenario, MeasurementOptions options) throws OpenFailed {
        this.scenario = scenario;
        this.options = options;
        this.out = options.out();
        this.progress = new ProgressLine(out, options.progress());
        this.startedAt = Instant.now();
        this.runId = options.runId() != null ? options.runId() : RunDirectory.defaultRunId(startedAt, scenario.name());
        try {
            this.dir = RunDirectory.create(options.resultsRoot() != null ? options.resultsRoot() : Path.of("results"),
                    runId, scenario.shard());
        } catch (RuntimeException e) {
            throw new OpenFailed(Outcome.BAD_INPUT, "cannot create the results directory: " + e.getMessage(), e);
        }
        this.runLog = RunLog.attach(dir.file("harness.log"));
        this.in = new Instruments(scenario, ShardRun.ids(runId, scenario), options.err());
        RunTarget opened = null;
        LiveMetrics liveMetrics = null;
        try {
            printHeader();
            liveMetrics = startLiveMetrics();
            this.live = liveMetrics;
            OpenTarget.Opened o = OpenTarget.open(scenario, options.remote(), out, in);
            opened = o.target();
            this.target = opened;
            this.restEndpoint = o.restEndpoint();
            this.files = new ResultFiles(dir, scenario, startedAt, options, in.writes);
            files.writeRunInfo(null);
            this.listener = new RunListener(ShardRun.ids(runId, scenario), in.ledger, in.recorders, in.counters,
                    in.board, target.localClock(), in.warmUp);
            this.fleetConfig = new FleetConfig(target.wsUrl(), target.apikey(), Vsn.parse(scenario.protocol().vsn()),
                    scenario.protocol().heartbeat(), scenario.ramp().connectRate().perSecond(),
                    scenario.ramp().joinRate().perSecond(), Duration.ofSeconds(10), scenario.publish().probeColumn(),
                    0);
            this.specs = DriverSpecs.of(scenario, o.tokens(), target.apikey());
            this.expectations = new Expectations(scenario, specs, in.board);
            this.hlog = new IntervalLogWriter(dir.file("latency.hlog"), startedAt.toEpochMilli());
            this.timeline = new TimelineWriter(dir.file("timeline.csv"));
            in.hiccups.start(); // after the set-up (target, specs): stalls while the harness measures, not before
        } catch (IOException e) {
            release(opened, liveMetrics);
            throw new OpenFailed(Outcome.NOT_RUN, "cannot write results: " + e.getMessage(), e);
        } catch (OpenFailed | RuntimeException | Error e) {
            release(opened, liveMetrics);
            throw e;
        }
        this.openedNanos = System.nanoTime();
        this.watch = new GateWatch(scenario, Instant.now(), System.nanoTime());
        this.tick = new RunTicker(openedNanos, this, hlog, timeline, live);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "ticker");
            th.setDaemon(true);
            return th;
        });
        ticker.scheduleAtFixedRate(tick::tick, 1, 1, TimeUnit.SECONDS);
    }

    // What a failed open had started already.
    private void release(RunTarget opened, LiveMetrics liveMetrics) {
        in.hiccups.stop();
        if (opened != null) {
            opened.close();
        }
        if (liveMetrics != null) {
            liveMetrics.close();
        }
        runLog.close();
    }

    /** Opens the target and the measurement; results go to {@code <resultsRoot>/<runId>/}. */
    public static Measurement open(Scenario scenario, MeasurementOptions options) throws OpenFailed {
        return new Measurement(scenario, options);
    }

    private LiveMetrics startLiveMetrics() throws OpenFailed {
        if (options.metricsPort() == null) {
            return null;
        }
        // Before the target and the fleet, so that a scrape sees the run from its first connection.
        try {
            LiveMetrics m = LiveMetrics.start(options.metricsBind(), options.metricsPort(), runId, scenario.name(),
                    in.counters, in.ledger);
            String host = options.metricsBind().contains(":") && !options.metricsBind().startsWith("[")
                    ? "[" + options.metricsBind() + "]" : options.metricsBind();
            out.printf("live metrics: http://%s:%d/metrics%n", host, m.port());
            return m;
        } catch (IOException | RuntimeException e) {
            throw new OpenFailed(Outcome.BAD_INPUT, "--metrics-port " + options.metricsPort() + ": cannot listen on "
                    + options.metricsBind() + ": " + e.getMessage(), e);
        }
    }

    private void printHeader() {
        Long n = scenario.publish().messages();
        String publish = (n != null ? n + " messages" : "for " + scenario.duration()) + " at "
                + scenario.publish().rate().format();
        RemoteSetup remote = options.remote();
        out.printf("realtime-harness run %s: %d drivers x %d channels, %s via %s, target %s%n", runId,
                scenario.drivers(), scenario.channelsPerDriver(), publish, scenario.publish().via().wireName(),
                remote == null ? "embedded" : remote.target().name());
        out.println("results: " + dir.path().toAbsolutePath());
        log.info("run {} starting; scenario {} ({}); load generator {}", runId, scenario.name(), scenario.source(),
                options.loadGenerator());
    }

    public Scenario scenario() {
        return scenario;
    }

    public String runId() {
        return runId;
    }

    public Path runDirectory() {
        return dir.path();
    }

    /** The socket URL a client connects to: the target's endpoint with {@code apikey} and {@code vsn}, as realtime-js. */
    public URI socketUri() {
        return fleetConfig.socketUri();
    }

    public Vsn vsn() {
        return fleetConfig.vsn();
    }

    /** Driver {@code d}'s channels (subscription index, topic, join config carrying the driver's token). */
    public DriverSpec driver(int d) {
        return specs.get(d);
    }

    List<DriverSpec> drivers() {
        return specs;
    }

    FleetConfig fleetConfig() {
        return fleetConfig;
    }

    RunTarget target() {
        return target;
    }

    io.netty.handler.ssl.SslContext ssl() { // for a wss:// target, null otherwise
        return options.ssl();
    }

    Instruments instruments() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    GateWatch gateWatch() {
        return watch;
    }

    ProgressLine progress() {
        return progress;
    }

    RunDirectory directory() {
        return dir;
    }

    RunListener runListener() {
        return listener;
    }

    /**
     * Where connections report what they see (thread-safe, non-blocking): {@code harness run}'s fleet and a load
     * driven by someone else (a Gatling simulation) report through the same listener.
     */
    public ClientListener listener() {
        return listener;
    }

    /** Subscriptions ready now. */
    public int readyCount() {
        return in.board.readyCount();
    }

    /**
     * How long a run waits for its channels to become ready before it publishes anyway: joins are paced, so the
     * paced time plus a margin, at least 30 s, but never beyond the run's duration.
     */
    public static Duration readyTimeout(Scenario s) {
        double joinSeconds = s.drivers() * (double) s.channelsPerDriver() / s.ramp().joinRate().perSecond();
        double connectSeconds = s.drivers() / s.ramp().connectRate().perSecond();
        long nanos = (long) ((joinSeconds + connectSeconds + 30) * 1e9);
        return Duration.ofNanos(Math.min(nanos, s.duration().toNanos()));
    }

    /**
     * Waits until every subscription is ready (and every dispatcher channel, when {@code dispatchers} is given), or
     * every one is ready or refused, or no connection will ever succeed, or the ready timeout; prints how many are
     * ready.
     */
    void awaitReady(BooleanSupplier stop, Dispatchers dispatchers) throws InterruptedException {
        int subscriptions = scenario.drivers() * scenario.channelsPerDriver();
        long deadline = openedNanos + readyTimeout(scenario).toNanos();
        while (!stop.getAsBoolean() && (in.board.readyCount() < subscriptions
                || dispatchers != null && !dispatchers.allReady()) && System.nanoTime() - deadline < 0) {
            // Refused channels are retried with backoff, but the run does not wait for them: once every channel
            // is ready or has been refused, publishing starts (the refusals are counted).
            if (in.board.settledCount() >= subscriptions && in.board.readyCount() < subscriptions
                    && (dispatchers == null || dispatchers.allReady())) {
                break;
            }
            if (FleetDrive.noConnectionWillSucceed(in.counters.connectionsSucceeded(),
                    in.counters.connectionsFailed(), scenario.drivers(), System.nanoTime() - openedNanos,
                    listener.connectFailures.keySet())) {
                break;
            }
            Thread.sleep(50);
        }
        progress.finishLine();
        out.printf("%d of %d channels ready after %.1f s (%d connections open)%n", in.board.readyCount(),
                subscriptions, (System.nanoTime() - openedNanos) / 1e9, in.counters.connectionsOpen());
    }

    /**
     * The publish phase: the open-model schedule runs from t0 whatever the target does, for the scenario's duration
     * (connecting and joining come before it, the drain after).
     */
    void publishAndDrain(BooleanSupplier stop, Dispatchers dispatchers)
            throws InterruptedException, SQLException, CommonStart.NoCommonStart {
        PublishPhase phase = PublishPhase.begin(scenario, ShardRun.ids(runId, scenario), in.ledger, expectations,
                in.publishFailures, in.recorders);
        Publishers.Endpoints endpoints = new Publishers.Endpoints(target.jdbcUrl(), target.user(), target.password(),
                target.apikey(), restEndpoint);
        try (Publisher publisher = Publishers.open(scenario, endpoints, dispatchers, expectations::topicsOf,
                expectations::subTopicsOf)) {
            in.publishingOver(publisher.connections());
            if (publisher.connections() > 0) {
                out.printf("publisher: %s over %d connections%s%n", publisher.via(), publisher.connections(),
                        ConsoleReport.sizedBy(scenario));
            }
            BooleanSupplier broken = () -> stop.getAsBoolean() || in.writes.failed(); // results unwritable: stop
            long warm = in.warmUp.run(scenario, publisher, expectations, broken, out);
            phase.afterWarmUp(warm + options.start().await(broken, out)); // t0: after both
            watch.publishingStarts(in.ledger, System.nanoTime());
            faults.start(System.nanoTime());
            phase.publish(publisher, () -> broken.getAsBoolean() || watch.stopping()); // an early stop still drains
            if (phase.skipped() > 0) {
                progress.finishLine();
                out.printf("%d probes were not published: no subscription receives them%n", phase.skipped());
            }
            phase.drain(broken);
        }
    }

    /**
     * For a load driven by someone else: starts the publisher on its own thread; it waits until every subscription
     * is ready or refused, publishes for the scenario's duration, then drains. {@link #receiving()} turns false
     * when the drain is over.
     */
    public void startPublishing() {
        publishThread.start();
    }

    /** True until publishing and its drain are over: connections keep receiving until then. */
    public boolean receiving() {
        return publishThread.running();
    }

    /** Waits at most {@code timeout} for the drain to end. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return publishThread.awaitDrained(timeout);
    }

    /** The figures so far, without the verdict. */
    Summary summarize(Instant endedAt) {
        return in.summarize(scenario, runId, startedAt, endedAt, target);
    }

    /**
     * Ends the measurement: stops publishing if it still runs, closes the ledger (what is missing is lost), writes
     * the last hlog interval, summary.json with the gate's verdict, run.json, junit.xml and report.html, prints the
     * report, and returns the outcome. Idempotent.
     */
    public synchronized Result finish() throws InterruptedException {
        if (result != null) {
            return result;
        }
        publishThread.stopAndJoin();
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        in.ledger.finish();
        tick.finalTick();
        Summary summary = watch.finish(summarize(Instant.now()), System.nanoTime());
        Verdict verdict = watch.verdict(Gate.evaluate(scenario.gate(), scenario.gatePolicy(), summary));
        summary = summary.withGate(verdict);
        files.write(summary);
        ConsoleReport.print(out, summary, verdict, in.publishFailures.sum(), dir, options.tlsInsecure(), listener,
                options.remote() == null ? CdcNotice.of(scenario.target().embedded()) : null);
        result = new Result(summary, verdict, dir.path(), in.writes.failure());
        return result;
    }

    /** The results of a run that measured nothing (no connection succeeded): summary.json and run.json, no gate. */
    void finishUnmeasured() {
        files.write(summarize(Instant.now()));
    }

    /** Stops the ticker, the hiccup meter, the live metrics and the target; closes the result files. */
    @Override
    public void close() {
        publishThread.stop();
        faults.close();
        ticker.shutdownNow();
        hlog.close();
        try {
            timeline.close();
        } catch (IOException e) {
            log.warn("closing timeline.csv: {}", e.toString());
        }
        in.hiccups.stop();
        target.close();
        if (live != null) {
            live.close();
        }
        runLog.close();
    }
}
