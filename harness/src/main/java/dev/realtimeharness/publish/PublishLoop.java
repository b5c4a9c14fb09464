package dev.realtimeharness.publish;

import java.util.concurrent.locks.LockSupport;

/**
 * The publish thread: walks the open-model schedule and, at each due time, registers the probe (so the ledger knows
 * it before any delivery can arrive) and hands it to the publisher. It never waits for the target.
 */
public final class PublishLoop implements Runnable {

    /** Registers a probe before it is sent; returns false to skip it (e.g. its driver has no ready channel). */
    public interface Registrar {
        boolean register(Probe probe);
    }

    private final OpenModelSchedule schedule;
    private final long maxMessages;
    private final long endNanos;
    private final int drivers;
    private final int shard;
    private final int shards;
    private final String runId;
    private final Registrar registrar;
    private final Publisher publisher;
    private final Publisher.Outcome outcome;
    private volatile boolean stopped;
    private volatile long scheduled;
    private volatile long skipped;

    public PublishLoop(OpenModelSchedule schedule, long maxMessages, long endNanos, int drivers, String runId,
            Registrar registrar, Publisher publisher, Publisher.Outcome outcome) {
        this(schedule, maxMessages, endNanos, drivers, 0, 1, runId, registrar, publisher, outcome);
    }

    /**
     * Shard {@code shard} of {@code shards} of a run with {@code drivers} drivers in all: it walks the whole run's
     * schedule (the whole rate and {@code maxMessages}) and publishes only the probes whose driver
     * ({@code seq mod drivers}) is its own ({@code driver mod shards == shard}), as its local driver
     * ({@code driver / shards}); so the shards together publish exactly the unsharded run's probes, at the same
     * offsets from t0, whatever the boundary of the window.
     */
    public PublishLoop(OpenModelSchedule schedule, long maxMessages, long endNanos, int drivers, int shard, int shards,
            String runId, Registrar registrar, Publisher publisher, Publisher.Outcome outcome) {
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + "/" + shards);
        }
        this.schedule = schedule;
        this.maxMessages = maxMessages;
        this.endNanos = endNanos;
        this.drivers = drivers;
        this.shard = shard;
        this.shards = shards;
        this.runId = runId;
        this.registrar = registrar;
        this.publisher = publisher;
        this.outcome = outcome;
    }

    public void stop() {
        stopped = true;
    }

    /** Probes handed to the publisher so far. */
    public long scheduled() {
        return scheduled;
    }

    /** Probes skipped because nothing was ready to receive them. */
    public long skipped() {
        return skipped;
    }

    /**
     * Runs the loop on a daemon thread named {@code name} until its schedule ends or {@code interrupted}; then stops it
     * and waits (at most 5 s) for the thread to end.
     */
    public void runOnThread(String name, java.util.function.BooleanSupplier interrupted) throws InterruptedException {
        Thread thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
        while (thread.isAlive() && !interrupted.getAsBoolean()) {
            thread.join(100);
        }
        stop();
        thread.join(5_000);
    }

    @Override
    public void run() {
        for (long seq = 0; seq < maxMessages && !stopped; seq++) {
            int driver = (int) (seq % drivers);
            if (driver % shards != shard) {
                continue; // another shard's probe
            }
            long due = schedule.dueNanos(seq);
            if (due - endNanos >= 0) {
                break;
            }
            long wait;
            while (!stopped && (wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (stopped) {
                break;
            }
            Probe probe = new Probe(seq, Probe.id(runId, seq), driver / shards, due);
            if (!registrar.register(probe)) {
                skipped++;
                continue;
            }
            publisher.send(probe, outcome);
            scheduled++;
        }
    }
}
