package dev.realtimeharness.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A join's outcome. On success, the server echoes each postgres_changes binding with an added integer {@code id};
 * realtime-js pairs them with its bindings by position and treats any mismatch as a channel error.
 */
public record JoinReply(boolean ok, String reason, List<Long> postgresChangeIds) {

    public static JoinReply parse(Reply reply, List<JoinConfig.PostgresChangeFilter> requested) {
        if (!reply.ok()) {
            return new JoinReply(false, reply.reason(), List.of());
        }
        JsonNode pg = reply.response().path("postgres_changes");
        List<Long> ids = new ArrayList<>();
        if (pg.isArray()) {
            for (int i = 0; i < pg.size(); i++) {
                JsonNode e = pg.get(i);
                if (i >= requested.size() || !matches(requested.get(i), e)) {
                    return new JoinReply(false,
                            "mismatch between server and client bindings for postgres changes", List.of());
                }
                ids.add(e.path("id").asLong());
            }
        }
        if (ids.size() != requested.size()) {
            return new JoinReply(false, "mismatch between server and client bindings for postgres changes",
                    List.of());
        }
        return new JoinReply(true, null, List.copyOf(ids));
    }

    private static boolean matches(JoinConfig.PostgresChangeFilter f, JsonNode e) {
        return eq(f.event(), e.get("event")) && eq(f.schema(), e.get("schema")) && eq(f.table(), e.get("table"))
                && eq(f.filter(), e.get("filter"));
    }

    private static boolean eq(String expected, JsonNode actual) {
        String a = actual == null || actual.isNull() ? null : actual.asText();
        return expected == null ? a == null : expected.equals(a);
    }
}
