package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PresenceLimiterTest {
    private static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(PresenceLimiter.CLIENT_PRESENCE_WINDOW_MS);

    @Test
    void fiveCallsPassAndTheSixthInTheWindowIsRefused() {
        PresenceLimiter limiter = new PresenceLimiter();
        long t0 = 1_000_000_000L;
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.allow(t0 + i)).isTrue();
        }
        assertThat(limiter.allow(t0 + WINDOW - 1)).isFalse();
    }

    @Test
    void theWindowSlidesFromTheOldestAcceptedCall() {
        PresenceLimiter limiter = new PresenceLimiter();
        long t0 = -5L;
        assertThat(limiter.allow(t0)).isTrue();
        for (int i = 1; i < 5; i++) {
            assertThat(limiter.allow(t0 + WINDOW / 2)).isTrue();
        }
        // Only the first call has left the window: one more passes, the next does not.
        assertThat(limiter.allow(t0 + WINDOW)).isTrue();
        assertThat(limiter.allow(t0 + WINDOW)).isFalse();
    }

    @Test
    void refusedCallsAreNotCounted() {
        PresenceLimiter limiter = new PresenceLimiter();
        for (int i = 0; i < 5; i++) {
            limiter.allow(0);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.allow(WINDOW - 1)).isFalse();
        }
        // Had the refused calls counted, the window would still be full.
        assertThat(limiter.allow(WINDOW)).isTrue();
    }
}
