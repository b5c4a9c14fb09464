package dev.realtimeharness.scenario;

import java.util.Objects;

/** How fast connections are opened and channels joined at the start of a run. */
public record RampConfig(Rate connectRate, Rate joinRate) {

    public RampConfig {
        Objects.requireNonNull(connectRate, "connectRate");
        Objects.requireNonNull(joinRate, "joinRate");
    }

    public static RampConfig defaults() {
        return new RampConfig(new Rate(100), new Rate(500));
    }
}
