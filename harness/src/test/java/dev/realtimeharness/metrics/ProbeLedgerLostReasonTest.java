package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.metrics.ProbeLedger.Kind;
import org.junit.jupiter.api.Test;

/** Lost deliveries by reason, and the side counts (late, unexpected, other changes) that never touch the identity. */
class ProbeLedgerLostReasonTest {
    private static final int[] NONE = {};

    @Test
    void deliveriesOwedToNeverReadyChannelsAreLostAsNeverReadyAtRegistration() {
        ProbeLedger ledger = new ProbeLedger(5);

        ledger.register(0, 0, new int[] {0, 1}, NONE, new int[] {2, 3, 4});

        assertThat(ledger.expectedDeliveries()).isEqualTo(5);
        assertThat(ledger.lost()).isEqualTo(3);
        assertThat(ledger.lost(LostReason.NEVER_READY)).isEqualTo(3);
        assertThat(ledger.pending()).isEqualTo(2);
    }

    @Test
    void deliveriesOwedToDownChannelsAreLostAsChannelDown() {
        ProbeLedger ledger = new ProbeLedger(3);

        ledger.register(0, 0, new int[] {0}, new int[] {1, 2}, NONE);

        assertThat(ledger.lost(LostReason.CHANNEL_DOWN)).isEqualTo(2);
        assertThat(ledger.lost(LostReason.NEVER_READY)).isZero();
        assertThat(ledger.pending()).isEqualTo(1);
    }

    @Test
    void subscriptionNamedTwiceCountsOnceWithTheStateThatWins() {
        ProbeLedger ledger = new ProbeLedger(3);

        ledger.register(0, 0, new int[] {1}, new int[] {1, 2}, new int[] {2, 0});

        assertThat(ledger.expectedDeliveries()).isEqualTo(3);
        assertThat(ledger.pending()).isEqualTo(1);
        assertThat(ledger.lost(LostReason.CHANNEL_DOWN)).isEqualTo(1);
        assertThat(ledger.lost(LostReason.NEVER_READY)).isEqualTo(1);
    }

    @Test
    void pendingDeliveryNotReceivedBeforeExpiryIsLostInFlight() {
        ProbeLedger ledger = new ProbeLedger(2);
        ledger.register(0, 0, new int[] {0, 1});
        ledger.markSent(0, 100);
        ledger.recordDelivery(0, 0, 200);

        assertThat(ledger.expireOlderThan(1_000)).isEqualTo(1);

        assertThat(ledger.lost(LostReason.IN_FLIGHT)).isEqualTo(1);
    }

    @Test
    void pendingDeliveryOnAClosedSubscriptionIsLostAsChannelDown() {
        ProbeLedger ledger = new ProbeLedger(2);
        ledger.register(0, 0, new int[] {0, 1});

        ledger.subscriptionClosed(1);

        assertThat(ledger.lost(LostReason.CHANNEL_DOWN)).isEqualTo(1);
        assertThat(ledger.lost(LostReason.IN_FLIGHT)).isZero();
    }

    @Test
    void failedPublishLosesEveryPendingDeliveryAsPublishFailed() {
        ProbeLedger ledger = new ProbeLedger(3);
        ledger.register(0, 0, new int[] {0, 1}, NONE, new int[] {2});

        assertThat(ledger.publishFailed(0, 500)).isEqualTo(2);

        assertThat(ledger.lost(LostReason.PUBLISH_FAILED)).isEqualTo(2);
        assertThat(ledger.lost(LostReason.NEVER_READY)).isEqualTo(1);
        assertThat(ledger.pending()).isZero();
        // Kept until the drain window passes its failure time, then evicted with nothing more to lose.
        assertThat(ledger.expireOlderThan(400)).isZero();
        assertThat(ledger.inFlightProbes()).isEqualTo(1);
        assertThat(ledger.expireOlderThan(600)).isZero();
        assertThat(ledger.inFlightProbes()).isZero();
    }

