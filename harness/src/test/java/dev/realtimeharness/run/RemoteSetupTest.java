package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.client.TokenProvider;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteSetupTest {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
    static final String LOCAL = "ws://127.0.0.1:4000/realtime/v1/websocket";
    static final String DB = "postgresql://postgres:pw@127.0.0.1:5432/postgres";

    @TempDir
    Path tmp;

    static Scenario smoke(String... sets) throws Exception {
        return ScenarioLoader.load(SCENARIOS.resolve("smoke.yaml"), List.of(sets));
    }

    static RemoteOptions opts(String apikey, String dbUrl, String secret, Path tokens, List<String> allow) {
        return new RemoteOptions(apikey, dbUrl, secret, tokens, allow, null, false, null);
    }

    @Test
    void remoteTargetWithoutApikeyIsRefused() throws Exception {
        assertThatThrownBy(() -> RemoteSetup.resolve(LOCAL, opts(null, DB, null, null, List.of()), smoke()))
                .hasMessageContaining("--apikey").hasMessageContaining("SUPABASE_ANON_KEY");
    }

    @Test
    void postgresPublishingWithoutDbUrlIsRefusedButBroadcastNeedsNone() throws Exception {
        assertThatThrownBy(() -> RemoteSetup.resolve(LOCAL, opts("k", null, null, null, List.of()), smoke()))
                .hasMessageContaining("--db-url").hasMessageContaining("DATABASE_URL");
        RemoteSetup r = RemoteSetup.resolve(LOCAL, opts("k", null, null, null, List.of()),
                smoke("publish.via=broadcast"));
        assertThat(r.target().jdbcUrl()).isNull();
    }

    @Test
    void jwtSecretAndTokensTogetherAreRefused() throws Exception {
        Path f = tmp.resolve("t");
        Files.writeString(f, "eyJa.b.c\n");
        assertThatThrownBy(() -> RemoteSetup.resolve(LOCAL, opts("k", DB, "s", f, List.of()), smoke()))
                .hasMessageContaining("--jwt-secret and --tokens");
    }

    @Test
    void emptyTokensFileIsRefused() throws Exception {
        Path f = tmp.resolve("t");
        Files.writeString(f, "\n# none\n");
        assertThatThrownBy(() -> RemoteSetup.resolve(LOCAL, opts("k", DB, null, f, List.of()), smoke()))
                .hasMessageContaining("no tokens");
    }

    @Test
    void urlThatIsNotWsOrWssIsRefused() throws Exception {
        assertThatThrownBy(() -> RemoteSetup.resolve("https://abc.supabase.co/realtime/v1",
                opts("k", DB, null, null, List.of()), smoke())).hasMessageContaining("ws:// or wss://");
    }

    @Test
    void nonLoopbackTargetOrDatabaseNeedsAllowHost() throws Exception {
        String remote = "wss://abc.supabase.co/realtime/v1/websocket";
        assertThatThrownBy(() -> RemoteSetup.resolve(remote, opts("k", DB, null, null, List.of()), smoke()))
                .hasMessageContaining("--allow-host abc.supabase.co");
        assertThatThrownBy(() -> RemoteSetup.resolve(LOCAL,
                opts("k", "postgresql://u:p@db.abc.supabase.co:5432/postgres", null, null, List.of()), smoke()))
                .hasMessageContaining("--db-url").hasMessageContaining("--allow-host db.abc.supabase.co");
        RemoteSetup ok = RemoteSetup.resolve(remote, opts("k", "postgresql://u:p@db.abc.supabase.co:5432/postgres",
                null, null, List.of("abc.supabase.co", "db.abc.supabase.co")), smoke());
        assertThat(ok.tls()).isTrue();
    }

    @Test
    void queryOfTheTargetUrlIsDroppedAndItsApikeyUsedWhenNoFlagGivesOne() throws Exception {
        RemoteSetup r = RemoteSetup.resolve(LOCAL + "?apikey=fromurl&vsn=1.0.0", opts(null, DB, null, null,
                List.of()), smoke());
        assertThat(r.target().name()).isEqualTo(LOCAL);
        assertThat(r.target().apikey()).isEqualTo("fromurl");
        assertThat(r.warnings()).anyMatch(w -> w.contains("vsn"));
    }

    @Test
    void jwtSecretMintsOneAuthenticatedTokenPerDriverWithTheConfiguredLifetime() throws Exception {
        RemoteSetup r = RemoteSetup.resolve(LOCAL, new RemoteOptions("k", DB, "the-secret", null, List.of(), null,
                false, Duration.ofMinutes(10)), smoke());
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TokenProvider p = r.tokenProviders(Clock.fixed(now, ZoneOffset.UTC)).apply(7);
        var claims = Jwt.verify(p.current(), "the-secret", now);
        assertThat(claims.get("sub").asText()).isEqualTo(Drivers.id(7).toString());
        assertThat(claims.get("role").asText()).isEqualTo("authenticated");
        assertThat(claims.get("exp").asLong()).isEqualTo(now.getEpochSecond() + 600);
    }

    @Test
    void withoutSecretOrTokensTheApikeyIsTheAccessToken() throws Exception {
        RemoteSetup r = RemoteSetup.resolve(LOCAL, opts("anon", DB, null, null, List.of()), smoke());
        assertThat(r.tokenProviders(Clock.systemUTC()).apply(0).current()).isEqualTo("anon");
        assertThat(r.describe(List.of()).toString()).doesNotContain("anon\"").doesNotContain("pw@");
    }
}
