package dev.realtimeharness.run;

import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.scenario.PublishVia;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish phase on a thread of its own, for a load driven by someone else (the Gatling simulation): waits for
 * the subscriptions, publishes, drains; {@link #running()} turns false when the drain is over. For
 * {@code publish.via: broadcast} it opens the harness's dispatcher pool (the publisher's sockets, not the
 * drivers') on an event loop of its own, as {@code harness run} does, and closes them after the drain.
 */
final class PublishThread {
    private static final Logger log = LoggerFactory.getLogger(PublishThread.class);

    private final Measurement measurement;
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile boolean stopping;
    private Thread thread;

    PublishThread(Measurement measurement) {
        this.measurement = measurement;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "publish-phase");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        EventLoopGroup group = null;
        Dispatchers dispatchers = null;
        try {
            if (measurement.scenario().publish().via() == PublishVia.BROADCAST) {
                group = EventLoops.newGroup(1, "dispatch");
                dispatchers = Dispatchers.start(measurement, group);
            }
            measurement.awaitReady(() -> stopping, dispatchers);
            if (!stopping) {
                measurement.publishAndDrain(() -> stopping, dispatchers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("publishing failed", e);
            measurement.out().println("harness: publishing failed: " + e);
        } finally {
            if (dispatchers != null) {
                dispatchers.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            drained.countDown();
        }
    }

    /** True until publishing and its drain are over (also before it started). */
    boolean running() {
        return drained.getCount() > 0;
    }

    boolean awaitDrained(Duration timeout) throws InterruptedException {
        return drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopping = true;
    }

    /** Stops publishing if it still runs and waits (at most 10 s) for the thread to end. */
    void stopAndJoin() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && drained.getCount() > 0) {
            stopping = true;
        }
        if (t != null) {
            t.join(10_000);
        }
    }
}
