package dev.realtimeharness.scenario;

import java.time.Duration;
import java.util.Objects;

/** Phoenix protocol settings: serializer version ("1.0.0" or "2.0.0") and heartbeat interval. */
public record ProtocolConfig(String vsn, Duration heartbeat) {

    public static final String VSN_1 = "1.0.0";
    public static final String VSN_2 = "2.0.0";

    public ProtocolConfig {
        Objects.requireNonNull(vsn, "vsn");
        Objects.requireNonNull(heartbeat, "heartbeat");
    }

    public static ProtocolConfig defaults() {
        return new ProtocolConfig(VSN_2, Duration.ofSeconds(25));
    }
}
