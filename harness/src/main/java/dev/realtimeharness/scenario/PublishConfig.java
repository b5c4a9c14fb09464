package dev.realtimeharness.scenario;

import java.util.Objects;

/**
 * How probes are published. {@code messages} is the total, or null when the scenario duration bounds the run.
 * {@code table} (possibly schema-qualified) and {@code probeColumn} are SQL identifiers, checked at load time.
 * {@code sql}, when given, replaces the default INSERT for {@code via: postgres}: a statement with the named
 * parameters {@code :probe} (required), {@code :driverId}, {@code :driver} and {@code :seq} (see {@link SqlTemplate}).
 * {@code event} is the broadcast event name (broadcast, rest and db-broadcast). {@code connections} is the JDBC
 * publisher's pool size (postgres, db-broadcast), null to size it from the rate and the measured round trip; for
 * broadcast, the dispatcher sockets, null for the fewest that hold every topic at the target's maxChannelsPerClient.
 */
public record PublishConfig(PublishVia via, Long messages, Rate rate, String table, String probeColumn, String sql,
        String event, Integer connections) {

    /** The broadcast event name when none is given. */
    public static final String DEFAULT_EVENT = "order";

    public PublishConfig(PublishVia via, Long messages, Rate rate, String table, String probeColumn) {
        this(via, messages, rate, table, probeColumn, null, DEFAULT_EVENT, null);
    }

    public static final String DEFAULT_TABLE = "orders";
    public static final String DEFAULT_PROBE_COLUMN = "notes";

    public PublishConfig {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(probeColumn, "probeColumn");
        event = event == null ? DEFAULT_EVENT : event;
    }
}
