package dev.realtimeharness.run;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which subscriptions can receive right now, and which ever could. Written by event loops (joined / ready / closed),
 * read by the publish thread when it decides how each owed delivery of a probe starts: pending on a ready
 * subscription, lost at once on one that is down (ready before) or was never ready (measurement.md, "Readiness").
 */
final class ReadyBoard {
    private final AtomicIntegerArray ready;
    private final AtomicIntegerArray refused;
    private final AtomicIntegerArray everReady;
    private final AtomicIntegerArray everJoined;
    private final AtomicIntegerArray everAttempted;
    private final int channelsPerDriver;

    ReadyBoard(int drivers, int channelsPerDriver) {
        this.ready = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.refused = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.everReady = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.everJoined = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.everAttempted = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.channelsPerDriver = channelsPerDriver;
    }

    /** Returns true when the subscription was not ready before. */
    boolean markReady(int subscription) {
        return ready.getAndSet(subscription, 1) == 0;
    }

    /** Returns true the first time the subscription is ready in this run (for {@code channels.ready}). */
    boolean markEverReady(int subscription) {
        return everReady.getAndSet(subscription, 1) == 0;
    }

    /** Returns true when the subscription had been joined before: this join is a rejoin. */
    boolean markJoined(int subscription) {
        return everJoined.getAndSet(subscription, 1) == 1;
    }

    /** Returns true when a join of the subscription had been sent before: this one is a rejoin attempt. */
    boolean markAttempted(int subscription) {
        return everAttempted.getAndSet(subscription, 1) == 1;
    }

    boolean wasEverReady(int subscription) {
        return everReady.get(subscription) == 1;
    }

    int size() {
        return ready.length();
    }

    int channelsPerDriver() {
        return channelsPerDriver;
    }

    /** Returns true when the subscription was ready before. */
    boolean markClosed(int subscription) {
        return ready.getAndSet(subscription, 0) == 1;
    }

    /** A join of this subscription was refused or timed out at least once. */
    void markRefused(int subscription) {
        refused.set(subscription, 1);
    }

    /** Subscriptions that are ready, or not ready but refused at least once: nothing more to wait for. */
    int settledCount() {
        int n = 0;
        for (int i = 0; i < ready.length(); i++) {
            n += ready.get(i) == 1 || refused.get(i) == 1 ? 1 : 0;
        }
        return n;
    }

    boolean isReady(int subscription) {
        return ready.get(subscription) == 1;
    }

    int readyCount() {
        int n = 0;
        for (int i = 0; i < ready.length(); i++) {
            n += ready.get(i);
        }
        return n;
    }

    /** The ready subscriptions of one driver. */
    int[] readyOf(int driver) {
        int base = driver * channelsPerDriver;
        int n = 0;
        int[] tmp = new int[channelsPerDriver];
        for (int c = 0; c < channelsPerDriver; c++) {
            if (ready.get(base + c) == 1) {
                tmp[n++] = base + c;
            }
        }
        return java.util.Arrays.copyOf(tmp, n);
    }

    /** Every ready subscription. */
    int[] readyAll() {
        int[] tmp = new int[ready.length()];
        int n = 0;
        for (int i = 0; i < ready.length(); i++) {
            if (ready.get(i) == 1) {
                tmp[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(tmp, n);
    }
}
