package dev.realtimeharness.scenario;

/**
 * A Realtime tenant's limits (design/protocol.md §9). The defaults are Supabase's self-hosted defaults for a new
 * tenant: 200 concurrent users, 100 events/s, 100 joins/s, 100 channels per client. Events count every message
 * delivered to, or sent from, a client (each subscribed channel's copy counts).
 */
public record TargetLimits(int maxConcurrentUsers, double maxEventsPerSecond, double maxJoinsPerSecond,
        int maxChannelsPerClient) {

    public static TargetLimits supabaseDefaults() {
        return new TargetLimits(200, 100, 100, 100);
    }
}
