package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Fault knobs of the embedded stand-in server (see design/measurement.md). Durations are non-negative,
 * ratios are in [0, 1]; all zero means a well-behaved server. {@code limits} are the stand-in's tenant limits
 * (Supabase's self-hosted defaults unless the scenario sets them), and the two delays are how long it holds a
 * connect or join refusal before answering, as the real server does.
 *
 * <p>{@code disconnectRatio} of the sockets open at {@code disconnectAfter} are closed once, by the server, with
 * close code 1012 (the earliest-connected first, ceil(ratio × open) of them). The stand-in cannot see the publishing
 * schedule, so {@code disconnectAfter} is measured from the first postgres_changes or broadcast frame it routes to
 * a socket, i.e. from the first probe's delivery; null means halfway through publishing, resolved from the scenario
 * by {@link #resolvedFor}. {@code withholdReadyRatio} of the postgres_changes joins get an ok reply but never
 * "Subscribed to PostgreSQL" (nor changes); the n-th such join (from 0) is withheld when
 * ceil((n + 1) × ratio) > ceil(n × ratio), so ceil(N × ratio) of any first N. {@code cdc} is how changes are
 * captured: streamed (the default) or polled at Supabase's cadence ({@link CdcConfig}). {@code faults} is the fault
 * schedule ({@code target.embedded.faults}), counted from the start of publishing; the knobs above stay as shorthands.
 */
public record EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
        Duration stallFor, double disconnectRatio, double rejectJoinRatio, TargetLimits limits,
        Duration connectErrorDelay, Duration joinErrorDelay, Duration disconnectAfter, double withholdReadyRatio,
        CdcConfig cdc, List<FaultSpec> faults) {

    /** The real server delays connect errors by 2 s (CONNECT_ERROR_BACKOFF_MS) and join errors by 5 s. */
    public static final Duration DEFAULT_CONNECT_ERROR_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_JOIN_ERROR_DELAY = Duration.ofSeconds(5);

    public EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter, Duration stallFor,
            double disconnectRatio, double rejectJoinRatio) {
        this(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                TargetLimits.supabaseDefaults(), DEFAULT_CONNECT_ERROR_DELAY, DEFAULT_JOIN_ERROR_DELAY);
    }

    /** Without the accounting knobs: disconnects (if any) halfway through publishing, no readiness withheld. */
    public EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter, Duration stallFor,
            double disconnectRatio, double rejectJoinRatio, TargetLimits limits, Duration connectErrorDelay,
            Duration joinErrorDelay) {
        this(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, limits,
                connectErrorDelay, joinErrorDelay, null, 0);
    }

    /** Streaming capture ({@code cdc: stream}). */
    public EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter, Duration stallFor,
            double disconnectRatio, double rejectJoinRatio, TargetLimits limits, Duration connectErrorDelay,
            Duration joinErrorDelay, Duration disconnectAfter, double withholdReadyRatio) {
        this(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, limits,
                connectErrorDelay, joinErrorDelay, disconnectAfter, withholdReadyRatio, CdcConfig.stream());
    }

    /** Without a fault schedule. */
    public EmbeddedConfig(Duration delay, Duration jitter, double dropRatio, Duration stallAfter, Duration stallFor,
            double disconnectRatio, double rejectJoinRatio, TargetLimits limits, Duration connectErrorDelay,
            Duration joinErrorDelay, Duration disconnectAfter, double withholdReadyRatio, CdcConfig cdc) {
        this(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, limits,
                connectErrorDelay, joinErrorDelay, disconnectAfter, withholdReadyRatio, cdc, List.of());
    }

    public EmbeddedConfig {
        Objects.requireNonNull(delay, "delay");
        faults = faults == null ? List.of() : List.copyOf(faults);
        cdc = cdc == null ? CdcConfig.stream() : cdc;
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallAfter, "stallAfter");
        Objects.requireNonNull(stallFor, "stallFor");
        limits = limits == null ? TargetLimits.supabaseDefaults() : limits;
        connectErrorDelay = connectErrorDelay == null ? DEFAULT_CONNECT_ERROR_DELAY : connectErrorDelay;
        joinErrorDelay = joinErrorDelay == null ? DEFAULT_JOIN_ERROR_DELAY : joinErrorDelay;
        if (disconnectAfter != null && disconnectAfter.isNegative()) {
            throw new IllegalArgumentException("target.embedded.disconnectAfter must not be negative, was "
                    + disconnectAfter);
        }
        if (!(withholdReadyRatio >= 0 && withholdReadyRatio <= 1)) {
            throw new IllegalArgumentException("target.embedded.withholdReadyRatio must be within 0..1, was "
                    + withholdReadyRatio);
        }
    }

    public static EmbeddedConfig none() {
        return new EmbeddedConfig(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, 0, 0);
    }

    /**
     * The publishing span of a scenario as scheduled: {@code messages / rate}, at most {@code duration}; the whole
     * {@code duration} when no message count is given.
     */
    public static Duration publishingSpan(PublishConfig publish, Duration duration) {
        if (publish.messages() == null) {
            return duration;
        }
        double seconds = publish.messages() / publish.rate().perSecond();
        long nanos = seconds >= duration.toNanos() / 1e9 ? duration.toNanos() : Math.round(seconds * 1e9);
        return Duration.ofNanos(nanos);
    }

    /** This config with {@code disconnectAfter} set: as given, or half the scenario's publishing span. */
    public EmbeddedConfig resolvedFor(Scenario s) {
        if (disconnectAfter != null) {
            return this;
        }
        return new EmbeddedConfig(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                limits, connectErrorDelay, joinErrorDelay, publishingSpan(s.publish(), s.duration()).dividedBy(2),
                withholdReadyRatio, cdc, faults);
    }

    /** This config with the change capture {@code cdc}. */
    public EmbeddedConfig withCdc(CdcConfig c) {
        return new EmbeddedConfig(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                limits, connectErrorDelay, joinErrorDelay, disconnectAfter, withholdReadyRatio, c, faults);
    }

    /** This config with the tenant limits {@code l}. */
    public EmbeddedConfig withLimits(TargetLimits l) {
        return new EmbeddedConfig(delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                l, connectErrorDelay, joinErrorDelay, disconnectAfter, withholdReadyRatio, cdc, faults);
    }
}
