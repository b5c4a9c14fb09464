package dev.realtimeharness.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtTest {
    static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    @Test
    void signedUserTokenVerifiesWithItsClaims() throws Exception {
        String t = Jwt.userToken("d0000000-0000-4000-8000-000000000001", SECRET, NOW, NOW.plusSeconds(3600));
        var claims = Jwt.verify(t, SECRET, NOW);
        assertThat(claims.get("sub").asText()).isEqualTo("d0000000-0000-4000-8000-000000000001");
        assertThat(claims.get("role").asText()).isEqualTo("authenticated");
        assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 3600);
    }

    @Test
    void knownVectorMatchesTheStandardHs256Signature() {
        // Header and claims as in RFC 7515's HS256 example shape, checked against Python's hmac module.
        String t = Jwt.sign(Map.of("role", "anon"), "secret");
        assertThat(t).isEqualTo("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9."
                + "DKYv_tlj-Zl2f11sOqhgGcicZm8lmFZzMeoXDzDVbAk");
    }

    @Test
    void refusalsAreClassifiedAsTheServerReportsThem() {
        String good = Jwt.userToken("x", SECRET, NOW, NOW.plusSeconds(60));
        assertThatThrownBy(() -> Jwt.verify(good, "other-secret", NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
        assertThatThrownBy(() -> Jwt.verify(good, SECRET, NOW.plusSeconds(75)))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.EXPIRED);
                    assertThat(e.expiredSecondsAgo()).isEqualTo(15);
                });
        assertThatThrownBy(() -> Jwt.verify(Jwt.sign(Map.of("sub", "x"), SECRET), SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.MISSING_CLAIMS));
        assertThatThrownBy(() -> Jwt.verify("not-a-jwt", SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.MALFORMED));
    }
}
