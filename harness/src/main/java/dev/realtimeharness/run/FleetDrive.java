package dev.realtimeharness.run;

import dev.realtimeharness.client.Fleet;
import dev.realtimeharness.protocol.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import dev.realtimeharness.scenario.PublishVia;
import java.io.PrintStream;
import java.util.Collection;
import java.util.function.BooleanSupplier;

/**
 * {@code harness run}'s load: the harness's own client fleet (and, for {@code publish.via: broadcast}, the
 * dispatcher connections) driven through a {@link Measurement}: connect and join, wait for readiness, publish,
 * drain, finish.
 */
final class FleetDrive {
    private static final long SECOND = 1_000_000_000L;

    private FleetDrive() {
    }

    /** Drives the whole run; the measurement is finished (or its unmeasured results written) when this returns. */
    static Outcome drive(Measurement m, BooleanSupplier interrupted, PrintStream err)
            throws InterruptedException, java.sql.SQLException {
        Instruments in = m.instruments();
        Dispatchers dispatchers = null;
        // One event-loop group for every connection of the run (drivers and dispatchers), shut down here.
        EventLoopGroup group = EventLoops.newGroup(Fleet.eventLoopThreads(m.fleetConfig()), "fleet");
        try (Fleet fleet = new Fleet(m.fleetConfig(), m.drivers(), m.listener(), m.ssl(), group)) {
            fleet.start();
            if (m.scenario().publish().via() == PublishVia.BROADCAST) {
                dispatchers = Dispatchers.start(m, group); // the publisher's pool, not drivers
            }
            m.awaitReady(interrupted, dispatchers);
            if (in.counters.connectionsSucceeded() == 0) {
                err.println("harness: every connection failed (" + in.counters.connectionsFailed() + " attempts):");
                m.runListener().connectFailures.entrySet().stream()
                        .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                        .forEach(e -> err.printf("  %6d x %s%n", e.getValue().sum(), e.getKey()));
                m.finishUnmeasured();
                return Outcome.NOT_RUN;
            }
            // How long received frames wait for these loops while probes are delivered: part of the harness's own
            // verdict (harness.saturated). Not before: connecting and joining load classes and compile code on the
            // loops (tens of ms, once), which the connect and join latencies report.
            in.loopLag.start(group);
            try {
                m.publishAndDrain(interrupted, dispatchers); // --start-at, --ready-dir: every shard from then
            } catch (CommonStart.NoCommonStart e) {
                // Nothing measured: the results say so (no verdict), and harness merge refuses this shard.
                err.println("harness: " + e.getMessage());
                m.finishUnmeasured();
                return Outcome.NOT_RUN;
            }
            Measurement.Result result = m.finish();
            if (in.writes.failed()) {
                err.println("harness: the run did not count: " + in.writes.failure());
                return Outcome.NOT_RUN;
            }
            return interrupted.getAsBoolean() ? Outcome.INTERRUPTED
                    : result.passed() ? Outcome.PASSED : Outcome.GATE_FAILED;
        } finally {
            if (dispatchers != null) {
                dispatchers.close();
            }
            in.loopLag.stop();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Every failed attempt so far and none succeeded: after ~15 s the target is taken as unreachable; at once when
     * every driver has been refused and every refusal is an HTTP 4xx (bad key, expired token, tenant unknown, limits),
     * which retrying will not change.
     */
    static boolean noConnectionWillSucceed(long succeeded, long failed, int drivers, long elapsedNanos,
            Collection<String> reasons) {
        if (succeeded > 0 || failed < drivers) {
            return false;
        }
        if (elapsedNanos > 15 * SECOND) {
            return true;
        }
        return !reasons.isEmpty() && reasons.stream().allMatch(r -> r.matches("HTTP 4\\d\\d.*"));
    }
}
