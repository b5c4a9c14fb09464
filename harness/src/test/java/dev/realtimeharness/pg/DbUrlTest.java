package dev.realtimeharness.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DbUrlTest {

    @Test
    void libpqUrlIsSplitIntoJdbcUrlUserAndPassword() {
        DbUrl u = DbUrl.parse("postgresql://postgres:s3cr%40t@db.abc.supabase.co:6543/postgres?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.abc.supabase.co:6543/postgres?sslmode=require");
        assertThat(u.user()).isEqualTo("postgres");
        assertThat(u.password()).isEqualTo("s3cr@t");
        assertThat(u.hostName()).isEqualTo("db.abc.supabase.co");
    }

    @Test
    void postgresSchemeDefaultPortAndPlusSignInPasswordAreKept() {
        DbUrl u = DbUrl.parse("postgres://postgres.abc:pa+ss@aws-0-eu.pooler.supabase.com/postgres");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://aws-0-eu.pooler.supabase.com:5432/postgres");
        assertThat(u.user()).isEqualTo("postgres.abc");
        assertThat(u.password()).isEqualTo("pa+ss");
    }

    @Test
    void unencodedAtSignInPasswordSplitsAtTheLastAt() {
        DbUrl u = DbUrl.parse("postgresql://u:p@ss@127.0.0.1:5432/db");
        assertThat(u.password()).isEqualTo("p@ss");
        assertThat(u.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void jdbcUrlTakesUserAndPasswordFromItsQuery() {
        DbUrl u = DbUrl.parse("jdbc:postgresql://localhost:5433/app?user=bob&password=pw&ssl=true");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/app?ssl=true");
        assertThat(u.user()).isEqualTo("bob");
        assertThat(u.password()).isEqualTo("pw");
    }

    @Test
    void ipv6HostKeepsItsBrackets() {
        DbUrl u = DbUrl.parse("postgresql://u:p@[::1]:5432/db");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
        assertThat(u.hostName()).isEqualTo("::1");
    }

    @Test
    void toStringNeverShowsThePassword() {
        DbUrl u = DbUrl.parse("postgresql://postgres:topsecret@db.example.com:5432/postgres");
        assertThat(u.toString()).doesNotContain("topsecret").isEqualTo(
                "postgresql://postgres:***@db.example.com:5432/postgres");
    }

    @Test
    void badUrlsAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> DbUrl.parse("mysql://u:secretpw@h/db")).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("secretpw");
        assertThatThrownBy(() -> DbUrl.parse("postgresql://h:5432/db")).hasMessageContaining("no user");
        assertThatThrownBy(() -> DbUrl.parse("postgresql://u:secretpw@h:port/db")).hasMessageContaining("port")
                .message().doesNotContain("secretpw");
    }

    @Test
    void everyHostOfAMultiHostListIsReachableAndKeepsItsPort() {
        DbUrl u = DbUrl.parse("postgresql://u:p@127.0.0.1:5432,prod-db:6543,[::1]/db");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432,prod-db:6543,[::1]:5432/db");
        assertThat(u.reachableHosts()).extracting(DbUrl.Host::name).containsExactly("127.0.0.1", "prod-db", "::1");
        assertThat(u.reachableHosts()).extracting(DbUrl.Host::from).containsOnly(DbUrl.HOST_PART);
        assertThat(u.hostName()).isEqualTo("127.0.0.1");
    }

    @Test
    void emptyItemOrBadPortInAHostListIsRefused() {
        assertThatThrownBy(() -> DbUrl.parse("postgresql://u:p@127.0.0.1,/db")).hasMessageContaining("no host");
        assertThatThrownBy(() -> DbUrl.parse("postgresql://u:p@127.0.0.1,prod:99999/db"))
                .hasMessageContaining("port is out of range");
    }

    @Test
    void hostQueryParametersAreReachableHostsNamingTheParameter() {
        DbUrl u = DbUrl.parse("postgresql://u:p@127.0.0.1/db?sslmode=disable&host=prod-a%2Cprod-b"
                + "&hostaddr=10.0.0.7&PGHOST=prod-c&HOST=prod-d");
        assertThat(u.reachableHosts()).containsExactly(new DbUrl.Host("127.0.0.1", DbUrl.HOST_PART),
                new DbUrl.Host("prod-a", "query parameter host="), new DbUrl.Host("prod-b", "query parameter host="),
                new DbUrl.Host("10.0.0.7", "query parameter hostaddr="),
                new DbUrl.Host("prod-c", "query parameter PGHOST="),
                new DbUrl.Host("prod-d", "query parameter HOST="));
        // Passed on unchanged: the guard checks them, it does not reroute the connection.
        assertThat(u.jdbcUrl()).contains("host=prod-a%2Cprod-b").contains("hostaddr=10.0.0.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgresql://u:p@127.0.0.1:5432/db?host=example.invalid",
        "postgresql://u:p@127.0.0.1:5432/db?Host=example.invalid",
        "postgresql://u:p@127.0.0.1:5432/db?PGHOST=example.invalid",
        "postgresql://u:p@127.0.0.1:5432/db?host=localhost,example.invalid&port=5432,5433",
        "postgresql://u:p@127.0.0.1:5432,example.invalid:5433/db",
        "jdbc:postgresql://localhost:5432/db?user=u&host=example.invalid"})
    void everyHostPgjdbcConnectsToIsAmongTheReachableHosts(String url) throws Exception {
        // The bundled driver's own URL parser decides where it connects: whatever it picks must have been checked.
        DbUrl u = DbUrl.parse(url);
        Properties parsed = org.postgresql.Driver.parseURL(u.jdbcUrl(), new Properties());
        assertThat(parsed).isNotNull();
        List<String> connectsTo = new ArrayList<>();
        for (String h : parsed.getProperty("PGHOST").split(",")) {
            connectsTo.add(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        }
        assertThat(connectsTo).contains("example.invalid");
        assertThat(u.reachableHosts()).extracting(DbUrl.Host::name).containsAll(connectsTo);
    }

    @Test
    void serviceEntryHostDoesNotReplaceTheHostPart(@TempDir Path tmp) throws Exception {
        // Why service= is not checked: pgjdbc ranks pg_service.conf below the URL, and the URL always has a host.
        Path conf = tmp.resolve("pg_service.conf");
        Files.writeString(conf, "[prod]\nhost=example.invalid\nport=6543\n");
        String key = "org.postgresql.pgservicefile";
        String before = System.getProperty(key);
        System.setProperty(key, conf.toString());
        try {
            DbUrl u = DbUrl.parse("postgresql://u:p@127.0.0.1:5432/db?service=prod");
            Properties parsed = org.postgresql.Driver.parseURL(u.jdbcUrl(), new Properties());
            assertThat(parsed).isNotNull();
            assertThat(parsed.getProperty("PGHOST")).isEqualTo("127.0.0.1");
            assertThat(u.reachableHosts()).extracting(DbUrl.Host::name).containsExactly("127.0.0.1");
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void toStringNamesTheOtherReachableHostsButNoPassword() {
        DbUrl u = DbUrl.parse("postgresql://postgres:topsecret@127.0.0.1:5432/postgres?host=db.example.com");
        assertThat(u.toString()).doesNotContain("topsecret").isEqualTo("postgresql://postgres:***@127.0.0.1:5432/"
                + "postgres, also reaching db.example.com (query parameter host=)");
    }
}
