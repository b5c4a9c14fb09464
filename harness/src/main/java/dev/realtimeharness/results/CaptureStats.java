package dev.realtimeharness.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * summary.json {@code capture}: the embedded target's change capture. The most slot lag seen
 * ({@code pg_current_wal_lsn() - confirmed_flush_lsn}, bytes, -1 when never measured; seconds changes waited for the
 * capture, see capture.SlotLagMonitor), how often it came back after losing PostgreSQL, and why it gave up for good
 * ({@code failure}, absent while it ran: with it, every change committed after that moment was lost). Absent for a
 * remote target.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptureStats(long slotLagBytesMax, double slotLagSecondsMax, long reconnects, String failure) {
}
