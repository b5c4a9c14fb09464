package dev.realtimeharness.standin;

import dev.realtimeharness.auth.InvalidTokenException;

/**
 * The real server's texts for a refused token, in the three places it reports them: the HTTP 401 body at connect
 * (user_socket.ex), the join error reason (realtime_channel.ex, "Code: message") and the system message that closes
 * a joined channel (access_token push, token expiry).
 */
final class TokenErrors {
    static final String API_KEY_MISSING = "API key is missing";
    static final String MALFORMED = "The token provided is not a valid JWT";
    static final String SIGNATURE = "Failed to validate JWT signature";
    static final String MISSING_CLAIMS = "Fields `role` and `exp` are required in JWT";

    private TokenErrors() {
    }

    /** The {@code error} of the 401 body. The connect error for an expired token carries no age. */
    static String connectMessage(InvalidTokenException e) {
        return switch (e.kind()) {
            case MALFORMED -> MALFORMED;
            case SIGNATURE -> SIGNATURE;
            case MISSING_CLAIMS -> MISSING_CLAIMS;
            case EXPIRED -> "Token has expired";
        };
    }

    static Refusal connectRefusal(InvalidTokenException e) {
        return switch (e.kind()) {
            case MALFORMED -> Refusal.CONNECT_TOKEN_MALFORMED;
            case SIGNATURE -> Refusal.CONNECT_TOKEN_SIGNATURE;
            case MISSING_CLAIMS -> Refusal.CONNECT_TOKEN_MISSING_CLAIMS;
            case EXPIRED -> Refusal.CONNECT_TOKEN_EXPIRED;
        };
    }

    /** The join error reason. */
    static String joinReason(InvalidTokenException e) {
        return switch (e.kind()) {
            case MALFORMED -> "MalformedJWT: " + MALFORMED;
            case SIGNATURE -> "JwtSignatureError: " + SIGNATURE;
            case MISSING_CLAIMS -> "InvalidJWTToken: " + MISSING_CLAIMS;
            case EXPIRED -> "InvalidJWTToken: " + expired(e.expiredSecondsAgo());
        };
    }

    static Refusal joinRefusal(InvalidTokenException e) {
        return switch (e.kind()) {
            case MALFORMED -> Refusal.JOIN_TOKEN_MALFORMED;
            case SIGNATURE -> Refusal.JOIN_TOKEN_SIGNATURE;
            case MISSING_CLAIMS -> Refusal.JOIN_TOKEN_MISSING_CLAIMS;
            case EXPIRED -> Refusal.JOIN_TOKEN_EXPIRED;
        };
    }

    /**
     * The message of the system error that closes a joined channel whose new access_token fails. Expired and missing
     * claims are the server's texts (protocol.md §8). guess: for a malformed token or a bad signature the server
     * reports its internal error term (something like "Received an invalid access token from client: ..."); the
     * stand-in reuses the connect texts.
     */
    static String systemMessage(InvalidTokenException e) {
        return switch (e.kind()) {
            case MALFORMED -> MALFORMED;
            case SIGNATURE -> SIGNATURE;
            case MISSING_CLAIMS -> MISSING_CLAIMS;
            case EXPIRED -> expired(e.expiredSecondsAgo());
        };
    }

    static String expired(long secondsAgo) {
        return "Token has expired " + secondsAgo + " seconds ago";
    }
}
