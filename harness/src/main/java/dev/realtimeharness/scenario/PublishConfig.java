package dev.realtimeharness.scenario;

import java.util.Objects;

/**
 * How probes are published. {@code messages} is the total, or null when the scenario duration bounds the run.
 * {@code table} (possibly schema-qualified) and {@code probeColumn} are SQL identifiers, checked at load time.
 */
public record PublishConfig(PublishVia via, Long messages, Rate rate, String table, String probeColumn) {

    public static final String DEFAULT_TABLE = "orders";
    public static final String DEFAULT_PROBE_COLUMN = "notes";

    public PublishConfig {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(probeColumn, "probeColumn");
    }
}
