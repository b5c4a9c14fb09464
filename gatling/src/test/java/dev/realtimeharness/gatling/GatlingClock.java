package dev.realtimeharness.gatling;

/**
 * Converts the receive timestamps Gatling puts on inbound WebSocket frames into the harness's
 * {@link System#nanoTime()} scale.
 *
 * <p>Gatling 3.16 stamps a frame in its Netty listener (WsListener.onTextFrame, right after decoding the frame's
 * UTF-8), with its clock's {@code nowMillis()}: a wall-clock reference taken at start plus elapsed
 * {@code nanoTime}, truncated to the millisecond. That is the earliest a simulation can know about a frame (the
 * unmatched-message callback runs later, when the virtual user's next action processes its buffer). This class
 * takes its own reference pair at a millisecond edge of the wall clock, so a stamp maps back to nanoTime within
 * about ±1 ms: the truncation of the stamp and of Gatling's own reference, each less than 1 ms, half a millisecond
 * each on average, which {@link #recvNanos} adds back. The harness's own client takes nanoTime in its Netty handler
 * before parsing: microsecond-accurate.
 */
final class GatlingClock {
    private static final long MILLI = 1_000_000L;
    /** The mean truncation of Gatling's stamp and of its reference: 0.5 ms each. */
    private static final long MEAN_TRUNCATION_NANOS = MILLI;

    private final long referenceMillis;
    private final long referenceNanos;

    private GatlingClock(long referenceMillis, long referenceNanos) {
        this.referenceMillis = referenceMillis;
        this.referenceNanos = referenceNanos;
    }

    /** Spins (at most 1 ms) until the wall clock ticks, so the reference pair has no truncation of its own. */
    static GatlingClock calibrate() {
        long start = System.currentTimeMillis();
        long millis;
        long nanos;
        do {
            millis = System.currentTimeMillis();
            nanos = System.nanoTime();
        } while (millis == start);
        return new GatlingClock(millis, nanos);
    }

    /** The nanoTime at which a frame stamped {@code gatlingMillis} arrived. */
    long recvNanos(long gatlingMillis) {
        return referenceNanos + (gatlingMillis - referenceMillis) * MILLI + MEAN_TRUNCATION_NANOS;
    }
}
