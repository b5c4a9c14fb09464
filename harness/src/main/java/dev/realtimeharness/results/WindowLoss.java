package dev.realtimeharness.results;

import dev.realtimeharness.metrics.LostReason;

/**
 * The deliveries owed by the probes due in one window ({@code gate.window}) and those lost, by reason: what a
 * window's loss checks were judged on, kept in summary.json so that {@code harness merge} can add the shards' windows
 * exactly (loss is by the second a probe was due, which no other file of a run records). Absent in summaries written
 * before it existed.
 */
public record WindowLoss(long expected, Summary.Messages.LostByReason lostByReason) {

    /** Every reason's count, in {@link LostReason} order. */
    public static WindowLoss of(long expected, long[] lostByReasonOrdinal) {
        return new WindowLoss(expected, new Summary.Messages.LostByReason(
                lostByReasonOrdinal[LostReason.IN_FLIGHT.ordinal()],
                lostByReasonOrdinal[LostReason.CHANNEL_DOWN.ordinal()],
                lostByReasonOrdinal[LostReason.NEVER_READY.ordinal()],
                lostByReasonOrdinal[LostReason.PUBLISH_FAILED.ordinal()]));
    }

    public long lost() {
        return lostByReason.inFlight() + lostByReason.channelDown() + lostByReason.neverReady()
                + lostByReason.publishFailed();
    }

    public long lost(LostReason reason) {
        return switch (reason) {
            case IN_FLIGHT -> lostByReason.inFlight();
            case CHANNEL_DOWN -> lostByReason.channelDown();
            case NEVER_READY -> lostByReason.neverReady();
            case PUBLISH_FAILED -> lostByReason.publishFailed();
        };
    }

    /** This window's and {@code other}'s, added (the same window of two shards). */
    public WindowLoss plus(WindowLoss other) {
        Summary.Messages.LostByReason a = lostByReason;
        Summary.Messages.LostByReason b = other.lostByReason;
        return new WindowLoss(expected + other.expected, new Summary.Messages.LostByReason(
                a.inFlight() + b.inFlight(), a.channelDown() + b.channelDown(), a.neverReady() + b.neverReady(),
                a.publishFailed() + b.publishFailed()));
    }

    public static final WindowLoss NONE = new WindowLoss(0, new Summary.Messages.LostByReason(0, 0, 0, 0));
}
