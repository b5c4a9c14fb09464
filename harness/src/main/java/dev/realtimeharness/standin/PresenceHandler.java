package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixMessage;

/**
 * A {@code presence} push (protocol.md §7): track (payload must be a map) or untrack, replied ok {} before the diff
 * goes out; calls beyond the {@link PresenceLimiter} shut the channel down with "Client presence rate limit
 * exceeded". Confined to the socket's event loop.
 */
final class PresenceHandler {
    static final String PRESENCE_RATE_LIMITED = "Client presence rate limit exceeded";
    static final String PRESENCE_NOT_A_MAP = "Presence track payload must be a map";

    private final StandInConnection connection;
    private final TopicRegistry topics;
    private final PresenceLimiter limiter = new PresenceLimiter();

    PresenceHandler(StandInConnection connection, TopicRegistry topics) {
        this.connection = connection;
        this.topics = topics;
    }

    void handle(JoinedChannel ch, PhoenixMessage m) {
        if (!limiter.allow(System.nanoTime())) {
            // guess: no reply to the refused call; the system error and phx_close say it all.
            connection.shutdownChannel(ch, PRESENCE_RATE_LIMITED, Refusal.PRESENCE_CLIENT_RATE_LIMITED);
            return;
        }
        JsonNode payload = m.payload() == null ? Json.object() : m.payload();
        String event = payload.path("event").asText("");
        switch (event) {
            case "track" -> track(ch, m, payload.get("payload"));
            case "untrack" -> {
                reply(m, "ok", Json.object());
                topics.presenceUntrack(ch);
            }
            // The server logs UnknownPresenceEvent and replies with an error. guess: an empty response.
            default -> reply(m, "error", Json.object());
        }
    }

    private void track(JoinedChannel ch, PhoenixMessage m, JsonNode meta) {
        if (meta == null || !meta.isObject()) {
            ObjectNode response = Json.object();
            response.put("reason", PRESENCE_NOT_A_MAP);
            reply(m, "error", response);
            return;
        }
        // Tracking enables presence for the channel.
        ch.presenceEnabled = true;
        reply(m, "ok", Json.object());
        topics.presenceTrack(ch, (ObjectNode) meta);
    }

    private void reply(PhoenixMessage m, String status, ObjectNode response) {
        connection.send(Messages.reply(m.joinRef(), m.ref(), m.topic(), status, response));
    }
}
