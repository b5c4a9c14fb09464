package dev.realtimeharness.standin;

/**
 * The tenant limits the stand-in enforces, as the real server's tenant settings (protocol.md §9). Rates are events
 * per second, measured by {@link RateCounter} as the server's RateCounter does: a rolling average over up to 12 ticks,
 * so bursts pass and enforcement lags by up to one tick.
 *
 * @param maxConcurrentUsers sockets that have joined at least one channel; at the cap, connects get HTTP 429 and
 *     joins ConnectionRateLimitReached
 * @param maxEventsPerSecond broadcasts received plus messages delivered per channel
 * @param maxJoinsPerSecond join attempts that pass the joins check
 * @param maxChannelsPerClient channels joined on one socket
 */
public record StandInLimits(int maxConcurrentUsers, double maxEventsPerSecond, double maxJoinsPerSecond,
        int maxChannelsPerClient) {

    public StandInLimits {
        if (maxConcurrentUsers < 1) {
            throw new IllegalArgumentException("target.embedded.limits.maxConcurrentUsers must be >= 1, was "
                    + maxConcurrentUsers);
        }
        positive("maxEventsPerSecond", maxEventsPerSecond);
        positive("maxJoinsPerSecond", maxJoinsPerSecond);
        if (maxChannelsPerClient < 1) {
            throw new IllegalArgumentException("target.embedded.limits.maxChannelsPerClient must be >= 1, was "
                    + maxChannelsPerClient);
        }
    }

    /**
     * The self-hosted server's defaults for a new tenant: TENANT_MAX_CONCURRENT_USERS 200,
     * TENANT_MAX_EVENTS_PER_SECOND 100, TENANT_MAX_JOINS_PER_SECOND 100, TENANT_MAX_CHANNELS_PER_CLIENT 100.
     */
    public static StandInLimits defaults() {
        return new StandInLimits(200, 100, 100, 100);
    }

    /** No limit is ever reached. */
    public static StandInLimits unlimited() {
        return new StandInLimits(Integer.MAX_VALUE, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                Integer.MAX_VALUE);
    }

    private static void positive(String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException("target.embedded.limits." + name + " must be > 0, was " + v);
        }
    }
}
