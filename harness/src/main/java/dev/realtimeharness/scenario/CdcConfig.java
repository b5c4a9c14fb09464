package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the embedded target reads committed changes ({@code target.embedded.cdc} and {@code target.embedded.poll}).
 *
 * <p>{@link Mode#STREAM} (the default) streams them over logical replication as they commit: the floor of the
 * harness's own measurement. {@link Mode#POLL} reads them the way Supabase's replication poller does
 * (protocol.md §5, server {@code replication_poller.ex}): a temporary logical slot read with SQL at most
 * {@code maxChanges} changes a poll; after a poll that delivered changes it polls again at once, after one whose
 * changes had no subscriber after {@code interval} plus 50-100 ms of jitter, after an empty one after
 * {@code interval × idleMultiplier}. A postgres_changes join gets "Subscribed to PostgreSQL" (and changes) only
 * {@code subscribeDelay} after its ok reply, as the server subscribes the channel in the background.
 *
 * @param interval       the server's {@code poll_interval_ms} (default 100 ms)
 * @param maxChanges     the server's {@code poll_max_changes} (default 100)
 * @param idleMultiplier the server's {@code @idle_multiplier} (default 5: 500 ms when the slot was empty)
 * @param subscribeDelay from the join's ok reply to its subscription being in place
 */
public record CdcConfig(Mode mode, Duration interval, int maxChanges, int idleMultiplier, Duration subscribeDelay) {

    public enum Mode {
        STREAM, POLL;

        /** The name in scenario files. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_CHANGES = 100;
    public static final int DEFAULT_IDLE_MULTIPLIER = 5;
    /**
     * guess: on a project whose change poller already runs, the server's background subscribe is one transaction on
     * the project database (Subscriptions.create inserting into realtime.subscription), a few milliseconds within a
     * region; 10 ms stands for it. On a cold project (no poller yet) the server retries after a random 1-3 s
     * ({@code postgres_subscribe()} in realtime_channel.ex); set 2s to rehearse that.
     */
    public static final Duration DEFAULT_SUBSCRIBE_DELAY = Duration.ofMillis(10);

    public CdcConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(subscribeDelay, "subscribeDelay");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("target.embedded.poll.interval must be longer than 0, was " + interval);
        }
        if (maxChanges < 1) {
            throw new IllegalArgumentException("target.embedded.poll.maxChanges must be at least 1, was " + maxChanges);
        }
        if (idleMultiplier < 1) {
            throw new IllegalArgumentException("target.embedded.poll.idleMultiplier must be at least 1, was "
                    + idleMultiplier);
        }
        if (subscribeDelay.isNegative()) {
            throw new IllegalArgumentException("target.embedded.poll.subscribeDelay must not be negative, was "
                    + subscribeDelay);
        }
    }

    public static CdcConfig stream() {
        return new CdcConfig(Mode.STREAM, DEFAULT_INTERVAL, DEFAULT_MAX_CHANGES, DEFAULT_IDLE_MULTIPLIER,
                DEFAULT_SUBSCRIBE_DELAY);
    }

    /** Poll mode with Supabase's defaults. */
    public static CdcConfig poll() {
        return new CdcConfig(Mode.POLL, DEFAULT_INTERVAL, DEFAULT_MAX_CHANGES, DEFAULT_IDLE_MULTIPLIER,
                DEFAULT_SUBSCRIBE_DELAY);
    }

    public boolean polling() {
        return mode == Mode.POLL;
    }

    /** How long the poller waits after a poll that found nothing at all. */
    public Duration idleInterval() {
        return interval.multipliedBy(idleMultiplier);
    }
}
