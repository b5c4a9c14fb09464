package dev.realtimeharness.client;

import dev.realtimeharness.protocol.JoinConfig;

/** One channel a driver joins: its fleet-wide subscription index, full topic ({@code realtime:...}) and join config. */
public record ChannelSpec(int subscription, String topic, JoinConfig join) {
}
