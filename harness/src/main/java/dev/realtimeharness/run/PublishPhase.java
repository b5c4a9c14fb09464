package dev.realtimeharness.run;

import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.publish.OpenModelSchedule;
import dev.realtimeharness.publish.PublishLoop;
import dev.realtimeharness.publish.Publisher;
import dev.realtimeharness.scenario.Scenario;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The publishing phase of a run: the open-model schedule from t0 whatever the target does, for the scenario's
 * duration (or its message count), then the drain. Shared by {@code harness run} and {@link Measurement}.
 *
 * <p>Every probe is published and registered with everything it is owed, even when none of its driver's channels
 * is ready: the owed deliveries on channels that are down or were never ready are counted lost with that reason,
 * and the probe is still sent, so the schedule is the same whatever the target does and a channel that turns
 * out to receive it anyway shows up as {@code late}. Only a probe owed to nobody (no subscription receives it) is
 * skipped.
 */
final class PublishPhase {
    private final Scenario scenario;
    private final String runId;
    private final ProbeLedger ledger;
    private final Expectations expectations;
    private final LongAdder publishFailures;
    private final LatencyRecorders recorders;
    private final long endNanos; // the window's end when nothing came between begin and publishing
    private boolean fromT0; // the window is [t0, t0 + duration) (after a warm-up or a common start)
    private final AtomicLong lastSendNanos = new AtomicLong(System.nanoTime());
    private PublishLoop loop;

    private PublishPhase(Scenario scenario, String runId, ProbeLedger ledger, Expectations expectations,
            LongAdder publishFailures, LatencyRecorders recorders) {
        this.scenario = scenario;
        this.runId = runId;
        this.ledger = ledger;
        this.expectations = expectations;
        this.publishFailures = publishFailures;
        this.recorders = recorders;
        this.endNanos = System.nanoTime() + scenario.duration().toNanos();
    }

    /** The duration counts from now: call it before opening the publisher, as its connection time is included. */
    static PublishPhase begin(Scenario scenario, String runId, ProbeLedger ledger, Expectations expectations,
            LongAdder publishFailures, LatencyRecorders recorders) {
        return new PublishPhase(scenario, runId, ledger, expectations, publishFailures, recorders);
    }

    /**
     * After a warm-up or a wait for {@code --start-at} of {@code nanos} together (0: neither), the publisher is open,
     * so the measured publishing lasts the whole duration from its t0; without either, the duration still counts from
     * {@link #begin} (the publisher's opening included), as it always has.
     */
    void afterWarmUp(long nanos) {
        fromT0 = nanos > 0;
    }

    /** Publishes on its own thread until the schedule ends or {@code interrupted}; returns when it has stopped. */
    void publish(Publisher publisher, BooleanSupplier interrupted) throws InterruptedException {
        Publisher.Outcome outcome = new LedgerOutcome(ledger, (probe, sendNanos) -> {
            // The harness's own lag behind its schedule: large values mean the publisher, not the target, delayed
            // the probes (their due-time latency includes it).
            recorders.recordNanos(Metric.PUBLISH_LAG, sendNanos - probe.dueNanos());
            lastSendNanos.accumulateAndGet(sendNanos, Math::max);
        }, publishFailures::increment);
        long t0 = System.nanoTime() + 50_000_000L;
        // After a warm-up or a common start the window is exactly [t0, t0 + duration): which probes fall in it then
        // depends only on the rate and the duration, the same in every process (a shard and an unsharded run agree).
        long end = fromT0 ? t0 + scenario.duration().toNanos() : endNanos;
        // A shard walks the whole run's schedule and publishes its own drivers' probes (see PublishLoop).
        Scenario whole = scenario.whole();
        long maxMessages = whole.publish().messages() != null ? whole.publish().messages() : Long.MAX_VALUE;
        int shard = scenario.shard() == null ? 0 : scenario.shard().index();
        int shards = scenario.shard() == null ? 1 : scenario.shard().count();
        loop = new PublishLoop(new OpenModelSchedule(t0, whole.publish().rate().perSecond()), maxMessages,
                end, whole.drivers(), shard, shards, runId, probe -> {
                    Expectations.Owed owed = expectations.owedFor(probe.driver());
                    if (owed.total() == 0) {
                        return false;
                    }
                    ledger.register(probe.seq(), probe.dueNanos(), owed.ready(), owed.down(), owed.neverReady());
                    return true;
                }, publisher, outcome);
        loop.runOnThread("publish", interrupted);
    }

    /** Probes not published because no subscription receives them. */
    long skipped() {
        return loop == null ? 0 : loop.skipped();
    }

    /** Waits for the last deliveries, at most drainTimeout after the last send. */
    void drain(BooleanSupplier interrupted) {
        long drain = scenario.drainTimeout().toNanos();
        while (!interrupted.getAsBoolean() && ledger.pending() > 0
                && System.nanoTime() - (lastSendNanos.get() + drain) < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
