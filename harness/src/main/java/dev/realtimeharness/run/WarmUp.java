package dev.realtimeharness.run;

import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.publish.OpenModelSchedule;
import dev.realtimeharness.publish.Probe;
import dev.realtimeharness.publish.PublishLoop;
import dev.realtimeharness.publish.Publisher;
import dev.realtimeharness.results.WarmupStats;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The warm-up ({@code warmup:} in the scenario): before t0, unmeasured probes at the scenario's rate through the
 * same publisher, the same target and the same connections as the measured ones, so that the JIT, the pools, the
 * publisher's connections and the target are hot when the measured probes start. A cold start otherwise lands in the
 * verdict: on two cores the first seconds of publishing ran at a per-second p50 of 480-820 ms while the JVMs
 * compiled, against a steady p99 of 21-34 ms (issue 12).
 *
 * <p>Its probes carry ids of their own ({@code <runId>-warmup:<seq>}), are accounted in a ledger of their own and
 * recorded under the hlog tag {@code warmup}: none of them reaches the measured figures, the windows or the gate.
 * They are shown apart in summary.json ({@code warmup}), the report and the console. After the warm-up's last
 * probe the run waits for its deliveries (at most the scenario's drain timeout) so that they do not arrive among the
 * measured ones.
 */
final class WarmUp {
    private static final long SECOND = 1_000_000_000L;

    private final String namespace;
    private final ProbeLedger ledger;
    private final LatencyRecorders recorders;
    private volatile long startNanos;
    private volatile long endNanos;

    WarmUp(String runId, int subscriptions, LatencyRecorders recorders) {
        this.namespace = runId + "-warmup";
        this.ledger = new ProbeLedger(subscriptions);
        this.recorders = recorders;
    }

    /**
     * A frame carrying {@code probeId} reached {@code subscription}: true when it was a warm-up probe (recorded here,
     * nowhere else), false when it is not one of this run's warm-up probes.
     */
    boolean received(String probeId, int subscription, long recvNanos) {
        long seq = Probe.parseSeq(namespace, probeId);
        if (seq < 0) {
            return false;
        }
        ProbeLedger.Delivery d = ledger.recordDelivery(seq, subscription, recvNanos);
        if (d.delivered()) {
            recorders.recordNanos(Metric.WARMUP, recvNanos - d.dueNanos());
        }
        return true;
    }

    /** True for a change row of a warm-up probe (its other changes are not this run's measured ones either). */
    boolean isWarmUpProbe(String probeId) {
        return Probe.parseSeq(namespace, probeId) >= 0;
    }

    /**
     * Publishes the warm-up for {@code scenario.warmup()} at the scenario's rate, then waits for its deliveries (at
     * most the drain timeout after its last send), unless {@code stop}; returns how long it took in nanoseconds (0 at
     * once when the warm-up is 0).
     */
    long run(Scenario scenario, Publisher publisher, Expectations expectations, BooleanSupplier stop,
            PrintStream out) throws InterruptedException {
        long nanos = scenario.warmup().toNanos();
        if (nanos <= 0 || stop.getAsBoolean()) {
            return 0;
        }
        out.printf("warm-up: %s of unmeasured probes at %s (not in the verdict)%n",
                scenario.warmup().toSeconds() + " s", scenario.publish().rate().format());
        AtomicLong lastSend = new AtomicLong(System.nanoTime());
        Publisher.Outcome outcome = new LedgerOutcome(ledger,
                (probe, sendNanos) -> lastSend.accumulateAndGet(sendNanos, Math::max), () -> { });
        startNanos = System.nanoTime();
        long t0 = startNanos + 50_000_000L;
        PublishLoop loop = new PublishLoop(new OpenModelSchedule(t0, scenario.publish().rate().perSecond()),
                Long.MAX_VALUE, t0 + nanos, scenario.drivers(), namespace, probe -> {
                    Expectations.Owed owed = expectations.owedFor(probe.driver());
                    if (owed.ready().length == 0) {
                        return false; // only what can be received warms anything up
                    }
                    ledger.register(probe.seq(), probe.dueNanos(), owed.ready());
                    return true;
                }, publisher, outcome);
        loop.runOnThread("publish-warmup", stop);
        long drainUntil = lastSend.get() + scenario.drainTimeout().toNanos();
        while (!stop.getAsBoolean() && ledger.pending() > 0 && System.nanoTime() - drainUntil < 0) {
            Thread.sleep(20);
        }
        ledger.finish();
        endNanos = System.nanoTime();
        ProbeLedger.Counts c = ledger.counts();
        out.printf("warm-up over after %.1f s: %d probes, %d of %d deliveries; measuring from now%n",
                (endNanos - startNanos) / 1e9, c.published(), c.delivered(), c.expectedDeliveries());
        return endNanos - startNanos;
    }

    /** The warm-up in summary.json; null when there was none. */
    WarmupStats stats() {
        if (startNanos == 0) {
            return null;
        }
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        ProbeLedger.Counts c = ledger.counts();
        return new WarmupStats(Math.round((end - startNanos) * 1000.0 / SECOND) / 1000.0, c.published(),
                c.expectedDeliveries(), c.delivered(), c.lost(),
                dev.realtimeharness.results.Summary.LatencyStats.of(recorders.cumulative(Metric.WARMUP)));
    }
}
