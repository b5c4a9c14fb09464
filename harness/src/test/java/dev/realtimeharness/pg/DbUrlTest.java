package dev.realtimeharness.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
}
