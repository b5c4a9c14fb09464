package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Fault knobs of the embedded stand-in server (see design/measurement.md). Durations are non-negative,
 * ratios are in [0, 1]; all zero means a well-behaved server. {@code limits} are the stand-in's tenant limits
 * (Supabase's self-hosted defaults unless the scenario sets them), and the two delays are how long it holds a
 * connect or join refusal before answering, as the real server does.
 */
public record EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
        Duration stallFor, double disconnectRatio, double rejectJoinRatio, TargetLimits limits,
        Duration connectErrorDelay, Duration joinErrorDelay) {

    /** The real server delays connect errors by 2 s (CONNECT_ERROR_BACKOFF_MS) and join errors by 5 s. */
    public static final Duration DEFAULT_CONNECT_ERROR_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_JOIN_ERROR_DELAY = Duration.ofSeconds(5);

    public EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter, Duration stallFor,
            double disconnectRatio, double rejectJoinRatio) {
        this(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                TargetLimits.supabaseDefaults(), DEFAULT_CONNECT_ERROR_DELAY, DEFAULT_JOIN_ERROR_DELAY);
    }

    public EmbeddedConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallAfter, "stallAfter");
        Objects.requireNonNull(stallFor, "stallFor");
        limits = limits == null ? TargetLimits.supabaseDefaults() : limits;
        connectErrorDelay = connectErrorDelay == null ? DEFAULT_CONNECT_ERROR_DELAY : connectErrorDelay;
        joinErrorDelay = joinErrorDelay == null ? DEFAULT_JOIN_ERROR_DELAY : joinErrorDelay;
    }

    public static EmbeddedConfig none() {
        return new EmbeddedConfig(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, 0, 0);
    }
}
