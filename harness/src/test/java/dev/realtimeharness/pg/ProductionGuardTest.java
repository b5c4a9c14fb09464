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

    @Test
    void databaseUrlWhoseHostParameterLeavesLoopbackIsRefusedNamingTheParameterAndTheHost() {
        DbUrl db = DbUrl.parse("postgresql://u:p@127.0.0.1:5432/db?host=example.invalid");
        String msg = ProductionGuard.checkDatabase("--db-url", db, List.of(), List.of(), "s.yaml");
        assertThat(msg).startsWith("--db-url (query parameter host=): host example.invalid is not loopback")
                .contains("--allow-host example.invalid").doesNotContain("p@");
    }

    @Test
    void databaseUrlWithANonLoopbackHostAnywhereInItsHostListIsRefused() {
        DbUrl db = DbUrl.parse("postgresql://u:p@localhost:5432,prod-db.example.com:5432/db");
        assertThat(ProductionGuard.checkDatabase("--history-db", db, List.of(), List.of(), "s.yaml"))
                .startsWith("--history-db: host prod-db.example.com is not loopback");
    }

    @Test
    void databaseUrlWithANonLoopbackHostaddrIsRefused() {
        DbUrl db = DbUrl.parse("postgresql://u:p@localhost/db?hostaddr=10.1.2.3");
        assertThat(ProductionGuard.checkDatabase("--db-url", db, List.of(), List.of(), "s.yaml"))
                .startsWith("--db-url (query parameter hostaddr=): host 10.1.2.3 is not loopback");
    }

    @Test
    void databaseUrlIsAllowedOnlyWhenEveryReachableHostIsLoopbackOrAllowed() {
        DbUrl db = DbUrl.parse("postgresql://u:p@127.0.0.1,db-a.example.com/db?PGHOST=db-b.example.com");
        assertThat(ProductionGuard.checkDatabase("--db-url", db, List.of("db-a.example.com"), List.of(), "s.yaml"))
                .startsWith("--db-url (query parameter PGHOST=): host db-b.example.com");
        assertThat(ProductionGuard.checkDatabase("--db-url", db, List.of("db-a.example.com"),
                List.of("db-b.example.com"), "s.yaml")).isNull();
        assertThat(ProductionGuard.checkDatabase("--db-url",
                DbUrl.parse("postgresql://u:p@127.0.0.1,[::1]/db?host=localhost&hostaddr=127.0.0.2"), List.of(),
                List.of(), "s.yaml")).isNull();
    }
}
