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
     * Sends a broadcast with {@code payload} on each of {@code topics} (a probe for driver {@code driver}) through
     * the dispatcher socket(s) that joined them; a topic no socket joined is skipped. Must not block.
     */
    void broadcast(int driver, List<String> topics, String event, JsonNode payload, Sent sent);

    /** The sockets it sends over (summary.json publisher.connections); 0 when it does not say. */
    default int connections() {
        return 0;
    }

    /**
     * Completion: when the frames were handed to the socket, how many, and the FIFO lane they went on (the socket,
     * when one socket sent them all; -1 when they went out on several, which keep no order among themselves);
     * called on an event loop, before the frames are written.
     */
    @FunctionalInterface
    interface Sent {
        void done(long sendNanos, int framesSent, int lane);
    }
}
