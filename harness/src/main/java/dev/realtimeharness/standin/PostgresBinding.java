package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One postgres_changes binding of a joined channel, with the id the join reply gave it. {@code table} null means
 * every table of the schema; {@code filter} null means no filter.
 */
record PostgresBinding(long id, String event, String schema, String table, ChangeFilter filter) {

    /** Ids are below 2^27, like :erlang.phash2/1's default range. */
    static final long ID_RANGE = 1L << 27;

    static PostgresBinding of(JsonNode params, long id) throws ChangeFilter.ParseException {
        String event = params.path("event").asText("*").toUpperCase(java.util.Locale.ROOT);
        // The server treats any event other than INSERT, UPDATE, DELETE as "*".
        if (!event.equals("INSERT") && !event.equals("UPDATE") && !event.equals("DELETE")) {
            event = "*";
        }
        // "table alone means schema public" (protocol.md §5).
        String schema = text(params, "schema");
        schema = schema == null ? "public" : schema;
        String table = text(params, "table");
        table = table == null || table.equals("*") ? null : table;
        // Interned: every channel of a run names the same few events, schemas and tables, and each join's JSON
        // would otherwise give every binding copies of its own (a few hundred bytes per joined channel).
        return new PostgresBinding(id, event.intern(), schema.intern(), table == null ? null : table.intern(),
                ChangeFilter.parse(text(params, "filter")));
    }

    boolean matches(ChangeEvent e) {
        if (!schema.equals("*") && !schema.equals(e.schema())) {
            return false;
        }
        if (table != null && !table.equals(e.table())) {
            return false;
        }
        if (!event.equals("*") && !event.equalsIgnoreCase(e.type())) {
            return false;
        }
        if (filter == null) {
            return true;
        }
        // guess: the docs say DELETE events are not filterable (the old row carries only the primary key unless
        // REPLICA IDENTITY FULL), so a filtered binding never receives a DELETE.
        if ("DELETE".equalsIgnoreCase(e.type())) {
            return false;
        }
        return filter.matches(e.record());
    }

    /**
     * A deterministic non-negative id below 2^27 for a binding map. This is NOT :erlang.phash2 (which hashes the
     * Erlang term): it is CRC32C over the map's canonical JSON (keys sorted), so ids are stable across runs and
     * equal for equal maps, but differ from the real server's numbers.
     */
    static long idOf(JsonNode params) {
        CRC32C crc = new CRC32C();
        crc.update(canonical(params).getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % ID_RANGE;
    }

    private static String canonical(JsonNode n) {
        if (n instanceof ObjectNode o) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                sorted.put(f.getKey(), f.getValue());
            }
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, JsonNode> f : sorted.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(Json.NODES.textNode(f.getKey())).append(':').append(canonical(f.getValue()));
            }
            return sb.append('}').toString();
        }
        return n.toString();
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
