package dev.realtimeharness.target;

import java.time.Instant;
import java.util.List;
import java.util.Map;

public record ChangeEvent(String schema, String table, String type,
        List<Column> columns, Map<String, Object> record,
        Map<String, Object> oldRecord,
        Instant commitTimestamp, long receivedNanos) {
    public record Column(String name, String type) {}
}
