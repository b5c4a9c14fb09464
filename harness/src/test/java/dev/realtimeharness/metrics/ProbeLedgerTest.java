package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.metrics.ProbeLedger.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ProbeLedgerTest {

    private static void assertBalanced(ProbeLedger ledger) {
        assertThat(ledger.pending()).isZero();
        assertThat(ledger.delivered() + ledger.lost()).isEqualTo(ledger.expectedDeliveries());
    }

    @Test
    void deliveredProbeCarriesDueAndSendTimes() {
        ProbeLedger ledger = new ProbeLedger(4);
        ledger.register(0, 1_000, new int[] {0, 1});
        ledger.markSent(0, 1_500);

        ProbeLedger.Delivery delivery = ledger.recordDelivery(0, 1, 9_000);

        assertThat(delivery.kind()).isEqualTo(Kind.DELIVERED);
        assertThat(delivery.dueNanos()).isEqualTo(1_000);
        assertThat(delivery.sendNanos()).isEqualTo(1_500);
        assertThat(delivery.hasSendTime()).isTrue();
        assertThat(ledger.published()).isEqualTo(1);
        assertThat(ledger.expectedDeliveries()).isEqualTo(2);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.pending()).isEqualTo(1);
    }

    @Test
    void deliveryBeforeMarkSentHasNoSendTime() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 1_000, new int[] {0});

        assertThat(ledger.recordDelivery(0, 0, 2_000).hasSendTime()).isFalse();
    }

    @Test
    void ledgerCountsSecondDeliveryAsDuplicate() {
        ProbeLedger ledger = new ProbeLedger(2);
        ledger.register(0, 0, new int[] {0});
        ledger.markSent(0, 0);

        assertThat(ledger.recordDelivery(0, 0, 10).kind()).isEqualTo(Kind.DELIVERED);
        assertThat(ledger.recordDelivery(0, 0, 20).kind()).isEqualTo(Kind.DUPLICATE);

        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.duplicated()).isEqualTo(1);
        assertBalanced(ledger);
    }

    @Test
    void unknownSeqOrUnexpectedSubscriptionIsUnexpected() {
        ProbeLedger ledger = new ProbeLedger(3);
        ledger.register(0, 0, new int[] {0});

        assertThat(ledger.recordDelivery(7, 0, 10).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.recordDelivery(0, 2, 10).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.recordDelivery(0, 99, 10).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.recordDelivery(0, -1, 10).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.unexpected()).isEqualTo(4);
        assertThat(ledger.delivered()).isZero();
    }

    @Test
    void ledgerCountsOutOfOrderPerSubscription() {
        long[] now = {0};
        ProbeLedger ledger = new ProbeLedger(2, () -> now[0]);
        for (int seq = 0; seq < 3; seq++) {
            ledger.register(seq, seq, new int[] {0, 1});
            ledger.markSent(seq, 10 * seq);
            now[0] = 10 * seq + 5;
            ledger.markAcknowledged(seq); // one connection: each commit returns before the next probe is sent
        }
        ledger.recordDelivery(0, 0, 10);
        ledger.recordDelivery(2, 0, 11);
        ledger.recordDelivery(1, 0, 12); // 2 was sent after 1 committed, and arrived first on subscription 0
        for (int seq = 0; seq < 3; seq++) {
            ledger.recordDelivery(seq, 1, 20);
        }

        assertThat(ledger.outOfOrder()).isEqualTo(1);
        assertThat(ledger.outOfOrder(0)).isEqualTo(1);
        assertThat(ledger.outOfOrder(1)).isZero();
        assertThat(ledger.delivered()).isEqualTo(6);
        assertBalanced(ledger);
    }

    @Test
    void closedSubscriptionTurnsItsPendingDeliveriesIntoLost() {
        ProbeLedger ledger = new ProbeLedger(2);
        ledger.register(0, 0, new int[] {0, 1});
        ledger.register(1, 0, new int[] {0, 1});
        ledger.recordDelivery(0, 0, 10);

        ledger.subscriptionClosed(0);

        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.pending()).isEqualTo(2);
        ledger.recordDelivery(0, 1, 10);
        ledger.recordDelivery(1, 1, 10);
        assertBalanced(ledger);
        // A straggler for the closed subscription does not undo the loss.
        assertThat(ledger.recordDelivery(1, 0, 20).kind()).isEqualTo(Kind.LATE);
        assertThat(ledger.late()).isEqualTo(1);
        assertBalanced(ledger);
    }

    @Test
    void ledgerCountsLateDeliveryAsLost() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});
        ledger.markSent(0, 100);

        assertThat(ledger.expireOlderThan(101)).isEqualTo(1);
        assertThat(ledger.recordDelivery(0, 0, 200).kind()).isEqualTo(Kind.LATE);

        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.delivered()).isZero();
        assertBalanced(ledger);
    }

    @Test
    void expireKeepsProbesSentLaterAndUnsentOnes() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});
        ledger.register(1, 0, new int[] {0});
        ledger.register(2, 0, new int[] {0});
        ledger.markSent(0, 100);
        ledger.markSent(1, 300);

        ledger.expireOlderThan(200);

        assertThat(ledger.inFlightProbes()).isEqualTo(2);
        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.recordDelivery(1, 0, 400).kind()).isEqualTo(Kind.DELIVERED);
    }

    @Test
    void finishMarksEverythingPendingLost() {
        ProbeLedger ledger = new ProbeLedger(3);
        ledger.register(0, 0, new int[] {0, 1, 2});
        ledger.register(1, 0, new int[] {2});
        ledger.recordDelivery(0, 1, 5);

        assertThat(ledger.finish()).isEqualTo(3);

        assertThat(ledger.counts().lost()).isEqualTo(3);
        assertThat(ledger.counts().delivered()).isEqualTo(1);
        assertBalanced(ledger);
    }

    @Test
    void reDeliveryAfterEvictionCountsAsDuplicate() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});
        ledger.markSent(0, 10);
        ledger.recordDelivery(0, 0, 20);
        ledger.expireOlderThan(1_000);
        assertThat(ledger.inFlightProbes()).isZero();

        assertThat(ledger.recordDelivery(0, 0, 2_000).kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(ledger.recordDelivery(5, 0, 2_000).kind()).isEqualTo(Kind.UNEXPECTED);
        assertThat(ledger.duplicated()).isEqualTo(1);
        assertBalanced(ledger);
    }

    @Test
    void registeringTheSameSeqTwiceFails() {
        ProbeLedger ledger = new ProbeLedger(1);
        ledger.register(0, 0, new int[] {0});

        assertThatThrownBy(() -> ledger.register(0, 0, new int[] {0})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ledger.register(1, 0, new int[] {5})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void memoryStaysBoundedOverAMillionProbes() {
        int subscriptions = 4;
        ProbeLedger ledger = new ProbeLedger(subscriptions);
        int[] all = {0, 1, 2, 3};
        long windowNanos = 5_000;
        int maxInFlight = 0;
        for (long seq = 0; seq < 1_000_000; seq++) {
            long now = seq * 1_000; // one probe a microsecond of fake time
            ledger.register(seq, now, all);
            ledger.markSent(seq, now);
            for (int s = 0; s < subscriptions; s++) {
                // Subscription 3 drops every 1000th probe.
                if (s != 3 || seq % 1_000 != 0) {
                    ledger.recordDelivery(seq, s, now + 500);
                }
            }
            if (seq % 1_000 == 0) {
                ledger.expireOlderThan(now - windowNanos);
            }
            maxInFlight = Math.max(maxInFlight, ledger.inFlightProbes());
        }
        ledger.finish();

        assertThat(maxInFlight).isLessThanOrEqualTo(1_006);
        assertThat(ledger.published()).isEqualTo(1_000_000);
        assertThat(ledger.expectedDeliveries()).isEqualTo(4_000_000);
        assertThat(ledger.lost()).isEqualTo(1_000);
        assertBalanced(ledger);
    }

    @Test
    void concurrentDeliveriesBalance() throws Exception {
        int subscriptions = 8;
        int probes = 20_000;
        ProbeLedger ledger = new ProbeLedger(subscriptions);
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int seq = 0; seq < probes; seq++) {
            ledger.register(seq, seq, all);
            ledger.markSent(seq, seq);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                // Every thread delivers every (seq, subscription): one delivery, three duplicates each.
                for (int seq = 0; seq < probes; seq++) {
                    for (int s = 0; s < subscriptions; s++) {
                        ledger.recordDelivery(seq, (s + offset) % subscriptions, 1);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        ledger.finish();

        assertThat(ledger.delivered()).isEqualTo((long) probes * subscriptions);
        assertThat(ledger.duplicated()).isEqualTo(3L * probes * subscriptions);
        assertThat(ledger.lost()).isZero();
        assertBalanced(ledger);
    }

    @Test
    void probesWhoseSeqsShareARecentSlotAreEachFoundAndEvictedOnes() {
        ProbeLedger ledger = new ProbeLedger(2);
        long a = 7;
        long b = 7 + 4096;
        ledger.register(a, 100, new int[] {0, 1});
        ledger.register(b, 200, new int[] {0, 1});
        ledger.markSent(a, 100);
        ledger.markSent(b, 200);
        ProbeLedger.Delivery first = ledger.recordDelivery(a, 0, 300);
        assertThat(first.delivered()).isTrue();
        assertThat(first.dueNanos()).isEqualTo(100);
        assertThat(ledger.recordDelivery(b, 0, 300).dueNanos()).isEqualTo(200);
        assertThat(ledger.recordDelivery(a, 0, 301).kind()).isEqualTo(ProbeLedger.Kind.DUPLICATE);
        // a is evicted (sent before 150), its pending delivery at subscription 1 lost; b stays.
        assertThat(ledger.expireOlderThan(150)).isEqualTo(1);
        assertThat(ledger.recordDelivery(a, 1, 400).kind()).isEqualTo(ProbeLedger.Kind.LATE);
        assertThat(ledger.recordDelivery(b, 1, 400).delivered()).isTrue();
        assertThat(ledger.delivered()).isEqualTo(3);
        assertThat(ledger.lost()).isEqualTo(1);
    }
}
