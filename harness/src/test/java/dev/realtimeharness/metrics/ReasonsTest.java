package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void numbersInTheServersTextBecomeN() {
        assertThat(Reasons.normalise("Token has expired 12 seconds ago")).isEqualTo("Token has expired N seconds ago");
        assertThat(Reasons.normalise("Token has expired 3605 seconds ago"))
                .isEqualTo(Reasons.normalise("Token has expired 12 seconds ago"));
        assertThat(Reasons.normalise("You no longer have permission to read from this Channel topic: "
                + "driver-orders:17:3")).isEqualTo("You no longer have permission to read from this Channel topic: "
                + "driver-orders:N:N");
        assertThat(Reasons.normalise("ConnectException: Connection refused: /127.0.0.1:4000"))
                .isEqualTo("ConnectException: Connection refused: /N:N");
    }

    @Test
    void idsAndTokensBecomeID() {
        assertThat(Reasons.normalise("Unknown tenant 2b9c1f0e-6a1d-4c7e-9f3a-0d5e8b7c6a41"))
                .isEqualTo("Unknown tenant ID");
        assertThat(Reasons.normalise("request 9f8e7d6c5b4a39281706 failed")).isEqualTo("request ID failed");
        assertThat(Reasons.normalise("invalid key sb_publishable_x1y2z3w4v5u6t7")).isEqualTo("invalid key ID");
    }

    @Test
    void reasonsWithoutVaryingPartsAndTheHttpStatusAreKept() {
        assertThat(Reasons.normalise("ChannelRateLimitReached: Too many channels"))
                .isEqualTo("ChannelRateLimitReached: Too many channels");
        assertThat(Reasons.normalise("TIMED_OUT")).isEqualTo("TIMED_OUT");
        assertThat(Reasons.normalise("HTTP 401 {\"error\":\"Token has expired 7 seconds ago\"}"))
                .isEqualTo("HTTP 401 {\"error\":\"Token has expired N seconds ago\"}");
        assertThat(Reasons.normalise("HTTP 429 Too Many Requests")).isEqualTo("HTTP 429 Too Many Requests");
    }

    @Test
    void missingReasonIsUnknownAndALongOneIsCut() {
        assertThat(Reasons.normalise(null)).isEqualTo("unknown");
        assertThat(Reasons.normalise(" ")).isEqualTo("unknown");
        assertThat(Reasons.normalise("x".repeat(1000))).hasSize(Reasons.MAX_CHARS + 3).endsWith("...");
    }
}
