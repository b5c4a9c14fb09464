package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixMessage;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The tokens of the channels on one socket (protocol.md §4 and §8): which token a join uses, its verification, the
 * {@code access_token} push that replaces it, and the periodic check that closes a channel whose token expired.
 * Confined to the socket's event loop.
 */
final class ChannelTokens {
    /** Opaque keys (sb_publishable_…, sb_secret_…) that the server swaps for the apikey token. */
    private static final String OPAQUE_KEY_PREFIX = "sb_";

    private final StandInConnection connection;
    private final StandInConfig config;
    /** The connect's apikey token: the default channel token. Null when none was given (auth off). */
    private final String apikeyToken;

    // The last join's verified token, for the next join on this socket (joinAuth). Event loop only.
    private JoinedChannel.Auth lastJoinAuth;

    ChannelTokens(StandInConnection connection, StandInConfig config, String apikeyToken) {
        this.connection = connection;
        this.config = config;
        this.apikeyToken = apikeyToken;
    }

    /**
     * The server's assign_access_token: {@code access_token}, else its alias {@code user_token}, else the socket's
     * apikey token; a token starting with {@code sb_} (an opaque key) is replaced by the apikey token too. guess: a
     * value that is not a string counts as absent.
     */
    String channelToken(JsonNode payload) {
        JsonNode t = payload.get("access_token");
        if (t == null || !t.isTextual()) {
            t = payload.get("user_token");
        }
        String token = t != null && t.isTextual() ? t.textValue() : null;
        if (token == null || token.startsWith(OPAQUE_KEY_PREFIX)) {
            return apikeyToken;
        }
        return token;
    }

    /**
     * The claims a join keeps for {@code token}: verified when the server has a secret (and refused when they do not
     * verify), otherwise read unverified as far as possible.
     */
    ObjectNode joinClaims(String token) throws InvalidTokenException {
        return config.authEnabled() ? verify(token) : claimsIfReadable(token);
    }

    /**
     * The token, claims and claims JSON a join keeps, shared with the socket's previous join when it gave the same
     * token (the usual case: a client joins all its channels with one token): one verification and one copy of the
     * claims per socket and token, not per channel. A shared token is checked for expiry again, and one that expired
     * since is verified anew, so it is refused as {@link #joinClaims} refuses it. Event loop only.
     */
    JoinedChannel.Auth joinAuth(String token) throws InvalidTokenException {
        JoinedChannel.Auth last = lastJoinAuth;
        if (last != null && java.util.Objects.equals(last.token(), token) && !expired(last.claims())) {
            return last;
        }
        JoinedChannel.Auth auth = JoinedChannel.Auth.of(token, joinClaims(token));
        lastJoinAuth = auth;
        return auth;
    }

    private boolean expired(ObjectNode claims) {
        if (!config.authEnabled()) {
            // Nothing is checked without a secret, expiry included.
            return false;
        }
        JsonNode exp = claims.get("exp");
        return exp == null || exp.asLong() <= Instant.now().getEpochSecond();
    }

    private ObjectNode verify(String token) throws InvalidTokenException {
        if (token == null) {
            // guess: only reachable without an apikey, which a secret-checking connect refuses; treat as malformed.
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "no token");
        }
        return Jwt.verify(token, config.jwtSecret(), Instant.now());
    }

    /** Without a secret nothing is checked, but the claims are kept when the token is readable, for RLS. */
    private static ObjectNode claimsIfReadable(String token) {
        try {
            return token == null ? Json.object() : Jwt.claimsUnverified(token);
        } catch (InvalidTokenException e) {
            return Json.object();
        }
    }

    /**
     * handle_in("access_token"): ignored when null, an opaque {@code sb_} key or the current token; otherwise the
     * token is verified again. Success replaces the channel's claims silently (the server re-evaluates RLS and
     * re-subscribes postgres changes; the stand-in has neither yet); failure pushes a system error and closes the
     * channel.
     */
    void accessToken(JoinedChannel ch, PhoenixMessage m) {
        JsonNode t = m.payload() == null ? null : m.payload().get("access_token");
        if (t == null || !t.isTextual()) {
            return;
        }
        String token = t.textValue();
        if (token.startsWith(OPAQUE_KEY_PREFIX) || token.equals(ch.accessToken())) {
            return;
        }
        if (!config.authEnabled()) {
            ch.authorize(token, claimsIfReadable(token));
            return;
        }
        try {
            ch.authorize(token, verify(token));
            scheduleTokenCheck(ch);
        } catch (InvalidTokenException e) {
            connection.shutdownChannel(ch, TokenErrors.systemMessage(e), Refusal.ACCESS_TOKEN_INVALID);
        }
    }

    /**
     * The server's confirm_token: at min(5 min, exp - now) the channel's token is checked again; expired → system
     * error "Token has expired N seconds ago" and phx_close; still valid → the next check is scheduled.
     */
    void scheduleTokenCheck(JoinedChannel ch) {
        if (!config.authEnabled()) {
            return;
        }
        JsonNode exp = ch.claims().get("exp");
        if (exp == null || !exp.canConvertToLong()) {
            return;
        }
        long untilExpMillis = exp.asLong() * 1000 - System.currentTimeMillis();
        long waitMillis = Math.max(0, Math.min(config.tokenCheckInterval().toMillis(), untilExpMillis));
        try {
            ch.tokenCheck(connection.channel().eventLoop().schedule(() -> confirmToken(ch), waitMillis,
                    TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    private void confirmToken(JoinedChannel ch) {
        if (!connection.isJoined(ch)) {
            return;
        }
        long exp = ch.claims().path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        if (exp <= now) {
            connection.shutdownChannel(ch, TokenErrors.expired(now - exp), Refusal.TOKEN_EXPIRED_WHILE_JOINED);
        } else {
            scheduleTokenCheck(ch);
        }
    }
}
