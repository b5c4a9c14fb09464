package dev.realtimeharness.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.protocol.JoinConfig;

/**
 * One channel a driver joins: its fleet-wide subscription index, full topic ({@code realtime:...}), join config,
 * and the presence payload it tracks once joined (null: none).
 */
public record ChannelSpec(int subscription, String topic, JoinConfig join, JsonNode presenceTrack) {

    public ChannelSpec(int subscription, String topic, JoinConfig join) {
        this(subscription, topic, join, null);
    }
}
