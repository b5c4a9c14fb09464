package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Encodes and decodes Phoenix channel messages for one serializer version. Both the harness's client and the
 * stand-in server use these codecs, each in its own direction: a client push carries join_ref; a v1 server message
 * never does (Phoenix's V1 serializer takes only topic, event, payload and ref).
 */
public sealed interface PhoenixCodec permits V1Codec, V2Codec {

    Vsn vsn();

    /** A client→server push. Under v2, a broadcast whose payload has a string {@code event} becomes binary kind 3. */
    WireFrame encodeClientPush(PhoenixMessage message);

    /** A server→client message (reply, push, fastlane broadcast). */
    WireFrame encodeServerMessage(PhoenixMessage message);

    /**
     * A user broadcast to a subscriber: v2 binary kind 4; v1 the JSON text form with the payload converted, or
     * null when the payload is binary (the real server drops those for v1 sockets).
     */
    WireFrame encodeUserBroadcast(UserBroadcast broadcast);

    /** Decodes any frame of this version; binary broadcasts come back in their JSON form (event "broadcast"). */
    PhoenixMessage decode(WireFrame frame) throws ProtocolException;

    static PhoenixCodec of(Vsn vsn) {
        return vsn == Vsn.V1 ? V1Codec.INSTANCE : V2Codec.INSTANCE;
    }

    /**
     * The JSON form of a user broadcast, as realtime-js presents a kind-4 frame:
     * {@code {"type":"broadcast","event":E,"payload":P[,"meta":M]}}.
     */
    static JsonNode broadcastPayload(UserBroadcast b) throws ProtocolException {
        var node = Json.object();
        node.put("type", Events.BROADCAST);
        node.put("event", b.userEvent());
        if (b.jsonEncoding()) {
            try {
                node.set("payload", b.payload().length == 0 ? Json.object() : Json.MAPPER.readTree(b.payload()));
            } catch (java.io.IOException e) {
                throw new ProtocolException("broadcast payload is not JSON: " + e.getMessage(), e);
            }
        } else {
            node.put("payload", b.payload());
        }
        if (b.metadata().length > 0) {
            try {
                node.set("meta", Json.MAPPER.readTree(b.metadata()));
            } catch (java.io.IOException e) {
                throw new ProtocolException("broadcast metadata is not JSON: " + e.getMessage(), e);
            }
        }
        return node;
    }
}
