package dev.realtimeharness.run;

import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.embedded.FaultInjector;
import dev.realtimeharness.results.FaultsCsv;
import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.FaultSpec;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's fault schedule ({@code target.embedded.faults}): started with publishing, applied to the embedded target by
 * a {@link FaultInjector}, and every fault, as it is applied, printed ({@code fault at 2m00s: disconnect 10% of
 * sockets (5 of 50 closed)}) and appended to faults.csv, from which report.html marks it on the latency chart. A
 * remote target gets no faults (the harness cannot reach into it), and says so. Owned by {@link Measurement}.
 */
final class FaultRun {
    private static final Logger log = LoggerFactory.getLogger(FaultRun.class);

    private final Measurement m;
    private FaultInjector injector;
    private Path file;

    FaultRun(Measurement m) {
        this.m = m;
    }

    /** Starts the schedule, counted from {@code publishStartNanos} (System.nanoTime()); nothing without one. */
    synchronized void start(long publishStartNanos) {
        Scenario s = m.scenario();
        List<FaultSpec> schedule = s.target().embedded().faults();
        if (schedule.isEmpty() || injector != null) {
            return;
        }
        PrintStream out = m.out();
        m.progress().finishLine();
        EmbeddedTarget target = m.target().embedded();
        if (target == null) {
            out.println("target.embedded.faults: not applied, the target is not the embedded one");
            return;
        }
        // The file's check refuses faults beyond `duration`; --duration or a message count can end publishing sooner.
        Duration span = EmbeddedConfig.publishingSpan(s.publish(), s.duration());
        for (FaultSpec f : FaultInjector.beyond(schedule, span)) {
            out.printf("fault %s %s %s will not fire: publishing ends after %s%n", f.describe(),
                    f.at() != null ? "at" : "every", Durations.format(f.first()), Durations.format(span));
        }
        file = m.directory().file(FaultsCsv.FILE);
        if (!m.instruments().writes.attempt(FaultsCsv.FILE, () -> FaultsCsv.create(file))) {
            return;
        }
        out.printf("fault schedule: %d entries from the start of publishing, each logged here and in %s%n",
                schedule.size(), FaultsCsv.FILE);
        // An early stop (gate.abortOnFail) ends publishing: its drain gets no more faults.
        injector = FaultInjector.start(target, schedule, publishStartNanos, span, () -> !m.gateWatch().stopping(),
                this::applied);
    }

    // On the injector's threads, one fault at a time.
    private synchronized void applied(FaultInjector.Applied a) {
        m.progress().finishLine();
        m.out().println(a.line());
        FaultSpec f = a.fault();
        FaultsCsv.Row row = new FaultsCsv.Row(a.at().toNanos() / 1e9, a.time(), f.kind().key(), f.value(),
                f.window() == null ? null : f.window().toNanos() / 1e9, f.describe(), a.outcome());
        m.instruments().writes.attempt(FaultsCsv.FILE, () -> FaultsCsv.append(file, row));
        if (a.outcome().contains("STOPPED") || a.outcome().startsWith("FAILED")) {
            log.warn("{}", a.line());
        }
    }

    /** Stops applying faults. */
    synchronized void close() {
        if (injector != null) {
            injector.close();
        }
    }
}
