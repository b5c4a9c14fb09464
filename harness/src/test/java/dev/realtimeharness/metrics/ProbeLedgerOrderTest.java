package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ordering rule ({@link DeliveryOrder}) as the ledger applies it. */
class ProbeLedgerOrderTest {

    // Lane 0 carries seqs 0, 2, 4 and lane 1 seqs 1, 3, 5, sent in seq order at 100 + seq, owed to every subscription.
    private static ProbeLedger twoLanes(int subscriptions) {
        ProbeLedger ledger = new ProbeLedger(subscriptions);
        int[] all = new int[subscriptions];
        for (int i = 0; i < subscriptions; i++) {
            all[i] = i;
        }
        for (int seq = 0; seq < 6; seq++) {
            ledger.register(seq, seq, all);
            ledger.markSent(seq, 100 + seq, seq % 2);
        }
        return ledger;
    }

    private static void deliver(ProbeLedger ledger, int subscription, long... seqs) {
        for (long seq : seqs) {
            assertThat(ledger.recordDelivery(seq, subscription, 1_000).delivered()).isTrue();
        }
    }

    @Test
    void interleavedLanesAreNotOutOfOrder() {
        ProbeLedger ledger = twoLanes(1);

        deliver(ledger, 0, 1, 0, 3, 2, 5, 4);

        assertThat(ledger.delivered()).isEqualTo(6);
        assertThat(ledger.outOfOrder()).isZero();
        assertThat(ledger.outOfOrder(0)).isZero();
    }

    @Test
    void inversionWithinOneLaneCountsOncePerSubscription() {
        ProbeLedger ledger = twoLanes(2);

        deliver(ledger, 0, 0, 1, 4, 3, 2, 5); // 4 overtook 2 on lane 0; 3 after 4 is another lane
        deliver(ledger, 1, 1, 0, 3, 2, 5, 4);

        assertThat(ledger.outOfOrder()).isEqualTo(1);
        assertThat(ledger.outOfOrder(0)).isEqualTo(1);
        assertThat(ledger.outOfOrder(1)).isZero();
        assertThat(ledger.delivered()).isEqualTo(12);
    }

    @Test
    void laneInversionCountsPastALaterProbeNotDeliveredYet() {
        ProbeLedger ledger = twoLanes(1);

        deliver(ledger, 0, 4, 0); // 2, between them on lane 0, has not arrived

        assertThat(ledger.outOfOrder()).isEqualTo(1);
        deliver(ledger, 0, 2); // and 2 itself came after 4 as well
        assertThat(ledger.outOfOrder()).isEqualTo(2);
    }

    @Test
    void probesInFlightTogetherWithoutLaneOrAcknowledgementAreNotOutOfOrder() {
        // Four JDBC connections: four statements handed to the driver before any commit returned.
        long[] now = {0};
        ProbeLedger ledger = new ProbeLedger(1, () -> now[0]);
        for (int seq = 0; seq < 4; seq++) {
            ledger.register(seq, seq, new int[] {0});
            ledger.markSent(seq, 10 + seq);
        }
        now[0] = 20;
        for (int seq = 0; seq < 4; seq++) {
            ledger.markAcknowledged(seq);
        }

        deliver(ledger, 0, 3, 1, 2, 0);

        assertThat(ledger.outOfOrder()).isZero();
    }

    @Test
    void probeSentAfterAnotherWasAcknowledgedMustNotArriveFirst() {
        long[] now = {0};
        ProbeLedger ledger = new ProbeLedger(2, () -> now[0]);
        ledger.register(0, 0, new int[] {0, 1});
        ledger.register(1, 0, new int[] {0, 1});
        ledger.register(2, 0, new int[] {0, 1});
        ledger.markSent(0, 10);
        ledger.markSent(1, 15); // in flight together with 0: no order between them
        now[0] = 20;
        ledger.markAcknowledged(0);
        ledger.markSent(2, 30); // sent after 0 committed: must arrive after 0

        deliver(ledger, 0, 2, 1, 0); // 0 after 2: inverted; 1 after 2 is not (1 not acknowledged)
        deliver(ledger, 1, 1, 0, 2);

        assertThat(ledger.outOfOrder()).isEqualTo(1);
        assertThat(ledger.outOfOrder(0)).isEqualTo(1);
        assertThat(ledger.outOfOrder(1)).isZero();
    }

    @Test
    void acknowledgementAfterTheDeliveryOrdersNothingBeforeIt() {
        long[] now = {0};
        ProbeLedger ledger = new ProbeLedger(1, () -> now[0]);
        ledger.register(0, 0, new int[] {0});
        ledger.register(1, 0, new int[] {0});
        ledger.markSent(0, 10);
        ledger.markSent(1, 15);
        deliver(ledger, 0, 1);
        now[0] = 40; // 0's commit is seen returning only now, after 1 (sent at 15) was delivered
        ledger.markAcknowledged(0);

        deliver(ledger, 0, 0);

        assertThat(ledger.outOfOrder()).isZero();
    }
}
