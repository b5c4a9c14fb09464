package dev.realtimeharness.gatling;

import dev.realtimeharness.run.Measurement;
import dev.realtimeharness.run.TargetSetup;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The harness's side of a simulation: opens the {@link Measurement} in {@code before()}, hands each virtual user its
 * driver, finishes the measurement in {@code after()}, and, once Gatling has written its HTML report (after
 * {@code after()}, as Gatling's JVM exits), copies that report into the run's results directory and fails the JVM's
 * exit status when the harness gate failed.
 */
final class HarnessRun {
    /** Exit status of the Gatling JVM when the harness gate failed (Gatling's own: 0 ok, 1 error, 2 assertions). */
    static final int GATE_FAILED_STATUS = 1;
    /** Exit status when the target or the scenario is refused before anything connects (as harness run's 2). */
    static final int REFUSED_STATUS = 2;

    private final SimulationParameters parameters;
    private final Scenario scenario;
    private final TargetSetup target;
    private final AtomicInteger nextDriver = new AtomicInteger();
    private final long startedMillis = System.currentTimeMillis();
    private volatile Measurement measurement;
    private volatile GatlingClock clock;
    private volatile Measurement.Result result;

    HarnessRun(SimulationParameters parameters) {
        this.parameters = parameters;
        try {
            this.scenario = parameters.load();
        } catch (ScenarioException e) {
            // Bad input: say which file, line and field, before Gatling starts anything.
            throw refused("scenario " + parameters.scenarioFile() + ": " + e.getMessage());
        }
        // The target as harness run resolves it: credentials from the environment, the production guard, TLS and
        // the pre-flight limits table, all before Gatling connects anything.
        try {
            this.target = TargetSetup.resolve(scenario, parameters.target(), parameters.remote(),
                    parameters.acceptLimits(), false, System.out, System.out);
        } catch (TargetSetup.Refused e) {
            throw refused(e.getMessage().replace("--accept-limits", "-DacceptLimits")
                    .replace("--allow-host ", "-DallowHost=").replace("--target", "-Dtarget"));
        }
        if (!target.embedded() && parameters.remote().caCert() != null
                && System.getProperty("gatling.ssl.trustStore.file", "").isBlank()) {
            throw refused("-DcaCert " + parameters.remote().caCert() + " reaches the harness's own connections only;"
                    + " Gatling's sockets need the same CA as a trust store: add -Dgatling.ssl.trustStore.file=FILE"
                    + " -Dgatling.ssl.trustStore.type=p12 -Dgatling.ssl.trustStore.password=PASSWORD");
        }
        if (!target.embedded()) {
            System.out.println("target " + target.name() + ": Gatling's sockets trust the JDK's certificate"
                    + " authorities (gatling.ssl.useInsecureTrustManager is false in this module's gatling.conf)");
        }
    }

    /**
     * Bad input, said once, then the JVM ends with {@link #REFUSED_STATUS}: this runs while Gatling loads the
     * simulation, where an exception would be buried in a stack trace of class initialisation.
     */
    private static IllegalStateException refused(String message) {
        System.out.println("harness: " + message);
        System.out.flush();
        Runtime.getRuntime().halt(REFUSED_STATUS);
        return new IllegalStateException(message);
    }

    Scenario scenario() {
        return scenario;
    }

    /** before(): the target (started, when embedded), recorders, ticker and results directory; then the publisher. */
    void open() {
        try {
            clock = GatlingClock.calibrate();
            measurement = Measurement.open(scenario, target.options(parameters.runId(), parameters.resultsRoot(),
                    System.out, "gatling"));
        } catch (Measurement.OpenFailed e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        // Publishing starts once every channel is ready or refused (bounded as harness run bounds it).
        measurement.startPublishing();
        Runtime.getRuntime().addShutdownHook(new Thread(this::afterGatling, "harness-after-gatling"));
        watchGatlingMain(Thread.currentThread());
    }

    /**
     * When Gatling crashes after before(), it never calls after(): the embedded target's threads would keep the JVM
     * (and Maven) waiting forever. Once the thread that ran before() (Gatling's main) has ended, finish and close
     * the measurement, so the JVM exits and the partial results are written.
     */
    private void watchGatlingMain(Thread gatlingMain) {
        Thread watcher = new Thread(() -> {
            try {
                gatlingMain.join();
            } catch (InterruptedException e) {
                return;
            }
            if (result == null) {
                System.out.println("harness: Gatling ended without calling after(); closing the measurement");
                finish();
            }
        }, "harness-gatling-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** A virtual user's driver: the next index, 0 to drivers-1. */
    DriverFrames nextDriver() {
        int d = nextDriver.getAndIncrement();
        if (d >= scenario.drivers()) {
            throw new IllegalStateException("more virtual users than drivers (" + scenario.drivers() + ")");
        }
        return new DriverFrames(measurement, clock, d);
    }

    /** Virtual users hold their connection while this is true: until publishing and its drain are over. */
    boolean receiving() {
        Measurement m = measurement;
        return m != null && m.receiving();
    }

    /** after(): the harness's verdict and results files (summary.json, run.json, latency.hlog, timeline.csv). */
    synchronized void finish() {
        Measurement m = measurement;
        if (result != null) {
            return;
        }
        if (m == null) {
            return;
        }
        try {
            result = m.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            m.close();
        }
        Measurement.Result r = result;
        if (r != null) {
            System.out.println("harness gate: " + (r.passed() ? "PASSED" : "FAILED") + " (" + r.runDirectory() + ")");
        }
    }

    /**
     * At JVM exit, after Gatling's report: copy it into results/RUN_ID/gatling/, then, when the harness gate failed,
     * end the JVM with {@link #GATE_FAILED_STATUS} so that Maven (and whoever runs Gatling) sees the failure.
     */
    private void afterGatling() {
        Measurement.Result r = result;
        Measurement m = measurement;
        if (m == null) {
            return;
        }
        try {
            Path report = null;
            for (Path folder : GatlingReports.resultsFolders(parameters.repositoryRoot())) {
                Path found = GatlingReports.newest(folder, "realtimesimulation", startedMillis);
                if (found != null && (report == null || found.compareTo(report) > 0)) {
                    report = found;
                }
            }
            if (report != null) {
                Path target = m.runDirectory().resolve("gatling");
                GatlingReports.copy(report, target);
                System.out.println("Gatling report copied to " + target.resolve("index.html"));
            } else {
                System.out.println("harness: no Gatling report found under "
                        + GatlingReports.resultsFolders(parameters.repositoryRoot()));
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("harness: cannot copy Gatling's report: " + e);
        }
        if (r == null || !r.passed()) {
            System.out.println("harness gate FAILED" + (r == null ? " (no verdict: the measurement did not finish)"
                    : ":\n" + r.verdict().describe()));
            System.out.flush();
            Runtime.getRuntime().halt(GATE_FAILED_STATUS);
        }
    }

    Duration maxDuration() {
        // Connect and join time as harness run allows it, the warm-up and its drain, the publishing phase, the drain,
        // and a minute's margin.
        return Measurement.readyTimeout(scenario).plus(scenario.warmup()).plus(scenario.drainTimeout())
                .plus(scenario.duration()).plus(scenario.drainTimeout()).plusSeconds(60);
    }

}
