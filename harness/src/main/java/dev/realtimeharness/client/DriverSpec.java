package dev.realtimeharness.client;

import java.util.List;

/**
 * One simulated driver app: one WebSocket connection carrying these channels. {@code tokens} supplies the access
 * token of every join and renews it before it expires; null keeps each channel's {@code JoinConfig.accessToken}.
 */
public record DriverSpec(int index, List<ChannelSpec> channels, TokenProvider tokens) {
    public DriverSpec {
        channels = List.copyOf(channels);
    }

    public DriverSpec(int index, List<ChannelSpec> channels) {
        this(index, channels, null);
    }
}