    @Test
    void deliveryOnAChannelCountedLostAtRegistrationIsLateNotDelivered() {
        ProbeLedger ledger = new ProbeLedger(2);
        ledger.register(0, 0, new int[] {0}, NONE, new int[] {1});

        assertThat(ledger.recordDelivery(0, 1, 10).kind()).isEqualTo(Kind.LATE);

        assertThat(ledger.late()).isEqualTo(1);
        assertThat(ledger.delivered()).isZero();
        assertThat(ledger.lost()).isEqualTo(1);
    }

    @Test
    void deliveryAfterItWasCountedLostIsLateAndNotCountedTwice() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});
        ledger.markSent(0, 0);
        ledger.finish();

        assertThat(ledger.recordDelivery(0, 0, 10).kind()).isEqualTo(Kind.LATE);

        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.delivered()).isZero();
        assertThat(ledger.late()).isEqualTo(1);
    }

    @Test
    void probeOnASubscriptionItWasNotOwedToIsUnexpected() {
        ProbeLedger ledger = new ProbeLedger(3);
        ledger.register(0, 0, new int[] {0}, new int[] {1}, NONE);

        assertThat(ledger.recordDelivery(0, 2, 10).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.recordDelivery(7, 0, 10).kind()).isEqualTo(Kind.UNEXPECTED);

        assertThat(ledger.unexpected()).isEqualTo(2);
        assertThat(ledger.delivered() + ledger.lost() + ledger.pending()).isEqualTo(ledger.expectedDeliveries());
    }

    @Test
    void otherChangesOnProbeRowsAreCountedApartFromDuplicates() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});
        ledger.recordDelivery(0, 0, 10);

        ledger.recordOtherChange();

        assertThat(ledger.otherChanges()).isEqualTo(1);
        assertThat(ledger.duplicated()).isZero();
        assertThat(ledger.counts().otherChanges()).isEqualTo(1);
    }

    @Test
    void expectedDeliveriesEqualDeliveredPlusLostAcrossMixedReasons() {
        ProbeLedger ledger = new ProbeLedger(6);
        // Probe 0: on 0 delivered, on 1 closed (channelDown), on 2 expires (inFlight), 3 down, 4 never ready.
        // Probe 1: on 1 closed (channelDown) before its publish fails (publishFailed on 0 and 2), 5 never ready.
        ledger.register(0, 0, new int[] {0, 1, 2}, new int[] {3}, new int[] {4});
        ledger.markSent(0, 100);
        ledger.register(1, 0, new int[] {0, 1, 2}, NONE, new int[] {5});
        ledger.markSent(1, 100);
        ledger.recordDelivery(0, 0, 150);
        ledger.recordDelivery(0, 0, 160); // duplicate: no change to the identity
        ledger.recordDelivery(0, 5, 170); // unexpected: not owed
        ledger.recordOtherChange();
        ledger.subscriptionClosed(1);
        ledger.publishFailed(1, 120);
        ledger.expireOlderThan(1_000);
        ledger.recordDelivery(0, 2, 2_000); // late, after expiry and eviction

        ProbeLedger.Counts c = ledger.counts();
        assertThat(c.expectedDeliveries()).isEqualTo(9);
        assertThat(c.delivered()).isEqualTo(1);
        assertThat(c.lostInFlight()).isEqualTo(1);
        assertThat(c.lostChannelDown()).isEqualTo(3);
        assertThat(c.lostNeverReady()).isEqualTo(2);
        assertThat(c.lostPublishFailed()).isEqualTo(2);
        assertThat(c.lost()).isEqualTo(c.lostInFlight() + c.lostChannelDown() + c.lostNeverReady()
                + c.lostPublishFailed());
        assertThat(c.delivered() + c.lost()).isEqualTo(c.expectedDeliveries());
        assertThat(c.pending()).isZero();
        assertThat(c.duplicated()).isEqualTo(1);
        assertThat(c.unexpected()).isEqualTo(1);
        assertThat(c.late()).isEqualTo(1);
        assertThat(c.otherChanges()).isEqualTo(1);
    }
}
