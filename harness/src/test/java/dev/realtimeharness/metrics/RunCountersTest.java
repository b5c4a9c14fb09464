package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunCountersTest {

    @Test
    void countsConnectionsChannelsAndFailureReasons() {
        RunCounters counters = new RunCounters();
        counters.connectionAttempted();
        counters.connectionAttempted();
        counters.connectionSucceeded();
        counters.connectionFailed();
        counters.channelAttempted();
        counters.channelAttempted();
        counters.channelAttempted();
        counters.channelJoined();
        counters.channelReady();
        counters.channelFailed("Unauthorized");
        counters.channelFailed("Unauthorized");
        counters.channelNotReady();
        counters.connectionClosed();

        assertThat(counters.connectionsAttempted()).isEqualTo(2);
        assertThat(counters.connectionsSucceeded()).isEqualTo(1);
        assertThat(counters.connectionsFailed()).isEqualTo(1);
        assertThat(counters.connectionsOpen()).isZero();
        assertThat(counters.channelsJoined()).isEqualTo(1);
        assertThat(counters.channelsReady()).isZero();
        assertThat(counters.channelsFailed()).isEqualTo(2);
        assertThat(counters.joinFailureReasons()).containsExactlyEntriesOf(java.util.Map.of("Unauthorized", 2L));
    }
}
