package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Phoenix channel message: {@code [join_ref, ref, topic, event, payload]}. Refs are strings or null, as on the
 * wire; the payload is a JSON tree (binary broadcast payloads are represented by {@link UserBroadcast} instead).
 */
public record PhoenixMessage(String joinRef, String ref, String topic, String event, JsonNode payload) {

    public boolean isReply() {
        return Events.REPLY.equals(event);
    }

    /** The reply's status and response; only meaningful when {@link #isReply()}. */
    public Reply reply() {
        return Reply.of(payload);
    }
}
