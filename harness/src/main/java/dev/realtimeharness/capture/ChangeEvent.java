package dev.realtimeharness.capture;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One committed row change, shaped like the {@code data} of a Realtime postgres_changes message
 * (protocol.md §5). Values are wal2json format-version 2 style Java values (see {@link WalValues}).
 *
 * @param type          INSERT, UPDATE or DELETE
 * @param columns       all replicated columns of the table, in attnum order
 * @param record        the new row, a LinkedHashMap in column order; null for DELETE. Unchanged TOAST
 *                      values are omitted.
 * @param oldRecord     null for INSERT; for UPDATE and DELETE the old tuple if PostgreSQL sent one
 *                      (key columns only unless REPLICA IDENTITY FULL), else for UPDATE the primary-key
 *                      columns of the new row, as the Supabase server does
 * @param receivedNanos {@link System#nanoTime()} when the transaction's Commit message was read
 */
public record ChangeEvent(String schema, String table, String type, List<Column> columns,
        Map<String, Object> record, Map<String, Object> oldRecord, Instant commitTimestamp,
        long receivedNanos) {

    public static final String INSERT = "INSERT";
    public static final String UPDATE = "UPDATE";
    public static final String DELETE = "DELETE";

    /** @param type {@code pg_type.typname}, e.g. int8, uuid, text, timestamptz */
    public record Column(String name, String type) {}
}
