package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Phoenix.Presence for the stand-in (protocol.md §7): one tracked meta per channel, grouped by presence key per topic.
 * Every track/untrack produces a {@code presence_diff} that goes, fastlane, to every channel on the topic with presence
 * enabled, the tracking one included. A topic's state and its diffs are changed and fanned out under one lock, so
 * every subscriber sees the diffs in the same order.
 */
final class PresenceRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Tracked(String key, JsonNode payload, ObjectNode meta) {
    }

    private static final class TopicState {
        final Map<JoinedChannel, Tracked> tracked = new LinkedHashMap<>();
    }

    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();

    /**
     * Tracks {@code payload} for the channel under its presence key. Re-tracking an identical payload changes
     * nothing; a different one replaces the meta (joins carry the new meta with phx_ref_prev, leaves the old one).
     */
    void track(JoinedChannel ch, ObjectNode payload, Set<JoinedChannel> subscribers) {
        TopicState state = topics.computeIfAbsent(ch.topic, t -> new TopicState());
        synchronized (state) {
            Tracked old = state.tracked.get(ch);
            if (old != null && old.payload.equals(payload)) {
                return;
            }
            ObjectNode meta = payload.deepCopy();
            meta.put("phx_ref", newRef());
            if (old != null) {
                // Standard Phoenix.Presence update behaviour (protocol.md §7, not re-verified for Realtime).
                meta.put("phx_ref_prev", old.meta.get("phx_ref").asText());
            }
            meta = (ObjectNode) ElixirJson.sortKeys(meta);
            Tracked now = new Tracked(ch.presenceKey, payload.deepCopy(), meta);
            state.tracked.put(ch, now);
            fanOut(ch.topic, group(now), old == null ? Json.object() : group(old), subscribers);
        }
    }

    /** Untracks the channel's meta, if any: a diff with it in leaves. */
    void untrack(JoinedChannel ch, Set<JoinedChannel> subscribers) {
        TopicState state = topics.get(ch.topic);
        if (state == null) {
            return;
        }
        synchronized (state) {
            Tracked old = state.tracked.remove(ch);
            if (old != null) {
                fanOut(ch.topic, Json.object(), group(old), subscribers);
            }
            if (state.tracked.isEmpty()) {
                topics.remove(ch.topic, state);
            }
        }
    }

    /** {@code Phoenix.Presence.group(list)}: {"<key>":{"metas":[..]}} over every channel tracked on the topic. */
    ObjectNode state(String topic) {
        ObjectNode out = Json.object();
        TopicState state = topics.get(topic);
        if (state == null) {
            return out;
        }
        synchronized (state) {
            for (Tracked t : state.tracked.values()) {
                ObjectNode entry = out.has(t.key) ? (ObjectNode) out.get(t.key) : out.putObject(t.key);
                ArrayNode metas = entry.has("metas") ? (ArrayNode) entry.get("metas") : entry.putArray("metas");
                metas.add(t.meta);
            }
        }
        return (ObjectNode) ElixirJson.sortKeys(out);
    }

    private static ObjectNode group(Tracked t) {
        ObjectNode out = Json.object();
        out.putObject(t.key).putArray("metas").add(t.meta);
        return out;
    }

    private static void fanOut(String topic, ObjectNode joins, ObjectNode leaves, Set<JoinedChannel> subscribers) {
        if (subscribers == null || subscribers.isEmpty()) {
            return;
        }
        ObjectNode diff = Json.object();
        diff.set("joins", joins);
        diff.set("leaves", leaves);
        PhoenixMessage m = new PhoenixMessage(null, null, topic, Events.PRESENCE_DIFF, diff);
        WireFrame v1 = null;
        WireFrame v2 = null;
        // The subscribers when the diff is made, taken before the first is sent: iterating the live set while sending
        // let a channel that joined after the first subscriber had received the diff (a client reacting to it) get it
        // too, after its presence_state already held the change (StandInPresenceTest failed ~7 runs in 300).
        for (JoinedChannel ch : subscribers.toArray(new JoinedChannel[0])) {
            if (ch.closed || !ch.presenceEnabled) {
                continue;
            }
            WireFrame frame;
            if (ch.connection.vsn() == Vsn.V1) {
                frame = v1 == null ? (v1 = V1Codec.INSTANCE.encodeServerMessage(m)) : v1;
            } else {
                frame = v2 == null ? (v2 = V2Codec.INSTANCE.encodeServerMessage(m)) : v2;
            }
            ch.connection.deliverPresence(ch, frame);
        }
    }

    // guess: Phoenix's phx_ref is a base64 of a unique term; 12 random bytes give the same 16-character shape.
    private static String newRef() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
