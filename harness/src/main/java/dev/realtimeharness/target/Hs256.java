package dev.realtimeharness.target;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Minimal HS256 JWT signing for the embedded target's throwaway keys (the stand-in's anon key). */
final class Hs256 {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Hs256() {
    }

    static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return B64.encodeToString(b);
    }

    static String sign(String claimsJson, String secret) {
        String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        String input = header + "." + body;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** An anon key like Supabase's: role anon, issued now, valid for ten years. */
    static String anonKey(String secret) {
        long now = System.currentTimeMillis() / 1000;
        return sign("{\"iss\":\"realtime-harness\",\"role\":\"anon\",\"iat\":" + now + ",\"exp\":"
                + (now + 10L * 365 * 24 * 3600) + "}", secret);
    }
}
