package dev.realtimeharness.run;

import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.publish.Probe;
import dev.realtimeharness.publish.Publisher;

/**
 * What a publisher reports, written into a probe ledger: sent (on a FIFO lane or not), acknowledged, failed (what the
 * probe still owed is then lost as publishFailed, not left to expire as in flight). {@code onSend} sees every send and
 * {@code onFailure} every failure, for what the caller measures besides the ledger.
 */
final class LedgerOutcome implements Publisher.Outcome {

    interface OnSend {
        void sent(Probe probe, long sendNanos);
    }

    private final ProbeLedger ledger;
    private final OnSend onSend;
    private final Runnable onFailure;

    LedgerOutcome(ProbeLedger ledger, OnSend onSend, Runnable onFailure) {
        this.ledger = ledger;
        this.onSend = onSend;
        this.onFailure = onFailure;
    }

    @Override
    public void sent(Probe probe, long sendNanos) {
        ledger.markSent(probe.seq(), sendNanos);
        onSend.sent(probe, sendNanos);
    }

    @Override
    public void sentOnLane(Probe probe, long sendNanos, int lane) {
        ledger.markSent(probe.seq(), sendNanos, lane);
        onSend.sent(probe, sendNanos);
    }

    @Override
    public void acknowledged(Probe probe) {
        ledger.markAcknowledged(probe.seq());
    }

    @Override
    public void failed(Probe probe, String reason) {
        onFailure.run();
        ledger.publishFailed(probe.seq(), System.nanoTime());
    }
}
