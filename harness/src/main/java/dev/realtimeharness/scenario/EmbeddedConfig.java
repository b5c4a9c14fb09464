package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Fault knobs of the embedded stand-in server (see design/measurement.md). Durations are non-negative,
 * ratios are in [0, 1]; all zero means a well-behaved server.
 */
public record EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
        Duration stallFor, double disconnectRatio, double rejectJoinRatio) {

    public EmbeddedConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallAfter, "stallAfter");
        Objects.requireNonNull(stallFor, "stallFor");
    }

    public static EmbeddedConfig none() {
        return new EmbeddedConfig(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, 0, 0);
    }
}
