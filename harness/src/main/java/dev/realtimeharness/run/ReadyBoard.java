package dev.realtimeharness.run;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which subscriptions can receive right now. Written by event loops (ready / closed), read by the publish thread
 * when it decides where a probe is expected: probes are due only for ready subscriptions (measurement.md).
 */
final class ReadyBoard {
    private final AtomicIntegerArray ready;
    private final AtomicIntegerArray refused;
    private final int channelsPerDriver;

    ReadyBoard(int drivers, int channelsPerDriver) {
        this.ready = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.refused = new AtomicIntegerArray(drivers * channelsPerDriver);
        this.channelsPerDriver = channelsPerDriver;
    }

    /** Returns true when the subscription was not ready before. */
    boolean markReady(int subscription) {
        return ready.getAndSet(subscription, 1) == 0;
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
