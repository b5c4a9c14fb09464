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

    interface Outcome {
        /** The probe was handed to the driver/socket at {@code sendNanos}. */
        void sent(Probe probe, long sendNanos);

        /** The probe could not be sent; it will never be delivered. */
        void failed(Probe probe, String reason);
    }
}
