package dev.realtimeharness.protocol;

/**
 * One ref counter per socket, as phoenix.js's {@code makeRef()}: {@code (++ref).toString()}, wrapping to 0. Not
 * thread-safe: a socket's refs are made on its event loop.
 */
public final class RefCounter {
    private long ref;

    public RefCounter() {
        this(0);
    }

    public RefCounter(long start) {
        this.ref = start;
    }

    public String next() {
        ref = ref == Long.MAX_VALUE ? 0 : ref + 1;
        return Long.toString(ref);
    }
}
