package dev.realtimeharness.capture;

/**
 * Thrown by a change consumer that cannot decide where a change goes right now because the database it asks is away
 * (the stand-in's row-security check during a PostgreSQL restart). The capture then treats it as a lost connection:
 * it does not acknowledge the transaction, reconnects, and hands it over again, as Supabase's poller, whose RLS check
 * runs in the same query as the read, retries a poll that failed. Subscribers may so receive part of a transaction
 * twice; none loses it.
 */
public final class RoutingUnavailable extends RuntimeException {
    public RoutingUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} says the database is unreachable or going away (SQLSTATE class 08, or 57P01-57P03). */
    public static boolean databaseAway(java.sql.SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
}
