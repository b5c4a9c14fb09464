package dev.realtimeharness.standin;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The server's client presence limit: at most {@value #CLIENT_PRESENCE_MAX_CALLS} presence calls in a sliding
 * {@value #CLIENT_PRESENCE_WINDOW_MS} ms window. guess: counted per socket. Confined to the socket's event loop.
 */
final class PresenceLimiter {
    /** CLIENT_PRESENCE_MAX_CALLS and CLIENT_PRESENCE_WINDOW_MS, the server's defaults. */
    static final int CLIENT_PRESENCE_MAX_CALLS = 5;
    static final long CLIENT_PRESENCE_WINDOW_MS = 30_000;

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(CLIENT_PRESENCE_WINDOW_MS);

    // Accepted calls in the current window (nanoTime), oldest first.
    private final ArrayDeque<Long> calls = new ArrayDeque<>();

    /** Whether a call at {@code nowNanos} (System.nanoTime() scale) is allowed; an allowed call is counted. */
    boolean allow(long nowNanos) {
        while (!calls.isEmpty() && nowNanos - calls.peekFirst() >= WINDOW_NANOS) {
            calls.pollFirst();
        }
        if (calls.size() >= CLIENT_PRESENCE_MAX_CALLS) {
            return false;
        }
        calls.addLast(nowNanos);
        return true;
    }
}
