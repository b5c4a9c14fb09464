package dev.realtimeharness.run;

import dev.realtimeharness.scenario.Durations;
import java.time.Duration;
import java.util.Locale;

/** The scenario files {@code harness bench} writes: the stand-in's (limits for the largest step) and each step's. */
final class BenchScenarios {
    private BenchScenarios() {
    }

    // Limits far above what a step asks, so that the stand-in's own limits never decide a step: the bench measures
    // cost, not a tenant's quota.
    private static String limits(int maxDrivers) {
        return String.format(Locale.ROOT, "targetLimits: {maxConcurrentUsers: %d, maxEventsPerSecond: 100000000,"
                + " maxJoinsPerSecond: 1000000, maxChannelsPerClient: 100}%n", 2 * maxDrivers + 100);
    }

    private static String common(int drivers, int channels, double rate) {
        return String.format(Locale.ROOT, """
                drivers: %d
                channelsPerDriver: %d
                channel:
                  topic: "driver-orders:{driver}:{channel}"
                  postgresChanges:
                    - {event: "*", schema: public, table: orders, filter: "driver_id=eq.{driverId}"}
                publish:
                  via: postgres
                  rate: %s/s
                ramp: {connectRate: 500/s, joinRate: 5000/s}
                """, drivers, channels, rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate));
    }

    static String target(int maxDrivers, int channels, double rate) {
        return "name: bench-target\ndescription: harness bench's stand-in\n" + common(maxDrivers, channels, rate)
                + limits(maxDrivers);
    }

    static String step(int drivers, int channels, double rate, Duration duration, Duration warmup) {
        return "name: bench\ndescription: harness bench step at " + drivers + " drivers\n"
                + common(drivers, channels, rate) + "duration: " + Durations.format(duration) + "\nwarmup: "
                + Durations.format(warmup) + "\ndrainTimeout: 5s\n" + limits(drivers);
    }
}
