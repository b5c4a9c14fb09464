package dev.realtimeharness.standin;

/** Why the stand-in refused a connect or a join, or shut a joined channel down; counted per reason. */
public enum Refusal {
    /** Connect: HTTP 401 "API key is missing". */
    CONNECT_API_KEY_MISSING,
    /** Connect: HTTP 401 "The token provided is not a valid JWT". */
    CONNECT_TOKEN_MALFORMED,
    /** Connect: HTTP 401 "Failed to validate JWT signature". */
    CONNECT_TOKEN_SIGNATURE,
    /** Connect: HTTP 401 "Fields `role` and `exp` are required in JWT". */
    CONNECT_TOKEN_MISSING_CLAIMS,
    /** Connect: HTTP 401 "Token has expired". */
    CONNECT_TOKEN_EXPIRED,
    /** Connect: HTTP 429 "Too many connected users". */
    CONNECT_TOO_MANY_USERS,
    /** Connect: HTTP 429 "Too many joins per second". */
    CONNECT_TOO_MANY_JOINS,
    /** Join: ConnectionRateLimitReached. */
    JOIN_TOO_MANY_USERS,
    /** Join: ClientJoinRateLimitReached (the socket is closed too). */
    JOIN_TOO_MANY_JOINS,
    /** Join: ChannelRateLimitReached. */
    JOIN_TOO_MANY_CHANNELS,
    /** Join: MalformedJWT. */
    JOIN_TOKEN_MALFORMED,
    /** Join: JwtSignatureError. */
    JOIN_TOKEN_SIGNATURE,
    /** Join: InvalidJWTToken, missing role or exp. */
    JOIN_TOKEN_MISSING_CLAIMS,
    /** Join: InvalidJWTToken, expired. */
    JOIN_TOKEN_EXPIRED,
    /** A joined channel's access_token push failed verification: system error, phx_close. */
    ACCESS_TOKEN_INVALID,
    /** A joined channel's token expired (the periodic confirm): system error, phx_close. */
    TOKEN_EXPIRED_WHILE_JOINED,
    /** A channel shut down by the events-per-second limit: system error, phx_close. */
    CHANNEL_EVENTS_RATE_LIMITED,
    /** A database change skipped (delivered to no channel) while the events-per-second limit was triggered. */
    CHANGE_SKIPPED_EVENTS_RATE_LIMITED,
    /** REST broadcast: HTTP 401 "Unauthorized" (no token, or it failed verification). */
    REST_UNAUTHORIZED,
    /** REST broadcast: HTTP 429 "Too many requests" while the events-per-second limit was triggered. */
    REST_EVENTS_RATE_LIMITED,
    /** A database broadcast (realtime.messages insert) skipped while the events-per-second limit was triggered. */
    DB_BROADCAST_SKIPPED_EVENTS_RATE_LIMITED,
    /** Presence: "Client presence rate limit exceeded" (more than 5 calls per 30 s): system error, phx_close. */
    PRESENCE_CLIENT_RATE_LIMITED
}
