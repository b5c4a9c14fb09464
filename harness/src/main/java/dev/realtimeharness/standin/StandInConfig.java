package dev.realtimeharness.standin;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the stand-in Realtime server, including the fault knobs of design/measurement.md. Every delivery of a
 * postgres_changes or broadcast frame is delayed by {@code delay} plus a uniform random [0, {@code jitter});
 * {@code dropRatio} of deliveries are dropped; from {@code stallAfter} after start, deliveries are held for
 * {@code stallFor} and then released. {@code joinErrorDelay} is the real server's CHANNEL_ERROR_BACKOFF_MS (5 s):
 * every join error reply waits that long. {@code disconnectRatio} of the sockets open {@code disconnectAfter} the
 * first postgres_changes or broadcast delivery are closed once, with 1012 ({@link Disconnects});
 * {@code withholdReadyRatio} of the postgres_changes joins get their ok reply but never "Subscribed to PostgreSQL",
 * and no changes ({@link ReadyWithholding}).
 *
 * @param port 0 for a free port
 * @param jwtSecret the tenant's HS256 JWT secret; null accepts any apikey and any channel token unchecked
 * @param connectErrorDelay the real server's CONNECT_ERROR_BACKOFF_MS (2 s): every refused connect waits this long
 * @param limits the tenant limits (protocol.md §9)
 * @param rateTick the rate counters' tick (the server's 5 s); shorter in tests
 * @param tokenCheckInterval the longest wait between checks of a joined channel's token (the server's 5 min)
 */
public record StandInConfig(int port, Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
        Duration stallFor, double disconnectRatio, double rejectJoinRatio, long seed, Duration joinErrorDelay,
        String jwtSecret, Duration connectErrorDelay, StandInLimits limits, Duration rateTick,
        Duration tokenCheckInterval, Duration disconnectAfter, double withholdReadyRatio) {

    public static final Duration DEFAULT_JOIN_ERROR_DELAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_ERROR_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TOKEN_CHECK_INTERVAL = Duration.ofMinutes(5);

    public StandInConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallAfter, "stallAfter");
        Objects.requireNonNull(stallFor, "stallFor");
        Objects.requireNonNull(joinErrorDelay, "joinErrorDelay");
        Objects.requireNonNull(connectErrorDelay, "connectErrorDelay");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(rateTick, "rateTick");
        Objects.requireNonNull(tokenCheckInterval, "tokenCheckInterval");
        Objects.requireNonNull(disconnectAfter, "disconnectAfter");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("target.embedded.port must be 0..65535, was " + port);
        }
        nonNegative("delay", delay);
        nonNegative("jitter", jitter);
        nonNegative("stallAfter", stallAfter);
        nonNegative("stallFor", stallFor);
        nonNegative("joinErrorDelay", joinErrorDelay);
        nonNegative("connectErrorDelay", connectErrorDelay);
        nonNegative("disconnectAfter", disconnectAfter);
        positive("rateTick", rateTick);
        positive("tokenCheckInterval", tokenCheckInterval);
        ratio("dropRatio", dropRatio);
        ratio("disconnectRatio", disconnectRatio);
        ratio("rejectJoinRatio", rejectJoinRatio);
        ratio("withholdReadyRatio", withholdReadyRatio);
        if (jwtSecret != null && jwtSecret.isEmpty()) {
            throw new IllegalArgumentException("target.embedded.jwtSecret must not be empty (null disables auth)");
        }
    }

    /** The settings before auth and limits existed: no JWT check, the default limits. */
    public StandInConfig(int port, Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
            Duration stallFor, double disconnectRatio, double rejectJoinRatio, long seed, Duration joinErrorDelay) {
        this(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay, null, DEFAULT_CONNECT_ERROR_DELAY, StandInLimits.defaults(),
                RateCounter.DEFAULT_TICK, DEFAULT_TOKEN_CHECK_INTERVAL, Duration.ZERO, 0.0);
    }

    /**
     * No faults, a free port, no JWT check, the real server's delays (2 s connect error, 5 s join error), the
     * self-hosted default limits, the 5 s rate tick and the 5 min token check.
     */
    public static StandInConfig defaults() {
        return new StandInConfig(0, Duration.ZERO, Duration.ZERO, 0.0, Duration.ZERO, Duration.ZERO, 0.0, 0.0, 1L,
                DEFAULT_JOIN_ERROR_DELAY);
    }

    public StandInConfig withPort(int p) {
        return new StandInConfig(p, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                seed, joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withDelay(Duration d, Duration j) {
        return new StandInConfig(port, d, j, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withDropRatio(double r) {
        return new StandInConfig(port, delay, jitter, r, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withStall(Duration after, Duration length) {
        return new StandInConfig(port, delay, jitter, dropRatio, after, length, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withRejectJoinRatio(double r) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, r, seed,
                joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withJoinErrorDelay(Duration d) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, d, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    /** Verifies apikeys and channel tokens with this HS256 secret; null turns the checks off. */
    public StandInConfig withJwtSecret(String secret) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, secret, connectErrorDelay, limits, rateTick,
                tokenCheckInterval, disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withConnectErrorDelay(Duration d) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, jwtSecret, d, limits, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withLimits(StandInLimits l) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, jwtSecret, connectErrorDelay, l, rateTick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withRateTick(Duration tick) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, jwtSecret, connectErrorDelay, limits, tick, tokenCheckInterval,
                disconnectAfter, withholdReadyRatio);
    }

    public StandInConfig withTokenCheckInterval(Duration interval) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, interval,
                disconnectAfter, withholdReadyRatio);
    }

    /**
     * Closes {@code ratio} of the sockets open {@code after} the first postgres_changes or broadcast delivery, once
     * (see {@link Disconnects}).
     */
    public StandInConfig withDisconnect(double ratio, Duration after) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, ratio, rejectJoinRatio, seed,
                joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick, tokenCheckInterval, after,
                withholdReadyRatio);
    }

    /** {@code ratio} of postgres_changes joins never get "Subscribed to PostgreSQL" (see {@link ReadyWithholding}). */
    public StandInConfig withWithholdReadyRatio(double ratio) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, joinErrorDelay, jwtSecret, connectErrorDelay, limits, rateTick,
                tokenCheckInterval, disconnectAfter, ratio);
    }

    public boolean stallEnabled() {
        return !stallFor.isZero();
    }

    public boolean authEnabled() {
        return jwtSecret != null;
    }

    @Override
    public String toString() {
        // The secret stays out of logs.
        return "StandInConfig[port=" + port + ", delay=" + delay + ", jitter=" + jitter + ", dropRatio=" + dropRatio
                + ", stallAfter=" + stallAfter + ", stallFor=" + stallFor + ", disconnectRatio=" + disconnectRatio
                + ", rejectJoinRatio=" + rejectJoinRatio + ", seed=" + seed + ", joinErrorDelay=" + joinErrorDelay
                + ", jwtSecret=" + (jwtSecret == null ? "none" : "***") + ", connectErrorDelay=" + connectErrorDelay
                + ", limits=" + limits + ", rateTick=" + rateTick + ", tokenCheckInterval=" + tokenCheckInterval
                + ", disconnectAfter=" + disconnectAfter + ", withholdReadyRatio=" + withholdReadyRatio + "]";
    }

    private static void nonNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("target.embedded." + name + " must not be negative, was " + d);
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("target.embedded." + name + " must be positive, was " + d);
        }
    }

    private static void ratio(String name, double r) {
        if (!(r >= 0.0 && r <= 1.0)) {
            throw new IllegalArgumentException("target.embedded." + name + " must be within 0.0..1.0, was " + r);
        }
    }
}
