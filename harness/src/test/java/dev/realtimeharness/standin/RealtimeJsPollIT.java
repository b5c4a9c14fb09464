package dev.realtimeharness.standin;

/**
 * {@link RealtimeJsIT}'s checks against {@code harness target --cdc poll}: the official client still gets
 * "Subscribed to PostgreSQL" (now after the background subscribe), exactly its own RLS-visible, filtered row (now
 * through the polled slot) and its own broadcast, with vsn 2.0.0 and 1.0.0.
 */
class RealtimeJsPollIT extends RealtimeJsIT {

    @Override
    String cdc() {
        return "poll";
    }
}
