package dev.realtimeharness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The remote-target settings of {@code harness run} (flags, or their environment variables); any may be null.
 * {@code tokenLifetime} is the lifetime of the tokens minted with {@code jwtSecret} (default 1 h).
 */
public record RemoteOptions(String apikey, String dbUrl, String jwtSecret, Path tokensFile, List<String> allowHosts,
        Path caCert, boolean insecure, Duration tokenLifetime) {

    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

    public RemoteOptions {
        allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
        tokenLifetime = tokenLifetime == null ? DEFAULT_TOKEN_LIFETIME : tokenLifetime;
    }

    public static RemoteOptions none() {
        return new RemoteOptions(null, null, null, null, List.of(), null, false, null);
    }

    @Override
    public String toString() {
        // Never print the key, the secret or the database URL (it carries the password).
        return "RemoteOptions[apikey " + (apikey == null ? "unset" : "set") + ", dbUrl "
                + (dbUrl == null ? "unset" : "set") + ", jwtSecret " + (jwtSecret == null ? "unset" : "set")
                + ", tokensFile " + tokensFile + ", allowHosts " + allowHosts + ", caCert " + caCert + ", insecure "
                + insecure + ", tokenLifetime " + tokenLifetime + "]";
    }
}
