package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** JSON as the server writes it after decoding into Elixir terms and encoding again with Jason. */
final class ElixirJson {
    private ElixirJson() {
    }

    /**
     * Key-sorted copy of a JSON tree, as Jason writes decoded Elixir maps. guess: Erlang maps above 32 keys are
     * hash-ordered, not sorted; the stand-in sorts them all.
     */
    static JsonNode sortKeys(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                sorted.put(f.getKey(), sortKeys(f.getValue()));
            }
            ObjectNode o = Json.object();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = Json.NODES.arrayNode(n.size());
            for (JsonNode e : n) {
                a.add(sortKeys(e));
            }
            return a;
        }
        return n;
    }
}
