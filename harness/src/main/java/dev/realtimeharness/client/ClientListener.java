package dev.realtimeharness.client;

/**
 * What the fleet reports. Called on Netty event loops: implementations must be thread-safe and must not block.
 * Times are {@link System#nanoTime()} values or durations in nanoseconds, as named. A subscription is the
 * fleet-wide index of one channel of one driver.
 */
public interface ClientListener {

    default void connectAttempted(int driver) {
    }

    default void connected(int driver, long connectNanos, boolean reconnect) {
    }

    /** The connection failed or was refused; {@code reason} is the HTTP status and body or the I/O error. */
    default void connectFailed(int driver, String reason) {
    }

    default void disconnected(int driver, String reason) {
    }

    default void joinAttempted(int subscription) {
    }

    default void joined(int subscription, long joinNanos) {
    }

    /** A join error reply or timeout, with the server's reason string as realtime-js reports it. */
    default void joinFailed(int subscription, String reason) {
    }

    /** The subscription can receive: "Subscribed to PostgreSQL" arrived (or the join reply, for broadcast-only). */
    default void ready(int subscription, long joinToReadyNanos) {
    }

    /** The subscription stopped receiving (phx_close, phx_error, system error, socket closed). */
    default void subscriptionClosed(int subscription, String reason) {
    }

    /**
     * A frame carrying a probe id arrived on this subscription. {@code recvNanos} was taken when the frame was read,
     * before parsing. {@code commitTimestamp} is the postgres_changes commit_timestamp text or null.
     */
    default void probeReceived(int subscription, String probe, long recvNanos, String commitTimestamp) {
    }

    /**
     * A postgres_changes frame of another change type than INSERT (an UPDATE or DELETE of a probe row) carrying a
     * probe id arrived on this subscription: not a delivery of the probe.
     */
    default void otherChangeReceived(int subscription, String probe, String changeType) {
    }

    /** The server closed this channel (phx_close while joining or joined); realtime-js does not rejoin it. */
    default void closedByServer(int subscription) {
    }

    /** A presence_state or presence_diff arrived on this subscription ({@code event} says which). */
    default void presence(int subscription, String event) {
    }

    default void heartbeatRtt(int driver, long rttNanos) {
    }

    /** A frame that could not be parsed; {@code head} is its first bytes for the (throttled) log. */
    default void protocolError(int driver, String message, String head) {
    }

    /** A system message with status error (rate limits, token expiry), by message text. */
    default void systemError(int subscription, String message) {
    }
}
