package dev.realtimeharness.target;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the stand-in Realtime server, including the fault knobs of design/measurement.md. Every delivery of a
 * postgres_changes or broadcast frame is delayed by {@code delay} plus a uniform random [0, {@code jitter});
 * {@code dropRatio} of deliveries are dropped; from {@code stallAfter} after start, deliveries are held for
 * {@code stallFor} and then released. {@code joinErrorDelay} is the real server's CHANNEL_ERROR_BACKOFF_MS (5 s):
 * every join error reply waits that long.
 *
 * @param port 0 for a free port
 */
public record StandInConfig(int port, Duration delay, Duration jitter, double dropRatio, Duration stallAfter,
        Duration stallFor, double disconnectRatio, double rejectJoinRatio, long seed, Duration joinErrorDelay) {

    public static final Duration DEFAULT_JOIN_ERROR_DELAY = Duration.ofSeconds(5);

    public StandInConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(stallAfter, "stallAfter");
        Objects.requireNonNull(stallFor, "stallFor");
        Objects.requireNonNull(joinErrorDelay, "joinErrorDelay");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("target.embedded.port must be 0..65535, was " + port);
        }
        nonNegative("delay", delay);
        nonNegative("jitter", jitter);
        nonNegative("stallAfter", stallAfter);
        nonNegative("stallFor", stallFor);
        nonNegative("joinErrorDelay", joinErrorDelay);
        ratio("dropRatio", dropRatio);
        ratio("disconnectRatio", disconnectRatio);
        ratio("rejectJoinRatio", rejectJoinRatio);
    }

    /** No faults, a free port, the real server's 5 s join-error delay. */
    public static StandInConfig defaults() {
        return new StandInConfig(0, Duration.ZERO, Duration.ZERO, 0.0, Duration.ZERO, Duration.ZERO, 0.0, 0.0, 1L,
                DEFAULT_JOIN_ERROR_DELAY);
    }

    public StandInConfig withPort(int p) {
        return new StandInConfig(p, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio,
                seed, joinErrorDelay);
    }

    public StandInConfig withDelay(Duration d, Duration j) {
        return new StandInConfig(port, d, j, dropRatio, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay);
    }

    public StandInConfig withDropRatio(double r) {
        return new StandInConfig(port, delay, jitter, r, stallAfter, stallFor, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay);
    }

    public StandInConfig withStall(Duration after, Duration length) {
        return new StandInConfig(port, delay, jitter, dropRatio, after, length, disconnectRatio, rejectJoinRatio, seed,
                joinErrorDelay);
    }

    public StandInConfig withRejectJoinRatio(double r) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio, r, seed,
                joinErrorDelay);
    }

    public StandInConfig withJoinErrorDelay(Duration d) {
        return new StandInConfig(port, delay, jitter, dropRatio, stallAfter, stallFor, disconnectRatio,
                rejectJoinRatio, seed, d);
    }

    public boolean stallEnabled() {
        return !stallFor.isZero();
    }

    private static void nonNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("target.embedded." + name + " must not be negative, was " + d);
        }
    }

    private static void ratio(String name, double r) {
        if (!(r >= 0.0 && r <= 1.0)) {
            throw new IllegalArgumentException("target.embedded." + name + " must be within 0.0..1.0, was " + r);
        }
    }
}
