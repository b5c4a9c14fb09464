package dev.realtimeharness.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PublishersTest {
    private static final long MS = 1_000_000L;

    @Test
    void aLocalDatabaseAtAModestRateGetsTheMinimumPool() {
        assertThat(Publishers.connectionsFor(50, MS / 5)).isEqualTo(Publishers.MIN_CONNECTIONS);
    }

    @Test
    void aDistantDatabaseGetsEnoughConnectionsForTheRate() {
        // 500 probes/s, 20 ms away: each probe holds a connection ~41 ms, so ~21 busy at once, doubled for headroom.
        // The four fixed connections of the old pool topped out near 200/s here.
        assertThat(Publishers.connectionsFor(500, 20 * MS)).isEqualTo(41);
    }

    @Test
    void theQueueHoldsOneDrainTimeoutOfProbes() {
        assertThat(Publishers.queueCapacity(500, Duration.ofSeconds(5))).isEqualTo(2500);
        assertThat(Publishers.queueCapacity(1, Duration.ofSeconds(5))).isEqualTo(16);
    }
}
