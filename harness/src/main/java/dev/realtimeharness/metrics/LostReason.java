package dev.realtimeharness.metrics;

/**
 * Why an expected delivery was lost ({@link ProbeLedger}); {@link #jsonName()} is its key in summary.json
 * ({@code messages.lostByReason}) and in gate keys.
 */
public enum LostReason {
    /** Expected on a ready subscription, not received within drainTimeout of the send (or by the end). */
    IN_FLIGHT("inFlight"),
    /** The subscription had been ready but was down (closed, errored, rejoining) when the probe was due. */
    CHANNEL_DOWN("channelDown"),
    /** The subscription had never been ready when the probe was due. */
    NEVER_READY("neverReady"),
    /** The probe's publish failed: nothing was sent. */
    PUBLISH_FAILED("publishFailed");

    private final String jsonName;

    LostReason(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The reason whose summary.json name is {@code name}; IllegalArgumentException for another. */
    public static LostReason ofJsonName(String name) {
        for (LostReason r : values()) {
            if (r.jsonName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no lost reason '" + name + "'");
    }
}
