package dev.realtimeharness.scenario;

import java.util.Objects;

/**
 * One {@code postgres_changes} subscription. {@code event} is {@code *}, {@code INSERT}, {@code UPDATE}
 * or {@code DELETE}; {@code filter} (may be null) is a Realtime filter such as
 * {@code driver_id=eq.{driverId}} and may hold {@link TopicTemplate} placeholders.
 */
public record PostgresChangeSpec(String event, String schema, String table, String filter) {

    public PostgresChangeSpec {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The filter for one channel, placeholders expanded; null when there is no filter. */
    public String filter(int driver, int channel) {
        return filter == null ? null : TopicTemplate.expand(filter, driver, channel);
    }
}
