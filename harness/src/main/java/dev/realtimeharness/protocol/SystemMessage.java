package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code system} push: {@code {"extension":..,"status":"ok"|"error","message":..,"channel":..}}. The
 * postgres_changes "Subscribed to PostgreSQL" message is what marks a channel as ready to receive changes.
 */
public record SystemMessage(String extension, String status, String message, String channel) {
    public static final String SUBSCRIBED_TO_POSTGRES = "Subscribed to PostgreSQL";

    public static SystemMessage of(JsonNode payload) {
        return new SystemMessage(payload.path("extension").asText(""), payload.path("status").asText(""),
                payload.path("message").asText(""), payload.path("channel").asText(""));
    }

    public boolean ok() {
        return "ok".equals(status);
    }

    public boolean isPostgresSubscribed() {
        return "postgres_changes".equals(extension) && ok() && SUBSCRIBED_TO_POSTGRES.equals(message);
    }

    public ObjectNode toPayload() {
        ObjectNode n = Json.object();
        // Alphabetical, as the server's Jason encoder writes small maps.
        n.put("channel", channel);
        n.put("extension", extension);
        n.put("message", message);
        n.put("status", status);
        return n;
    }
}
