package dev.realtimeharness.client;

import java.util.List;

/** One simulated driver app: one WebSocket connection carrying these channels. */
public record DriverSpec(int index, List<ChannelSpec> channels) {
    public DriverSpec {
        channels = List.copyOf(channels);
    }
}
