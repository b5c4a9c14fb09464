package dev.realtimeharness.client;

/** realtime-js's retry schedules (design/protocol.md §11). */
public final class Backoff {
    private static final long[] RECONNECT_MS = {1000, 2000, 5000, 10000};
    private static final long[] REJOIN_MS = {1000, 2000, 5000};
    private static final long FALLBACK_MS = 10000;

    private Backoff() {
    }

    /** Socket reconnect: 1, 2, 5, 10 s, then 10 s (RealtimeClient RECONNECT_INTERVALS). */
    public static long reconnectMillis(int tries) {
        return tries >= 1 && tries <= RECONNECT_MS.length ? RECONNECT_MS[tries - 1] : FALLBACK_MS;
    }

    /** Channel rejoin: phoenix.js's default 1, 2, 5 s, then 10 s. */
    public static long rejoinMillis(int tries) {
        return tries >= 1 && tries <= REJOIN_MS.length ? REJOIN_MS[tries - 1] : FALLBACK_MS;
    }
}
