package dev.realtimeharness.protocol;

/** A frame that is not a valid message of the negotiated serializer. Carries the frame's first bytes for the log. */
public class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
