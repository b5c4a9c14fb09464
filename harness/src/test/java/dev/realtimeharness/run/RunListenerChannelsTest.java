package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.LostReason;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.metrics.RunCounters;
import dev.realtimeharness.results.Summary;
import org.junit.jupiter.api.Test;

/** The channel figures of summary.json as the listener counts them from what the fleet reports. */
class RunListenerChannelsTest {
    final ProbeLedger ledger = new ProbeLedger(4);
    final RunCounters counters = new RunCounters();
    final ReadyBoard board = new ReadyBoard(2, 2);
    final RunListener listener = new RunListener("run", ledger, new LatencyRecorders(), counters, board, false, null);

    @Test
    void subscriptionReadyAgainAfterARejoinCountsOnceAsReadyAndOnceAsRejoined() {
        listener.joined(0, 1);
        listener.ready(0, 1);
        listener.subscriptionClosed(0, "phx_error");
        listener.joined(0, 1);
        listener.ready(0, 1);
        listener.joined(1, 1);
        listener.ready(1, 1);

        Summary.Channels c = Summary.Channels.from(counters, 4);
        assertThat(c.ready()).isEqualTo(2);
        assertThat(c.readyRatio()).isEqualTo(0.5);
        assertThat(c.neverReady()).isEqualTo(2);
        assertThat(c.rejoined()).isEqualTo(1);
        assertThat(c.joined()).isEqualTo(3);
    }

    @Test
    void aSecondJoinOfASubscriptionCountsAsARejoinInThePeakRates() {
        // All within the counters' first second.
        listener.joinAttempted(0);
        listener.joinAttempted(1);
        listener.joinAttempted(2);
        listener.joinAttempted(0);
        listener.joinAttempted(1);

        Summary.Channels c = Summary.Channels.from(counters, 4);
        assertThat(c.attempted()).isEqualTo(5);
        assertThat(c.peakJoinsPerSecond()).isEqualTo(5);
        assertThat(c.peakRejoinsPerSecond()).isEqualTo(2);
    }

    @Test
    void failureReasonsDifferingOnlyInNumbersAreCountedUnderOneKey() {
        listener.connectFailed(0, "HTTP 401 {\"error\":\"Token has expired 12 seconds ago\"}");
        listener.connectFailed(1, "HTTP 401 {\"error\":\"Token has expired 340 seconds ago\"}");
        listener.joinFailed(0, "Token has expired 5 seconds ago");
        listener.joinFailed(1, "Token has expired 61 seconds ago");

        assertThat(listener.connectFailures).containsOnlyKeys("HTTP 401 {\"error\":\"Token has expired N seconds ago\"}");
        assertThat(listener.connectFailures.values().iterator().next().sum()).isEqualTo(2);
        assertThat(counters.joinFailureReasons()).containsExactlyEntriesOf(
                java.util.Map.of("Token has expired N seconds ago", 2L));
    }

    @Test
    void serverCloseIsCountedAndThePendingDeliveriesOfTheChannelAreLostAsChannelDown() {
        listener.joined(2, 1);
        listener.ready(2, 1);
        ledger.register(0, 0, new int[] {2});

        listener.subscriptionClosed(2, "phx_close");
        listener.closedByServer(2);

        assertThat(Summary.Channels.from(counters, 4).closedByServer()).isEqualTo(1);
        assertThat(ledger.lost(LostReason.CHANNEL_DOWN)).isEqualTo(1);
        assertThat(board.isReady(2)).isFalse();
        assertThat(board.wasEverReady(2)).as("down, not never ready").isTrue();
    }

    @Test
    void otherChangeOfThisRunsProbeRowIsCountedApartAndAForeignOneIsNot() {
        listener.otherChangeReceived(0, "run:3", "UPDATE");
        listener.otherChangeReceived(0, "other-run:3", "UPDATE");

        assertThat(ledger.otherChanges()).isEqualTo(1);
        assertThat(ledger.duplicated()).isZero();
        assertThat(listener.foreignProbes.sum()).isEqualTo(1);
    }

    @Test
    void warmUpProbesGoToTheWarmUpAloneAndOtherRunsProbesAreForeign() {
        LatencyRecorders recorders = new LatencyRecorders();
        WarmUp warmUp = new WarmUp("run", 4, recorders);
        RunListener l = new RunListener("run", ledger, recorders, counters, board, false, warmUp);
        ledger.register(0, 0, new int[] {0});

        l.probeReceived(0, "run-warmup:7", 1_000_000, null); // not registered by the warm-up: still not foreign
        l.probeReceived(0, "other-run:3", 1_000_000, null);
        l.probeReceived(0, "run-warmupx:3", 1_000_000, null);
        l.probeReceived(0, "run:0", 2_000_000, null);

        assertThat(l.foreignProbes.sum()).isEqualTo(2);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.unexpected()).isZero();
        var interval = recorders.snapshot();
        assertThat(interval.histogram(dev.realtimeharness.metrics.Metric.PUB_TO_RECV).getTotalCount()).isEqualTo(1);
        assertThat(interval.histogram(dev.realtimeharness.metrics.Metric.WARMUP).getTotalCount())
                .as("an unregistered warm-up id is not a delivery").isZero();
    }
}
