package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config} of a phx_join payload as the server reads it (protocol.md §4).
 *
 * @param presenceKey the requested presence key; null when absent, empty or not a string
 * @param echoed the postgres_changes bindings as the join reply echoes them (with their ids); empty when none
 * @param bindings the bindings to subscribe; empty when none were requested or any filter did not parse
 * @param filterError the first filter that did not parse, or null
 */
record JoinConfig(boolean self, boolean ack, boolean presenceEnabled, String presenceKey, boolean isPrivate,
        ArrayNode echoed, List<PostgresBinding> bindings, String filterError) {

    static JoinConfig parse(JsonNode payload) {
        JsonNode config = payload.path("config");
        boolean self = flexibleBoolean(config.path("broadcast").get("self"));
        boolean ack = flexibleBoolean(config.path("broadcast").get("ack"));
        boolean presence = flexibleBoolean(config.path("presence").get("enabled"));
        // guess: the server lets a private channel join only when RLS on realtime.messages grants read for the
        // topic; the stand-in lets every private join through (it has no realtime.messages policies).
        boolean isPrivate = flexibleBoolean(config.get("private"));
        JsonNode key = config.path("presence").get("key");
        String presenceKey = key != null && key.isTextual() && !key.textValue().isEmpty() ? key.textValue() : null;

        ArrayNode echoed = Json.NODES.arrayNode();
        List<PostgresBinding> bindings = new ArrayList<>();
        String filterError = null;
        JsonNode requested = config.path("postgres_changes");
        if (requested.isArray()) {
            for (JsonNode params : requested) {
                if (!params.isObject()) {
                    // guess: the server logs InvalidJoinPayload and goes on; the stand-in skips the entry.
                    continue;
                }
                long id = PostgresBinding.idOf(params);
                echoed.add(withId((ObjectNode) params, id));
                try {
                    bindings.add(PostgresBinding.of(params, id));
                } catch (ChangeFilter.ParseException e) {
                    filterError = filterError == null ? e.getMessage() : filterError;
                }
            }
        }
        if (filterError != null) {
            // The server's one postgres_subscribe covers all bindings; when it fails nothing is subscribed.
            bindings.clear();
        }
        return new JoinConfig(self, ack, presence, presenceKey, isPrivate, echoed, List.copyOf(bindings),
                filterError);
    }

    /** Whether the join asked for postgres_changes at all: then a system message follows the reply. */
    boolean wantsChanges() {
        return echoed.size() > 0;
    }

    /** Realtime's FlexibleBoolean: a boolean or a case-insensitive "true"/"false" string; anything else false. */
    static boolean flexibleBoolean(JsonNode n) {
        if (n == null) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() && n.textValue().equalsIgnoreCase("true");
    }

    /**
     * The binding as the server echoes it: the client's map plus "id". Jason writes small maps in key order, so the
     * keys come out sorted (event, filter, id, schema, table), not in the client's order.
     */
    private static ObjectNode withId(ObjectNode params, long id) {
        ObjectNode copy = params.deepCopy();
        copy.put("id", id);
        return (ObjectNode) ElixirJson.sortKeys(copy);
    }
}
