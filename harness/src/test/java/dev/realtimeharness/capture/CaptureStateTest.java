package dev.realtimeharness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CaptureStateTest {

    private final CaptureState state = new CaptureState(LoggerFactory.getLogger(CaptureStateTest.class), "capture",
            "slot_1");

    @Test
    void retriesWait100MsDoublingTo2SecondsAndStartOverAfterAReconnect() {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(TimeUnit.NANOSECONDS.toMillis(state.lost(new SQLException("refused", "08001"))));
        }
        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
        assertThat(state.connectedNow()).isFalse();
        state.connected();
        assertThat(state.connectedNow()).isTrue();
        assertThat(state.reconnects()).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(state.lost(new SQLException("gone", "57P01")))).isEqualTo(100);
    }

    @Test
    void theFirstConnectionIsNoReconnect() {
        state.connected();
        assertThat(state.reconnects()).isZero();
    }

    @Test
    void lagIsTheLatestRoutedCommitToRouteTimeThenZeroAndWhileLostTheTimeSinceTheLoss() throws Exception {
        assertThat(state.takeLagSeconds()).isZero();
        state.routed(Instant.now().minusMillis(1_500));
        state.routed(Instant.now().minusMillis(200));
        assertThat(state.takeLagSeconds()).isBetween(1.5, 2.5);
        assertThat(state.takeLagSeconds()).as("nothing routed since").isZero();
        state.lost(new SQLException("refused", "08001"));
        Thread.sleep(120);
        assertThat(state.takeLagSeconds()).isBetween(0.1, 5.0);
    }

    @Test
    void aMissingSlotOrPublicationOrAnUndecodableMessageIsUnrecoverableAConnectionLossIsNot() {
        assertThat(CaptureState.unrecoverable(new SQLException("replication slot does not exist", "42704"))).isTrue();
        assertThat(CaptureState.unrecoverable(new IllegalStateException("unknown pgoutput message type"))).isTrue();
        assertThat(CaptureState.unrecoverable(new SQLException("connection refused", "08001"))).isFalse();
        assertThat(CaptureState.unrecoverable(new SQLException("terminating connection", "57P01"))).isFalse();
        assertThat(CaptureState.unrecoverable(new IOException("reset"))).isFalse();
        assertThat(CaptureState.unrecoverable(new RoutingUnavailable("away", new SQLException("x", "08006"))))
                .isFalse();
    }

    @Test
    void aFailureIsDescribedWithItsSlot() {
        assertThat(state.describeFailure()).isEmpty();
        state.failed(new SQLException("ERROR: replication slot \"slot_1\" does not exist", "42704"));
        assertThat(state.describeFailure()).contains("capture on slot slot_1: ERROR: replication slot \"slot_1\" "
                + "does not exist");
        assertThat(state.connectedNow()).isFalse();
    }
}
