package dev.realtimeharness.run;

import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.FleetConfig;
import dev.realtimeharness.client.TokenProvider;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.HiccupMeter;
import dev.realtimeharness.metrics.IntervalLogWriter;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.PostgresMemory;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.ProcessWatchdog;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.metrics.TimelineWriter;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.publish.Publisher;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.RunInfoWriter;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.JunitXmlWriter;
import dev.realtimeharness.results.ReportWriter;
import dev.realtimeharness.results.SummaryWriter;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.embedded.EmbeddedTarget;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The harness's measurement for a load driven by someone else (a Gatling simulation): the embedded target, the
 * recorders, ledger, ticker and results directory of {@code harness run}, and its publisher; the caller drives the
 * connections and reports what they see through the methods below, which are the same paths {@code harness run}'s
 * fleet reports through (thread-safe, non-blocking).
 *
 * <p>Lifecycle: {@link #open} → connections report → {@link #startPublishing()} (publishes once the subscriptions are
 * ready, for the scenario's duration, then drains) → {@link #receiving()} turns false → {@link #finish()} writes
 * summary.json, run.json, latency.hlog and timeline.csv and returns the verdict → {@link #close()}.
 *
 * <p>Embedded target only for now: remote targets need the CLI's credentials handling ({@code harness run --target}).
 */
public final class Measurement implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Measurement.class);

    /** {@code runId} null for the default, {@code resultsRoot} null for {@code results/}. */
    public record Options(String runId, Path resultsRoot, PrintStream out) {
        public Options {
            out = out == null ? System.out : out;
        }
    }

    /** The outcome: the summary as written (with its gate verdict). */
    public record Result(Summary summary, Verdict verdict, Path runDirectory) {
        public boolean passed() {
            return verdict.passed();
        }
    }

    private final Scenario scenario;
    private final String runId;
    private final RunDirectory dir;
    private final Instant startedAt;
    private final PrintStream out;
    private final RunLog runLog;
    private final EmbeddedTarget embedded;
    private final RunTarget target;
    private final LatencyRecorders recorders = new LatencyRecorders();
    private final RunCounters counters = new RunCounters();
    private final ProbeLedger ledger;
    private final ReadyBoard board;
    private final HiccupMeter hiccups = new HiccupMeter();
    private final ProcessWatchdog watchdog = new ProcessWatchdog(hiccups);
    private final PostgresMemory pgMemory;
    private final LongAdder publishFailures = new LongAdder();
    private final RunListener listener;
    private final List<DriverSpec> specs;
    private final Expectations expectations;
    private final FleetConfig fleetConfig;
    private final IntervalLogWriter hlog;
    private final TimelineWriter timeline;
    private final RunTicker tick;
    private final ScheduledExecutorService ticker;
    private final long openedNanos;
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Thread publishThread;
    private volatile long skipped;
    private Result result;

    private Measurement(Scenario scenario, Options options) throws Exception {
        if (scenario.publish().via() == PublishVia.BROADCAST) {
            // WebSocket broadcast publishing needs the harness's own dispatcher connections (harness run).
            throw new IllegalArgumentException("publish.via broadcast is not supported here; use postgres, rest or "
                    + "db-broadcast");
        }
        this.scenario = scenario;
        this.out = options.out();
        this.startedAt = Instant.now();
        this.runId = options.runId() != null ? options.runId() : RunDirectory.defaultRunId(startedAt, scenario.name());
        this.dir = RunDirectory.create(options.resultsRoot() != null ? options.resultsRoot() : Path.of("results"),
                runId);
        this.runLog = RunLog.attach(dir.file("harness.log"));
        int subscriptions = scenario.drivers() * scenario.channelsPerDriver();
        this.ledger = new ProbeLedger(subscriptions);
        this.board = new ReadyBoard(scenario.drivers(), scenario.channelsPerDriver());
        hiccups.start();
        EmbeddedTarget started = null;
        try {
            long t = System.nanoTime();
            out.println("starting the embedded target (PostgreSQL 17 + stand-in Realtime server)...");
            started = EmbeddedTarget.start(scenario.drivers(), scenario.target().embedded());
            this.embedded = started;
            this.target = RunTarget.embedded(started);
            out.printf("target ready in %.1f s: %s%n", (System.nanoTime() - t) / 1e9, target.wsUrl());
            this.pgMemory = Run.postgresMemory(target);
            writeRunInfo(null);
            this.listener = new RunListener(runId, ledger, recorders, counters, board, target.localClock());
            this.fleetConfig = new FleetConfig(target.wsUrl(), target.apikey(), Vsn.parse(scenario.protocol().vsn()),
                    scenario.protocol().heartbeat(), scenario.ramp().connectRate().perSecond(),
                    scenario.ramp().joinRate().perSecond(), Duration.ofSeconds(10), scenario.publish().probeColumn(),
                    0);
            String secret = started.jwtSecret();
            this.specs = Run.driverSpecs(scenario, i -> TokenProvider.minted(Drivers.id(i).toString(), secret,
                    Duration.ofHours(1), Clock.systemUTC()), target.apikey());
            this.expectations = new Expectations(scenario, specs, board);
            this.hlog = new IntervalLogWriter(dir.file("latency.hlog"), startedAt.toEpochMilli());
            this.timeline = new TimelineWriter(dir.file("timeline.csv"));
            this.openedNanos = System.nanoTime();
            this.tick = new RunTicker(openedNanos, recorders, counters, ledger, watchdog, hiccups, pgMemory, hlog,
                    timeline, out);
            this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r, "ticker");
                th.setDaemon(true);
                return th;
            });
            ticker.scheduleAtFixedRate(() -> tick.tick(scenario, runId, startedAt, target, dir, publishFailures,
                    board), 1, 1, TimeUnit.SECONDS);
        } catch (Exception | Error e) {
            hiccups.stop();
            if (started != null) {
                started.close();
            }
            runLog.close();
            throw e;
        }
        out.printf("realtime-harness measurement %s: %d drivers x %d channels, %s at %s via %s%n", runId,
                scenario.drivers(), scenario.channelsPerDriver(), scenario.publish().messages() != null
                        ? scenario.publish().messages() + " messages" : "for " + scenario.duration(),
                scenario.publish().rate().format(), scenario.publish().via().wireName());
        out.println("results: " + dir.path().toAbsolutePath());
    }

    /** Starts the embedded target and the measurement; results go to {@code <resultsRoot>/<runId>/}. */
    public static Measurement open(Scenario scenario, Options options) throws Exception {
        return new Measurement(scenario, options);
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

    /** Driver {@code d}'s channels (subscription index, topic, join config carrying the driver's minted token). */
    public DriverSpec driver(int d) {
        return specs.get(d);
    }

    /**
     * Where a load driven by someone else reports what its connections see: the same listener {@code harness run}'s
     * fleet reports through (thread-safe, non-blocking).
     */
    public ClientListener listener() {
        return listener;
    }

    // What the connections see: the same paths harness run's fleet reports through.

    public void connectAttempted(int driver) {
        listener.connectAttempted(driver);
    }

    public void connected(int driver, long connectNanos) {
        listener.connected(driver, connectNanos, false);
    }

    public void connectFailed(int driver, String reason) {
        listener.connectFailed(driver, reason);
    }

    public void disconnected(int driver, String reason) {
        listener.disconnected(driver, reason);
    }

    public void joinAttempted(int subscription) {
        listener.joinAttempted(subscription);
    }

    public void joined(int subscription, long joinNanos) {
        listener.joined(subscription, joinNanos);
    }

    /** A refused or timed-out join, by the server's reason string ("TIMED_OUT" for a timeout). */
    public void joinFailed(int subscription, String reason) {
        listener.joinFailed(subscription, reason);
    }

    /** The subscription stopped receiving (phx_close, phx_error, socket closed): what it still awaited is lost. */
    public void subscriptionClosed(int subscription, String reason) {
        listener.subscriptionClosed(subscription, reason);
    }

    /** "Subscribed to PostgreSQL" arrived; {@code joinToReadyNanos} from the join's send. */
    public void ready(int subscription, long joinToReadyNanos) {
        listener.ready(subscription, joinToReadyNanos);
    }

    /**
     * A frame carrying probe id {@code probe} arrived on {@code subscription} at {@code recvNanos}
     * ({@link System#nanoTime()} scale); {@code commitTimestamp} is the postgres_changes commit_timestamp or null.
     */
    public void receive(int subscription, String probe, long recvNanos, String commitTimestamp) {
        listener.probeReceived(subscription, probe, recvNanos, commitTimestamp);
    }

    public void heartbeatRtt(int driver, long rttNanos) {
        listener.heartbeatRtt(driver, rttNanos);
    }

    public void protocolError(int driver, String message, String head) {
        listener.protocolError(driver, message, head);
    }

    public void systemError(int subscription, String message) {
        listener.systemError(subscription, message);
    }

    /** Subscriptions ready now. */
    public int readyCount() {
        return board.readyCount();
    }

    /**
     * Starts the publisher on its own thread: it waits until every subscription is ready or refused (at most the
     * time {@code harness run} allows for connecting and joining), publishes for the scenario's duration, then
     * drains. {@link #receiving()} turns false when the drain is over.
     */
    public synchronized void startPublishing() {
        if (publishThread != null) {
            return;
        }
        Thread t = new Thread(this::publishWhenReady, "publish-phase");
        t.setDaemon(true);
        publishThread = t;
        t.start();
    }

    private void publishWhenReady() {
        try {
            int subscriptions = scenario.drivers() * scenario.channelsPerDriver();
            long deadline = openedNanos + Run.readyTimeoutNanos(scenario);
            while (!stopping && board.readyCount() < subscriptions && System.nanoTime() - deadline < 0) {
                if (board.settledCount() >= subscriptions) {
                    break;
                }
                Thread.sleep(50);
            }
            out.printf("%d of %d channels ready after %.1f s (%d connections open)%n", board.readyCount(),
                    subscriptions, (System.nanoTime() - openedNanos) / 1e9, counters.connectionsOpen());
            if (stopping) {
                return;
            }
            PublishPhase phase = PublishPhase.begin(scenario, runId, ledger, expectations, publishFailures);
            try (Publisher publisher = Run.openPublisher(scenario, target, null, expectations,
                    URI.create(embedded.restUrl() + "/api/broadcast"))) {
                phase.publish(publisher, () -> stopping);
                skipped = phase.skipped();
                if (skipped > 0) {
                    out.printf("%d probes were not published: their driver had no ready channel%n", skipped);
                }
                phase.drain(() -> stopping);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("publishing failed", e);
            out.println("harness: publishing failed: " + e);
        } finally {
            drained.countDown();
        }
    }

    /** True until publishing and its drain are over: connections keep receiving until then. */
    public boolean receiving() {
        return drained.getCount() > 0;
    }

    /** Waits at most {@code timeout} for the drain to end. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Ends the measurement: stops publishing if it still runs, closes the ledger (what is missing is lost), writes
     * summary.json (with the gate verdict), run.json, the last hlog interval, prints the report as
     * {@code harness run} does, and returns the outcome. Idempotent.
     */
    public synchronized Result finish() throws IOException, InterruptedException {
        if (result != null) {
            return result;
        }
        if (receiving()) {
            stopping = true;
        }
        Thread t = publishThread;
        if (t != null) {
            t.join(10_000);
        }
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        ledger.finish();
        tick.finalTick();
        Summary summary = Run.buildSummary(scenario, runId, startedAt, Instant.now(), recorders, counters, ledger,
                watchdog, hiccups, pgMemory, target);
        Verdict verdict = Gate.evaluate(scenario.gate(), summary);
        summary = summary.withGate(verdict);
        SummaryWriter.write(dir.file("summary.json"), summary);
        writeRunInfo(Instant.now());
        // The same files as `harness run`: the gate as JUnit XML and the report page.
        JunitXmlWriter.write(dir.file("junit.xml"), scenario.name(), verdict,
                java.time.Duration.between(startedAt, Instant.now()).toMillis() / 1000.0);
        ReportWriter.write(dir.path());
        Run.printReport(out, summary, verdict, publishFailures.sum(), dir, false, listener);
        result = new Result(summary, verdict, dir.path());
        return result;
    }

    private void writeRunInfo(Instant endedAt) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("target", "embedded");
        extra.put("tlsInsecure", false);
        extra.put("loadGenerator", "gatling");
        try {
            RunInfoWriter.write(dir.file("run.json"), Run.resolved(scenario), Run.gitCommit(), startedAt, endedAt,
                    extra);
        } catch (IOException e) {
            out.println("harness: cannot write run.json: " + e.getMessage());
        }
    }

    /** Stops the ticker, the hiccup meter and the embedded target. */
    @Override
    public void close() {
        stopping = true;
        ticker.shutdownNow();
        hlog.close();
        try {
            timeline.close();
        } catch (IOException e) {
            log.warn("closing timeline.csv: {}", e.toString());
        }
        hiccups.stop();
        target.close();
        runLog.close();
    }
}
