package dev.realtimeharness.publish;

/**
 * Sends probes to the target. {@link #send} is called on the publish thread at (or after) the probe's due time and
 * must not block it: implementations hand the work to their own pool and report back through {@link Outcome}.
 */
public interface Publisher extends AutoCloseable {

    void send(Probe probe, Outcome outcome);

    /** The name used in the report ("postgres", "broadcast", ...). */
    String via();

    /** Probes this publisher failed to send (also reported one by one through {@link Outcome#failed}). */
    default long failures() {
        return 0;
    }

    /** Its connections to the target (JDBC connections, sockets), 0 when it does not keep any of its own. */
    default int connections() {
        return 0;
    }

    @Override
    void close();

    /**
     * What became of a probe. The ledger counts a delivery out of order only against probes that had to come after it
     * (see the ledger's ordering rule): a publisher reports an acknowledgement when the target answers each probe,
     * or sends on FIFO lanes when it does not.
     */
    interface Outcome {
        /** The probe was handed to the driver at {@code sendNanos}, independently of the probes still in flight. */
        void sent(Probe probe, long sendNanos);

        /**
         * The probe was handed at {@code sendNanos} to FIFO lane {@code lane}, a socket that keeps its frames in
         * order and acknowledges none: it must arrive after every probe sent earlier on that lane. Called in the
         * lane's send order, before the frame is written.
         */
        default void sentOnLane(Probe probe, long sendNanos, int lane) {
            sent(probe, sendNanos);
        }

        /**
         * The target acknowledged the probe (its commit returned, its HTTP request was answered): every probe sent
         * from now on must arrive after it. Call as soon as the answer is seen.
         */
        default void acknowledged(Probe probe) {
        }

        /** The probe could not be sent; it will never be delivered. */
        void failed(Probe probe, String reason);
    }
}
