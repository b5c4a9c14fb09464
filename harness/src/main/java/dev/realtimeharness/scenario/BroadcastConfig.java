package dev.realtimeharness.scenario;

/** Broadcast join options: receive own broadcasts ({@code self}), ask the server to acknowledge ({@code ack}). */
public record BroadcastConfig(boolean self, boolean ack) {

    public static BroadcastConfig defaults() {
        return new BroadcastConfig(false, false);
    }
}
