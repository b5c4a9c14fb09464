package dev.realtimeharness.standin;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RealtimeJsIT}'s checks against {@code harness target --cdc poll}: the official client still gets
 * "Subscribed to PostgreSQL" (now after the background subscribe), exactly its own RLS-visible, filtered row (now
 * through the polled slot) and its own broadcast, with vsn 2.0.0 and 1.0.0.
 */
class RealtimeJsPollIT extends RealtimeJsIT {

    // Hides RealtimeJsIT.startTarget, so JUnit runs this one instead.
    @BeforeAll
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    static void startTarget() throws Exception {
        startTarget("poll");
    }
}
