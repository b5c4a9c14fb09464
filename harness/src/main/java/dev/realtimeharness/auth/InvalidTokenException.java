package dev.realtimeharness.auth;

/** Why a token was refused; {@link Kind} maps to the Realtime server's error texts (protocol.md §1 and §4). */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind { MALFORMED, SIGNATURE, MISSING_CLAIMS, EXPIRED }

    private final Kind kind;
    private final long expiredSecondsAgo;

    public InvalidTokenException(Kind kind, String detail) {
        super(kind + ": " + detail);
        this.kind = kind;
        this.expiredSecondsAgo = 0;
    }

    public InvalidTokenException(Kind kind, long expiredSecondsAgo) {
        super(kind + ": expired " + expiredSecondsAgo + " s ago");
        this.kind = kind;
        this.expiredSecondsAgo = expiredSecondsAgo;
    }

    public Kind kind() {
        return kind;
    }

    public long expiredSecondsAgo() {
        return expiredSecondsAgo;
    }
}
