package dev.realtimeharness.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JSON Web Tokens, as Supabase signs them with the project's JWT secret: minting (the harness's per-driver
 * tokens, the embedded target's anon key) and verification (the stand-in). Shared by both sides on purpose: a JWT is
 * a format, not client or server behaviour.
 */
public final class Jwt {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER = B64.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private Jwt() {
    }

    /** A random secret of 32 bytes, base64url: the embedded target's throwaway JWT secret. */
    public static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return B64.encodeToString(b);
    }

    /** Signs the claims with HS256. */
    public static String sign(Map<String, ?> claims, String secret) {
        String body = B64.encodeToString(toJson(claims));
        String input = HEADER + "." + body;
        return input + "." + B64.encodeToString(hmac(input, secret));
    }

    /** An anon key like Supabase's: role anon, issued now, valid for ten years. */
    public static String anonKey(String secret) {
        long now = Instant.now().getEpochSecond();
        return sign(Map.of("iss", "realtime-harness", "role", "anon", "iat", now, "exp", now + 10L * 365 * 24 * 3600),
                secret);
    }

    /** A driver's token, as the driver app would hold after signing in: sub = its id, role authenticated. */
    public static String userToken(String sub, String secret, Instant issuedAt, Instant expiresAt) {
        return sign(Map.of("sub", sub, "role", "authenticated", "aud", "authenticated",
                "iat", issuedAt.getEpochSecond(), "exp", expiresAt.getEpochSecond()), secret);
    }

    /** The token's claims, read without checking the signature (for expiry scheduling on the client side). */
    public static ObjectNode claimsUnverified(String token) throws InvalidTokenException {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "not three dot-separated parts");
        }
        try {
            JsonNode n = JSON.readTree(B64D.decode(parts[1]));
            if (n == null || !n.isObject()) {
                throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "claims are not a JSON object");
            }
            return (ObjectNode) n;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "claims are not base64url JSON");
        }
    }

    /**
     * Verifies an HS256 token the way the Realtime server checks a connection or channel token: well formed, the
     * signature made with {@code secret}, claims {@code role} and {@code exp} present, not expired at {@code now}.
     */
    public static ObjectNode verify(String token, String secret, Instant now) throws InvalidTokenException {
        ObjectNode claims = claimsUnverified(token);
        String[] parts = token.split("\\.", -1);
        JsonNode header;
        try {
            header = JSON.readTree(B64D.decode(parts[0]));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "header is not base64url JSON");
        }
        if (header == null || !"HS256".equals(header.path("alg").asText())) {
            throw new InvalidTokenException(InvalidTokenException.Kind.SIGNATURE, "unsupported alg");
        }
        byte[] expected = hmac(parts[0] + "." + parts[1], secret);
        byte[] actual;
        try {
            actual = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "signature is not base64url");
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidTokenException(InvalidTokenException.Kind.SIGNATURE, "signature mismatch");
        }
        if (!claims.hasNonNull("role") || !claims.hasNonNull("exp")) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MISSING_CLAIMS, "role or exp missing");
        }
        long exp = claims.get("exp").asLong();
        if (exp <= now.getEpochSecond()) {
            throw new InvalidTokenException(InvalidTokenException.Kind.EXPIRED, now.getEpochSecond() - exp);
        }
        return claims;
    }

    private static byte[] toJson(Map<String, ?> claims) {
        try {
            return JSON.writeValueAsBytes(claims);
        } catch (IOException e) {
            throw new IllegalArgumentException("claims are not serializable", e);
        }
    }

    private static byte[] hmac(String input, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
