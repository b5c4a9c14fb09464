package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Broadcast fan-out (protocol.md §6): from a joined channel (text or binary), from the REST endpoint and from the
 * database (realtime.messages). Each frame is built at most once per serializer version and every delivery counts
 * against the tenant's events rate. Thread-safe.
 */
final class BroadcastRouter {
    static final String TOO_MANY_MESSAGES = "Too many messages per second";

    private final TopicRegistry topics;
    private final TenantLimits limits;
    private final StandInStats stats;

    BroadcastRouter(TopicRegistry topics, TenantLimits limits, StandInStats stats) {
        this.topics = topics;
        this.limits = limits;
        this.stats = stats;
    }

    /** A broadcast pushed as JSON text on {@code ch}: one event, then the fan-out. */
    void fromChannel(JoinedChannel ch, PhoenixMessage m) {
        limits.countEvent();
        // A broadcast that arrives as JSON text becomes a %Phoenix.Socket.Broadcast{}: every subscriber, v1 or v2,
        // gets the text form. The payload map is re-encoded by Jason, which writes small maps in key order.
        JsonNode payload = ElixirJson.sortKeys(m.payload() == null ? Json.object() : m.payload());
        PhoenixMessage out = new PhoenixMessage(null, null, ch.topic, Events.BROADCAST, payload);
        fanOut(ch, V1Codec.INSTANCE.encodeServerMessage(out), V2Codec.INSTANCE.encodeServerMessage(out));
    }

    /** A binary (kind 3) broadcast pushed on {@code ch}: one event, then the fan-out. */
    void fromChannel(JoinedChannel ch, UserBroadcast in) {
        limits.countEvent();
        // Kind 3 becomes a UserBroadcast: v2 subscribers get kind 4, v1 subscribers the JSON form (or nothing when
        // the payload is binary).
        UserBroadcast out = new UserBroadcast(null, null, ch.topic, in.userEvent(), in.metadata(), in.jsonEncoding(),
                in.payload());
        WireFrame v2 = V2Codec.INSTANCE.encodeUserBroadcast(out);
        WireFrame v1 = V1Codec.INSTANCE.encodeUserBroadcast(out);
        fanOut(ch, v1, v2);
    }

    /**
     * One message of the REST batch endpoint: one event for the message itself, then the text broadcast
     * {@code [null,null,"realtime:<topic>","broadcast",{"event","meta"?,"payload","type"}]} (a Phoenix Broadcast,
     * so v2 subscribers get text too) to every channel on the topic with the same privacy. guess: private messages
     * are not checked against RLS on realtime.messages (broadcast.write); every private channel gets them.
     */
    void fromRest(RestBroadcast.Message m) {
        limits.countEvent();
        ObjectNode payload = Json.object();
        // Jason writes the small map in key order.
        payload.put("event", m.event());
        if (m.id() != null) {
            payload.putObject("meta").put("id", m.id());
        }
        payload.set("payload", ElixirJson.sortKeys(m.payload()));
        payload.put("type", Events.BROADCAST);
        String topic = Events.TOPIC_PREFIX + m.topic();
        PhoenixMessage out = new PhoenixMessage(null, null, topic, Events.BROADCAST, payload);
        toTopic(topic, m.isPrivate(), V1Codec.INSTANCE.encodeServerMessage(out),
                V2Codec.INSTANCE.encodeServerMessage(out));
    }

    /**
     * A realtime.messages INSERT with extension 'broadcast' (realtime.send) becomes a UserBroadcast{topic:
     * "realtime:"+topic, user_event: event, metadata {"id": row id}, JSON payload}: v2 subscribers get binary kind 4,
     * v1 subscribers JSON with "meta" (protocol.md §6). Private rows go to private channels only, public rows to
     * public ones. guess: private channels get them without the RLS check on realtime.messages the server does.
     * Other rows of the table (other extensions, updates, deletes) are ignored.
     */
    void fromDatabase(ChangeEvent e) {
        Map<String, Object> row = e.record();
        if (!ChangeEvent.INSERT.equals(e.type()) || row == null || !"broadcast".equals(row.get("extension"))
                || row.get("topic") == null) {
            return;
        }
        if (limits.eventsLimited()) {
            // guess: database broadcasts are skipped while the events rate is triggered, like DB changes.
            stats.refused(Refusal.DB_BROADCAST_SKIPPED_EVENTS_RATE_LIMITED);
            return;
        }
        // The message itself is an event, and so is each delivery.
        limits.countEvent();
        String topic = Events.TOPIC_PREFIX + row.get("topic");
        Object event = row.get("event");
        ObjectNode meta = Json.object();
        meta.put("id", String.valueOf(row.get("id")));
        UserBroadcast ub = new UserBroadcast(null, null, topic, event == null ? "" : event.toString(),
                meta.toString().getBytes(StandardCharsets.UTF_8), true, payloadBytes(row.get("payload")));
        toTopic(topic, Boolean.TRUE.equals(row.get("private")), V1Codec.INSTANCE.encodeUserBroadcast(ub),
                V2Codec.INSTANCE.encodeUserBroadcast(ub));
    }

    private static byte[] payloadBytes(Object payload) {
        if (payload instanceof JsonNode n) {
            // The server decodes the jsonb into a map and Jason encodes it again, small maps in key order.
            return ElixirJson.sortKeys(n).toString().getBytes(StandardCharsets.UTF_8);
        }
        return payload == null ? "{}".getBytes(StandardCharsets.UTF_8)
                : payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Fans a broadcast out to every channel joined to the sender's topic: the sender's own channel only with self.
     * {@code v1} may be null (binary payloads are dropped for v1 sockets, as the server does).
     */
    private void fanOut(JoinedChannel sender, WireFrame v1, WireFrame v2) {
        for (JoinedChannel ch : topics.channelsOf(sender.topic)) {
            if (ch.closed || (ch == sender && !sender.self)) {
                continue;
            }
            deliver(ch, v1, v2);
        }
    }

    /**
     * Fans a broadcast that did not come from a channel (the REST endpoint, the database) out to every channel
     * joined to {@code topic}: public messages to public channels, private ones to private channels only.
     */
    private void toTopic(String topic, boolean isPrivate, WireFrame v1, WireFrame v2) {
        for (JoinedChannel ch : topics.channelsOf(topic)) {
            if (ch.closed || ch.isPrivate != isPrivate) {
                continue;
            }
            deliver(ch, v1, v2);
        }
    }

    private void deliver(JoinedChannel ch, WireFrame v1, WireFrame v2) {
        WireFrame frame = ch.connection.vsn() == Vsn.V1 ? v1 : v2;
        if (frame == null) {
            return;
        }
        limits.countEvent();
        ch.connection.deliver(ch, frame);
        if (limits.eventsLimited()) {
            // The dispatcher sends the frame straight to the transport (fastlane) and :update_rate_counter
            // to the channel process, which, when the tenant's rate is triggered, pushes the system error
            // and stops: phx_close. guess: so the client still gets this frame, then system + phx_close.
            ch.connection.shutdownChannel(ch, TOO_MANY_MESSAGES, Refusal.CHANNEL_EVENTS_RATE_LIMITED);
        }
    }
}
