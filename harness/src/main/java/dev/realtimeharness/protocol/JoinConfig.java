package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The {@code phx_join} payload, shaped as realtime-js's {@code subscribe()} sends it:
 * {@code {"config":{"broadcast":{"ack":..,"self":..},"presence":{"key":..,"enabled":..},"postgres_changes":[..],
 * "private":..},"access_token":..}}.
 */
public record JoinConfig(boolean broadcastAck, boolean broadcastSelf, String presenceKey, boolean presenceEnabled,
        List<PostgresChangeFilter> postgresChanges, boolean isPrivate, String accessToken) {

    public JoinConfig {
        presenceKey = presenceKey == null ? "" : presenceKey;
        postgresChanges = List.copyOf(postgresChanges);
    }

    /** One postgres_changes binding; {@code filter} null means none (the key is then left out, as realtime-js does). */
    public record PostgresChangeFilter(String event, String schema, String table, String filter) {

        public ObjectNode toJson() {
            ObjectNode n = Json.object();
            n.put("event", event);
            n.put("schema", schema);
            if (table != null) {
                n.put("table", table);
            }
            if (filter != null) {
                n.put("filter", filter);
            }
            return n;
        }
    }

    @Override
    public String toString() {
        // The access token is a credential: never in a log line.
        return "JoinConfig[ack " + broadcastAck + ", self " + broadcastSelf + ", presence " + presenceEnabled
                + ", postgresChanges " + postgresChanges + ", private " + isPrivate + ", accessToken "
                + (accessToken == null ? "none" : "<redacted>") + "]";
    }

    /** The same config with another access token (a renewed one, for a rejoin). */
    public JoinConfig withAccessToken(String token) {
        return new JoinConfig(broadcastAck, broadcastSelf, presenceKey, presenceEnabled, postgresChanges, isPrivate,
                token);
    }

    public ObjectNode toPayload() {
        ObjectNode config = Json.object();
        ObjectNode broadcast = config.putObject("broadcast");
        broadcast.put("ack", broadcastAck);
        broadcast.put("self", broadcastSelf);
        ObjectNode presence = config.putObject("presence");
        presence.put("key", presenceKey);
        presence.put("enabled", presenceEnabled);
        ArrayNode pg = config.putArray("postgres_changes");
        for (PostgresChangeFilter f : postgresChanges) {
            pg.add(f.toJson());
        }
        config.put("private", isPrivate);
        ObjectNode payload = Json.object();
        payload.set("config", config);
        if (accessToken != null) {
            payload.put("access_token", accessToken);
        }
        return payload;
    }
}
