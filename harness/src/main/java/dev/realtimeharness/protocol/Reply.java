package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A {@code phx_reply} payload: {@code {"status": "ok"|"error"|..., "response": ...}}. */
public record Reply(String status, JsonNode response) {

    public static Reply of(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return new Reply("", MissingNode.getInstance());
        }
        JsonNode status = payload.get("status");
        JsonNode response = payload.get("response");
        return new Reply(status == null ? "" : status.asText(), response == null ? MissingNode.getInstance() : response);
    }

    public boolean ok() {
        return "ok".equals(status);
    }

    /**
     * The error reason the way realtime-js reports it: {@code Object.values(response).join(', ')}, which for Supabase's
     * join errors is the {@code reason} string ("ChannelRateLimitReached: Too many channels").
     */
    public String reason() {
        if (response.isTextual()) {
            return response.asText();
        }
        if (response.isObject()) {
            StringBuilder sb = new StringBuilder();
            response.elements().forEachRemaining(v -> {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(v.isValueNode() ? v.asText() : v.toString());
            });
            return sb.length() == 0 ? status : sb.toString();
        }
        return status;
    }
}
