package dev.realtimeharness.scenario;

import java.util.Objects;

/** Target settings carried by the scenario; today only the embedded target's fault knobs. */
public record TargetConfig(EmbeddedConfig embedded) {

    public TargetConfig {
        Objects.requireNonNull(embedded, "embedded");
    }

    public static TargetConfig defaults() {
        return new TargetConfig(EmbeddedConfig.none());
    }
}
