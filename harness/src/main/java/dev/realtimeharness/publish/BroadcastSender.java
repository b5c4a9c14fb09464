package dev.realtimeharness.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where the broadcast publisher hands its frames: the dispatcher connections, which the run owns. The publisher
 * knows nothing of how they connect; the run adapts its client fleet to this.
 */
@FunctionalInterface
public interface BroadcastSender {

    /**
     * Sends a broadcast with {@code payload} on each of {@code topics} through driver {@code driver}'s dispatcher
     * connection (each topic must be one of that connection's joined channels). Must not block.
     */
    void broadcast(int driver, List<String> topics, String event, JsonNode payload, Sent sent);

    /** The sockets it sends over (summary.json publisher.connections); 0 when it does not say. */
    default int connections() {
        return 0;
    }

    /** Completion: when the frames were handed to the socket and how many; called on an event loop. */
    @FunctionalInterface
    interface Sent {
        void done(long sendNanos, int framesSent);
    }
}
