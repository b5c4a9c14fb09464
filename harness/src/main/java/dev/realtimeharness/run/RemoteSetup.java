package dev.realtimeharness.run;

import dev.realtimeharness.pg.ProductionGuard;
import dev.realtimeharness.client.TokenProvider;
import dev.realtimeharness.pg.DbUrl;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * A remote target's settings, validated: the socket endpoint (no query), the apikey, the publisher's database,
 * where the drivers' tokens come from, and TLS. {@link #resolve} throws {@link IllegalArgumentException} with the
 * exit-code-2 message; no message quotes a secret.
 */
record RemoteSetup(RemoteTarget target, List<String> tokens, String jwtSecret, Duration tokenLifetime, Path caCert,
        boolean insecure, List<String> warnings) {

    static final Duration MIN_TOKEN_LIFETIME = Duration.ofSeconds(10);

    static RemoteSetup resolve(String targetUrl, RemoteOptions o, Scenario s) {
        List<String> warnings = new ArrayList<>();
        URI uri;
        try {
            uri = new URI(targetUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--target: not a valid URL (" + e.getReason() + "); expected embedded"
                    + " or ws://HOST/... or wss://HOST/realtime/v1/websocket");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("--target: expected embedded or a ws:// or wss:// URL such as "
                    + "wss://HOST/realtime/v1/websocket, got " + (scheme.isEmpty() ? "no scheme" : scheme + "://"));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--target: expected ws[s]://HOST[:PORT]/PATH (no user info), such as "
                    + "wss://HOST/realtime/v1/websocket");
        }
        String apikey = o.apikey();
        if (uri.getRawQuery() != null) {
            for (String param : uri.getRawQuery().split("&")) {
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                if (key.equals("apikey") && apikey == null && eq >= 0) {
                    apikey = URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
                } else if (!key.equals("apikey")) {
                    warnings.add("--target: query parameter '" + key + "' ignored (the harness sets apikey and vsn)");
                }
            }
        }
        URI endpoint;
        try {
            endpoint = new URI(scheme, null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--target: " + e.getReason());
        }
        String scenarioFile = String.valueOf(s.source());
        String refused = ProductionGuard.check("--target", uri.getHost(), o.allowHosts(), s.allowedHosts(),
                scenarioFile);
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
        if (apikey == null || apikey.isBlank()) {
            throw new IllegalArgumentException("--target " + endpoint + " needs the project's API key: give --apikey"
                    + " KEY or set SUPABASE_ANON_KEY (the anon key from the project's API settings)");
        }
        DbUrl db = null;
        if (o.dbUrl() != null && !o.dbUrl().isBlank()) {
            try {
                db = DbUrl.parse(o.dbUrl());
            } catch (IllegalArgumentException e) {
                // The message never quotes the URL: it carries the password.
                throw new IllegalArgumentException("--db-url (or DATABASE_URL): " + e.getMessage());
            }
            String dbRefused = ProductionGuard.checkDatabase("--db-url", db, o.allowHosts(), s.allowedHosts(),
                    scenarioFile);
            if (dbRefused != null) {
                throw new IllegalArgumentException(dbRefused);
            }
        } else if (s.publish().via() == PublishVia.POSTGRES) {
            throw new IllegalArgumentException("publish.via postgres on a remote target needs the project's database:"
                    + " give --db-url postgresql://USER:PASSWORD@HOST:PORT/DB or set DATABASE_URL");
        }
        if (o.jwtSecret() != null && o.tokensFile() != null) {
            throw new IllegalArgumentException("--jwt-secret and --tokens both given: choose one (--jwt-secret mints"
                    + " a token per driver, --tokens reads pre-issued ones); SUPABASE_JWT_SECRET counts as"
                    + " --jwt-secret");
        }
        List<String> tokens = o.tokensFile() == null ? null : TokensFile.read(o.tokensFile());
        if (o.tokenLifetime().compareTo(MIN_TOKEN_LIFETIME) < 0) {
            throw new IllegalArgumentException("--token-lifetime must be at least 10s");
        }
        if (scheme.equals("ws") && (o.insecure() || o.caCert() != null)) {
            warnings.add("--insecure and --ca-cert apply to wss:// only; ignored for a ws:// target");
        }
        return new RemoteSetup(new RemoteTarget(endpoint, apikey, db), tokens, o.jwtSecret(), o.tokenLifetime(),
                o.caCert(), o.insecure() && scheme.equals("wss"), List.copyOf(warnings));
    }

    boolean tls() {
        return "wss".equals(target.wsUrl().getScheme());
    }

    /** Where the drivers' access tokens come from, for the report and run.json. */
    String authMode() {
        if (jwtSecret != null) {
            return "minted with the JWT secret (sub = driver id, role authenticated, lifetime "
                    + dev.realtimeharness.scenario.Durations.format(tokenLifetime) + ")";
        }
        if (tokens != null) {
            return tokens.size() + " pre-issued tokens from a file";
        }
        return "the apikey (no user session)";
    }

    /** One token provider per driver. */
    IntFunction<TokenProvider> tokenProviders(Clock clock) {
        if (jwtSecret != null) {
            return i -> TokenProvider.minted(Drivers.id(i).toString(), jwtSecret, tokenLifetime, clock);
        }
        if (tokens != null) {
            AtomicBoolean warned = new AtomicBoolean();
            return i -> TokenProvider.preIssued(TokensFile.forDriver(tokens, i), warned);
        }
        String key = target.apikey();
        return i -> TokenProvider.fixed(key);
    }

    /** run.json's {@code target}: no key, no secret, no password, no token. */
    Map<String, Object> describe(List<String> allowHosts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", target.name());
        m.put("database", target.db() == null ? null : target.db().toString());
        m.put("auth", authMode());
        m.put("allowHosts", allowHosts);
        m.put("caCert", caCert == null ? null : caCert.toString());
        m.put("tlsInsecure", insecure);
        return m;
    }

    @Override
    public String toString() {
        return "RemoteSetup[" + target + ", auth " + authMode() + ", caCert " + caCert + ", insecure " + insecure
                + "]";
    }
}
