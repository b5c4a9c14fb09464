package dev.realtimeharness.scenario;

/** Whether channels join with presence enabled. */
public record PresenceConfig(boolean enabled) {

    public static PresenceConfig defaults() {
        return new PresenceConfig(false);
    }
}
