package dev.realtimeharness.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

    // Interop: tokens below were minted by the hand-written HMAC signer this class had before nimbus-jose-jwt
    // (Jwt.java at 5c976a1, secrets as named), and cross-checked with Python's hmac module.
    static final String OLD_USER_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE4MDAwMDM2MDAsInJvbGUiOiJhdXRo"
            + "ZW50aWNhdGVkIiwiYXVkIjoiYXV0aGVudGljYXRlZCIsImlhdCI6MTgwMDAwMDAwMCwic3ViIjoiZDAwMDAwMDAtMDAwMC00MDAwLTgw"
            + "MDAtMDAwMDAwMDAwMDAxIn0.Lm-NdiBrZh6SWKvAKJUVcPtXnrhiEKnYoscBAkGblNY";
    // secret "test-secret": 11 bytes, under the 256 bits nimbus's MACSigner insists on
    static final String OLD_SHORT_SECRET_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE4MDAwMDAwNjAsInJvbGUi"
            + "OiJhdXRoZW50aWNhdGVkIiwiYXVkIjoiYXV0aGVudGljYXRlZCIsImlhdCI6MTgwMDAwMDAwMCwic3ViIjoiZHJpdmVyLTcifQ."
            + "tI7a3SHE2F1hCOnsbFWJqTM2aLE39OQSIa1YE_63mC8";
    // sign(TreeMap{exp=1800000060, iss=realtime-harness, role=anon}, SECRET)
    static final String OLD_SORTED_CLAIMS_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE4MDAwMDAwNjAsImlzcyI6"
            + "InJlYWx0aW1lLWhhcm5lc3MiLCJyb2xlIjoiYW5vbiJ9.-yiM9LBwQ8zSo2j_Wvmnh7k5CP5Wl3HGIiyBQ2hOccc";
    // sign(TreeMap{exp=1800000060, role=anon}, "x" * 80): a key longer than HMAC-SHA256's 64-byte block
    static final String OLD_LONG_SECRET_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE4MDAwMDAwNjAsInJvbGUiOi"
            + "Jhbm9uIn0.0Vrj945Bz5sN2ka37QtxY4jk7IGVYk9uoU0ANSEDsW4";
    // jwt.io's HS256 example, secret "your-256-bit-secret" (19 bytes); it has neither role nor exp
    static final String JWT_IO_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4g"
            + "RG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    @Test
    void tokensMintedByTheHandWrittenSignerStillVerify() throws Exception {
        assertThat(Jwt.verify(OLD_USER_TOKEN, SECRET, NOW).get("sub").asText())
                .isEqualTo("d0000000-0000-4000-8000-000000000001");
        assertThat(Jwt.verify(OLD_SHORT_SECRET_TOKEN, "test-secret", NOW).get("sub").asText()).isEqualTo("driver-7");
        assertThat(Jwt.verify(OLD_SORTED_CLAIMS_TOKEN, SECRET, NOW).get("iss").asText()).isEqualTo("realtime-harness");
        assertThat(Jwt.verify(OLD_LONG_SECRET_TOKEN, "x".repeat(80), NOW).get("role").asText()).isEqualTo("anon");
    }

    @Test
    void signingReproducesTheHandWrittenSignersTokensByteForByte() {
        // TreeMap: Map.of's iteration order changes from one JVM start to the next, a sorted map's does not.
        assertThat(Jwt.sign(new TreeMap<>(Map.of("role", "anon", "exp", 1_800_000_060L, "iss", "realtime-harness")),
                SECRET)).isEqualTo(OLD_SORTED_CLAIMS_TOKEN);
        assertThat(Jwt.sign(new TreeMap<>(Map.of("role", "anon", "exp", 1_800_000_060L)), "x".repeat(80)))
                .isEqualTo(OLD_LONG_SECRET_TOKEN);
    }

    @Test
    void signatureEqualsTheJdkHmacSha256OfTheSigningInputForShortExactAndLongSecrets() throws Exception {
        for (String secret : new String[] {"s", "test-secret", "0123456789abcdef0123456789abcdef", "y".repeat(100)}) {
            String t = Jwt.userToken("d", secret, NOW, NOW.plusSeconds(60));
            int lastDot = t.lastIndexOf('.');
            assertThat(t.substring(lastDot + 1)).as(secret).isEqualTo(jdkHs256(t.substring(0, lastDot), secret));
            assertThat(Jwt.verify(t, secret, NOW).get("sub").asText()).isEqualTo("d");
        }
    }

    @Test
    void jwtIoExampleWithAShortSecretPassesTheSignatureCheckAndFailsOnlyOnMissingClaims() {
        // MISSING_CLAIMS is checked after the signature: reaching it proves the signature was accepted.
        assertThatThrownBy(() -> Jwt.verify(JWT_IO_EXAMPLE, "your-256-bit-secret", NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.MISSING_CLAIMS);
                    assertThat(e).hasMessage("MISSING_CLAIMS: role or exp missing");
                });
        assertThatThrownBy(() -> Jwt.verify(JWT_IO_EXAMPLE, "your-256-bit-secreT", NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
    }

    @Test
    void shortSecretIsNotConfusedWithItsZeroPaddingsNeighbours() {
        // The short key is zero-padded for nimbus; a different short key must still fail.
        assertThatThrownBy(() -> Jwt.verify(OLD_SHORT_SECRET_TOKEN, "test-secreT", NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
        assertThatThrownBy(() -> Jwt.verify(OLD_SHORT_SECRET_TOKEN, "test-secre", NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
    }

    @Test
    void tamperedSignatureOrClaimsAreRejectedAsSignatureErrors() {
        int lastDot = OLD_USER_TOKEN.lastIndexOf('.');
        String sig = OLD_USER_TOKEN.substring(lastDot + 1);
        String flipped = OLD_USER_TOKEN.substring(0, lastDot + 1) + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);
        assertThatThrownBy(() -> Jwt.verify(flipped, SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE);
                    assertThat(e).hasMessage("SIGNATURE: signature mismatch");
                });
        String[] p = OLD_USER_TOKEN.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace("\"authenticated\"", "\"service_role\"");
        String forged = p[0] + "." + b64(claims.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertThatThrownBy(() -> Jwt.verify(forged, SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
        String unsigned = p[0] + "." + p[1] + ".";
        assertThatThrownBy(() -> Jwt.verify(unsigned, SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.SIGNATURE));
    }

    @Test
    void signatureWithCharactersOutsideBase64urlIsMalformedNotSkipped() {
        // nimbus's decoder would skip the '!' and accept the signature; the server calls the token malformed.
        assertThatThrownBy(() -> Jwt.verify(OLD_USER_TOKEN + "!", SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.MALFORMED);
                    assertThat(e).hasMessage("MALFORMED: signature is not base64url");
                });
        String[] p = OLD_USER_TOKEN.split("\\.");
        assertThatThrownBy(() -> Jwt.verify(p[0] + "." + p[1] + "+." + p[2], SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e ->
                        assertThat(e).hasMessage("MALFORMED: claims are not base64url JSON"));
        assertThatThrownBy(() -> Jwt.verify("e30." + p[1] + "." + p[2], SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e ->
                        assertThat(e).hasMessage("SIGNATURE: unsupported alg"));
        assertThatThrownBy(() -> Jwt.verify("x" + OLD_USER_TOKEN, SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e ->
                        assertThat(e).hasMessage("MALFORMED: header is not base64url JSON"));
        assertThatThrownBy(() -> Jwt.verify("a.b", SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e ->
                        assertThat(e).hasMessage("MALFORMED: not three dot-separated parts"));
    }

    @Test
    void expiryHasNoLeewayAndExpAtNowIsExpired() throws Exception {
        // nimbus's DefaultJWTClaimsVerifier would allow 60 s of skew; the Realtime server allows none.
        String t = Jwt.userToken("d", SECRET, NOW.minusSeconds(60), NOW);
        assertThatThrownBy(() -> Jwt.verify(t, SECRET, NOW))
                .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.EXPIRED);
                    assertThat(e.expiredSecondsAgo()).isZero();
                    assertThat(e).hasMessage("EXPIRED: expired 0 s ago");
                });
        assertThat(Jwt.verify(t, SECRET, NOW.minusSeconds(1)).get("exp").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThatThrownBy(() -> Jwt.verify(OLD_SHORT_SECRET_TOKEN, "test-secret", NOW.plusSeconds(61)))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e).hasMessage("EXPIRED: expired 1 s ago"));
    }

    @Test
    void otherAlgorithmsAndAlgNoneAreRefusedAsSignatureErrors() throws Exception {
        String claims = b64("{\"role\":\"anon\",\"exp\":1900000000}".getBytes(StandardCharsets.UTF_8));
        String none = b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + claims + ".";
        String hs512Header = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        String hs512 = hs512Header + "." + claims + "."
                + b64(mac.doFinal((hs512Header + "." + claims).getBytes(StandardCharsets.UTF_8)));
        for (String t : new String[] {none, hs512}) {
            assertThatThrownBy(() -> Jwt.verify(t, SECRET, NOW))
                    .isInstanceOfSatisfying(InvalidTokenException.class,
                            e -> assertThat(e).hasMessage("SIGNATURE: unsupported alg"));
        }
    }

    @Test
    void claimsAreReadUnverifiedFromAnyWellFormedToken() throws Exception {
        assertThat(Jwt.claimsUnverified(OLD_SHORT_SECRET_TOKEN).get("exp").asLong()).isEqualTo(1_800_000_060L);
        assertThatThrownBy(() -> Jwt.claimsUnverified("a." + b64("[1]".getBytes(StandardCharsets.UTF_8)) + ".c"))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e).hasMessage("MALFORMED: claims are not a JSON object"));
        assertThatThrownBy(() -> Jwt.claimsUnverified(null))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(InvalidTokenException.Kind.MALFORMED));
    }

    @Test
    void randomSecretIs32BytesOfBase64urlAndSignsVerifiableTokens() throws Exception {
        String secret = Jwt.randomSecret();
        assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);
        assertThat(secret).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Jwt.verify(Jwt.anonKey(secret), secret, Instant.now()).get("role").asText()).isEqualTo("anon");
    }

    @Test
    void emptySecretIsRefused() {
        assertThatThrownBy(() -> Jwt.sign(Map.of("role", "anon"), "")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String jdkHs256(String input, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return b64(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
