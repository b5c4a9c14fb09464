package dev.realtimeharness.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Whether channels join with presence enabled, and the payload each driver tracks (null: none). */
public record PresenceConfig(boolean enabled, Map<String, Object> track) {

    public PresenceConfig {
        track = track == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(track));
    }

    public PresenceConfig(boolean enabled) {
        this(enabled, null);
    }

    public static PresenceConfig defaults() {
        return new PresenceConfig(false);
    }
}
