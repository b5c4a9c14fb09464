package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builders for the client pushes realtime-js sends, so no caller assembles frames from strings. */
public final class Messages {
    private Messages() {
    }

    public static String topic(String subTopic) {
        return Events.TOPIC_PREFIX + subTopic;
    }

    public static PhoenixMessage heartbeat(String ref) {
        return new PhoenixMessage(null, ref, Events.PHOENIX_TOPIC, Events.HEARTBEAT, Json.object());
    }

    /** A join: its ref becomes the channel's join_ref. */
    public static PhoenixMessage join(String topic, String ref, JoinConfig config) {
        return new PhoenixMessage(ref, ref, topic, Events.JOIN, config.toPayload());
    }

    public static PhoenixMessage leave(String topic, String joinRef, String ref) {
        return new PhoenixMessage(joinRef, ref, topic, Events.LEAVE, Json.object());
    }

    public static PhoenixMessage accessToken(String topic, String joinRef, String ref, String token) {
        ObjectNode p = Json.object();
        p.put("access_token", token);
        return new PhoenixMessage(joinRef, ref, topic, Events.ACCESS_TOKEN, p);
    }

    /** {@code channel.send({type:'broadcast', event, payload})}. */
    public static PhoenixMessage broadcast(String topic, String joinRef, String ref, String event, JsonNode payload) {
        ObjectNode p = Json.object();
        p.put("type", Events.BROADCAST);
        p.put("event", event);
        p.set("payload", payload);
        return new PhoenixMessage(joinRef, ref, topic, Events.BROADCAST, p);
    }

    /** realtime-js's {@code channel.track(payload)}: always a text frame, even under vsn 2.0.0. */
    public static PhoenixMessage presenceTrack(String topic, String joinRef, String ref, JsonNode payload) {
        ObjectNode p = Json.object();
        p.put("type", Events.PRESENCE);
        p.put("event", "track");
        p.set("payload", payload);
        return new PhoenixMessage(joinRef, ref, topic, Events.PRESENCE, p);
    }

    /** A server reply {@code {"status":..,"response":..}} to the message with these refs. */
    public static PhoenixMessage reply(String joinRef, String ref, String topic, String status, JsonNode response) {
        // Key order as the server's Jason encoder writes small maps: response, then status.
        ObjectNode p = Json.object();
        p.set("response", response == null ? Json.object() : response);
        p.put("status", status);
        return new PhoenixMessage(joinRef, ref, topic, Events.REPLY, p);
    }
}
