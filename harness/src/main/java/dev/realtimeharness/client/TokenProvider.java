package dev.realtimeharness.client;

import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.auth.Jwt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver's access token: what goes in each join's {@code access_token} and what replaces it before it expires
 * (realtime-js {@code setAuth}). Called only on the driver's event loop.
 */
public interface TokenProvider {

    /** The token the driver uses now. */
    String current();

    /** Replaces the current token with a fresh one and returns it, or returns null when this provider cannot. */
    String renew();

    /** The token's {@code exp} in epoch seconds, or -1 when it has none or is not a JWT (an opaque key). */
    static long expiresAt(String token) {
        return epochClaim(token, "exp");
    }

    /** The token's {@code iat} in epoch seconds, or -1. */
    static long issuedAt(String token) {
        return epochClaim(token, "iat");
    }

    private static long epochClaim(String token, String name) {
        try {
            var claims = Jwt.claimsUnverified(token);
            return claims.hasNonNull(name) ? claims.get(name).asLong() : -1;
        } catch (InvalidTokenException e) {
            return -1;
        }
    }

    /** A token that is never replaced: the apikey used as access token, as supabase-js does without a session. */
    static TokenProvider fixed(String token) {
        return new TokenProvider() {
            @Override
            public String current() {
                return token;
            }

            @Override
            public String renew() {
                return null;
            }
        };
    }

    /**
     * A pre-issued token (from a tokens file) that cannot be renewed: the first driver that needs a renewal logs
     * one warning through {@code warnedOnce}, shared by all drivers of a run.
     */
    static TokenProvider preIssued(String token, AtomicBoolean warnedOnce) {
        return new TokenProvider() {
            @Override
            public String current() {
                return token;
            }

            @Override
            public String renew() {
                if (warnedOnce.compareAndSet(false, true)) {
                    LoggerFactory.getLogger(TokenProvider.class).warn("the tokens from --tokens expire soon and the "
                            + "harness cannot renew them (use --jwt-secret to let it mint and renew tokens); channels "
                            + "may be closed by the server when they expire");
                }
                return null;
            }
        };
    }

    /** Tokens minted with the project's JWT secret: {@code sub} = the driver's id, role authenticated. */
    static TokenProvider minted(String sub, String secret, Duration lifetime, Clock clock) {
        return new Minted(sub, secret, lifetime, clock);
    }

    final class Minted implements TokenProvider {
        private static final Logger log = LoggerFactory.getLogger(Minted.class);
        private final String sub;
        private final String secret;
        private final Duration lifetime;
        private final Clock clock;
        private String token;

        Minted(String sub, String secret, Duration lifetime, Clock clock) {
            this.sub = sub;
            this.secret = secret;
            this.lifetime = lifetime;
            this.clock = clock;
            this.token = mint();
        }

        private String mint() {
            Instant now = clock.instant();
            return Jwt.userToken(sub, secret, now, now.plus(lifetime));
        }

        @Override
        public String current() {
            return token;
        }

        @Override
        public String renew() {
            token = mint();
            log.debug("renewed the token of {}", sub);
            return token;
        }
    }
}
