package dev.realtimeharness.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HS256 JSON Web Tokens, as Supabase signs them with the project's JWT secret: minting (the harness's per-driver
 * tokens, the embedded target's anon key) and verification (the stand-in). Shared by both sides on purpose: a JWT is
 * a format, not client or server behaviour.
 *
 * <p>Signing, signature checks and base64url are nimbus-jose-jwt's; the claims stay Jackson's (callers get an
 * {@link ObjectNode}, and the {@code role}/{@code exp} checks below are the Realtime server's, not a JWT library's:
 * no leeway, {@code exp <= now} is expired).
 */
public final class Jwt {
    private static final ObjectMapper JSON = new ObjectMapper();
    // {"alg":"HS256","typ":"JWT"} in the order Supabase (and this class before nimbus) writes it. Nimbus's builder
    // writes typ first, which signs to different (equally valid) bytes; a parsed header keeps its original text.
    private static final JWSHeader HEADER = header("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    // Nimbus's decoder skips characters outside the alphabet; the server refuses such a part as malformed (and so
    // did the JDK's strict decoder before), so each part is checked against the base64url grammar first.
    private static final Pattern BASE64URL =
            Pattern.compile("(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3}|[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?");
    // Nimbus refuses HMAC keys under 256 bits (RFC 7518 §3.2); Supabase and the Realtime server accept any length.
    private static final int MIN_KEY_BYTES = 32;

    private Jwt() {
    }

    /** A random secret of 32 bytes, base64url: the embedded target's throwaway JWT secret. */
    public static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64URL.encode(b).toString();
    }

    /** Signs the claims with HS256. */
    public static String sign(Map<String, ?> claims, String secret) {
        JWSObject jws = new JWSObject(HEADER, new Payload(toJson(claims)));
        try {
            jws.sign(new MACSigner(key(secret)));
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jws.serialize();
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
        JsonNode n;
        try {
            n = JSON.readTree(decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "claims are not base64url JSON");
        }
        if (n == null || !n.isObject()) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "claims are not a JSON object");
        }
        return (ObjectNode) n;
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
            header = JSON.readTree(decode(parts[0]));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "header is not base64url JSON");
        }
        if (header == null || !"HS256".equals(header.path("alg").asText())) {
            throw new InvalidTokenException(InvalidTokenException.Kind.SIGNATURE, "unsupported alg");
        }
        byte[] key = key(secret);
        if (!BASE64URL.matcher(parts[2]).matches()) {
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "signature is not base64url");
        }
        if (!signatureMatches(token, parts[2], key)) {
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

    private static boolean signatureMatches(String token, String signature, byte[] key)
            throws InvalidTokenException {
        if (signature.isEmpty()) {
            return false; // nimbus refuses to parse an empty signature; it matches no HS256 MAC either way
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            // Only header members of the wrong type get here (e.g. "kid": 1); the old parser ignored them.
            throw new InvalidTokenException(InvalidTokenException.Kind.MALFORMED, "header is not a JWS header");
        }
        try {
            return jws.verify(new MACVerifier(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 verification failed", e);
        }
    }

    /**
     * The secret's UTF-8 bytes, zero-padded to 32 bytes when shorter: HMAC pads every key shorter than its 64-byte
     * block with zeros (RFC 2104 §2), so the padded key gives the same MAC while passing Nimbus's 256-bit minimum.
     */
    private static byte[] key(String secret) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        if (raw.length == 0) {
            throw new IllegalArgumentException("empty JWT secret");
        }
        return raw.length >= MIN_KEY_BYTES ? raw : Arrays.copyOf(raw, MIN_KEY_BYTES);
    }

    private static JWSHeader header(String base64url) {
        try {
            return JWSHeader.parse(new Base64URL(base64url));
        } catch (ParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static byte[] decode(String part) {
        if (!BASE64URL.matcher(part).matches()) {
            throw new IllegalArgumentException("not base64url");
        }
        return new Base64URL(part).decode();
    }

    private static byte[] toJson(Map<String, ?> claims) {
        try {
            return JSON.writeValueAsBytes(claims);
        } catch (IOException e) {
            throw new IllegalArgumentException("claims are not serializable", e);
        }
    }
}
