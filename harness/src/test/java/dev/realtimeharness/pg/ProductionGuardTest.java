package dev.realtimeharness.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProductionGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1",
        "db.localhost"})
    void loopbackHostsNeedNoPermission(String host) {
        assertThat(ProductionGuard.isLoopback(host)).isTrue();
        assertThat(ProductionGuard.check("--target", host, List.of(), List.of(), "s.yaml")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"realtime.example.com", "10.0.0.1", "128.0.0.1", "127.0.0.1.example.com", "localhost.com",
        "0.0.0.0", "::2"})
    void otherHostsAreNotLoopback(String host) {
        assertThat(ProductionGuard.isLoopback(host)).isFalse();
    }

    @Test
    void nonLoopbackHostIsRefusedWithAMessageNamingTheHostAndBothWaysToAllowIt() {
        String msg = ProductionGuard.check("--target", "abc.supabase.co", List.of("other.example.com"), List.of(),
                "scenarios/smoke.yaml");
        assertThat(msg).contains("abc.supabase.co").contains("--allow-host abc.supabase.co")
                .contains("allowedHosts").contains("scenarios/smoke.yaml");
    }

    @Test
    void hostNamedByAllowHostOrByTheScenarioIsAllowedCaseInsensitively() {
        assertThat(ProductionGuard.check("--target", "ABC.supabase.co", List.of("abc.SUPABASE.co"), List.of(), "s"))
                .isNull();
        assertThat(ProductionGuard.check("--db-url", "db.abc.supabase.co", List.of(), List.of("DB.abc.supabase.co"),
                "s")).isNull();
    }
}
