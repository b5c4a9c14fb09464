package dev.realtimeharness.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How {@link EmbeddedDatabase#start} sets PostgreSQL up, checked on the shared embedded database. */
@ExtendWith(EmbeddedTargetExtension.class)
class EmbeddedDatabaseIT {

    private static EmbeddedDatabase db;

    @BeforeAll
    static void useSharedDatabase(EmbeddedDatabase shared) {
        db = shared;
    }

    @Test
    void insertsOneDriverRowPerIndexWithTheSharedUuidRule() throws SQLException {
        // EmbeddedTargetExtension.DRIVERS: the shared database has three drivers.
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select id::text from drivers order by id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        assertThat(ids).containsExactly(
                "d0000000-0000-4000-8000-000000000000",
                "d0000000-0000-4000-8000-000000000001",
                "d0000000-0000-4000-8000-000000000002");
    }

    @Test
    void publishesOrdersInSupabaseRealtime() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "select schemaname || '.' || tablename from pg_publication_tables where pubname = 'supabase_realtime'")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).containsExactly("public.orders");
        }
    }

    @Test
    void runsWithLogicalWalAndOneMillisecondWalWriterDelay() throws SQLException {
        assertThat(setting("wal_level")).isEqualTo("logical");
        assertThat(setting("wal_writer_delay")).isEqualTo("1ms");
        assertThat(setting("synchronous_commit")).isEqualTo("on");
    }

    @Test
    void dbUrlCarriesTheCredentialsOfAReplicationCapableNonSuperuser() throws SQLException {
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres");
        assertThat(db.dbUrl()).isEqualTo(
                "postgresql://harness:" + db.password() + "@127.0.0.1:" + db.port() + "/postgres");
        assertThat(db.password()).hasSizeGreaterThanOrEqualTo(24);
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select rolsuper, rolreplication from pg_roles where rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("superuser").isFalse();
            assertThat(rs.getBoolean(2)).as("replication").isTrue();
        }
    }

    @Test
    void refusesTcpConnectionsWithoutTheRightPassword() {
        assertThatThrownBy(() -> connect("harness", null)).isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> connect("harness", "wrong")).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> connect("postgres", null)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> connect("postgres", db.password())).isInstanceOf(SQLException.class);
    }

    @Test
    void listensOnASocketInADirectoryOnlyItsUserCanEnter() throws Exception {
        Path socketDir = db.directory().socket();
        assertThat(socketDir.getParent().getFileName().toString()).startsWith(InstanceDirectory.PREFIX);
        assertThat(Files.getPosixFilePermissions(socketDir, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getOwner(socketDir, LinkOption.NOFOLLOW_LINKS).getName())
                .isEqualTo(System.getProperty("user.name"));
        assertThat(Files.getPosixFilePermissions(socketDir.getParent(), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(socketDir.resolve(".s.PGSQL." + db.port())).exists();
        // Nothing in the shared temporary directory any more.
        assertThat(Path.of("/tmp/.s.PGSQL." + db.port())).doesNotExist();
    }

    @Test
    void itsDirectoryNamesThisJvmAsItsOwner() throws Exception {
        String owner = Files.readString(db.directory().root().resolve(InstanceDirectory.OWNER_FILE)).trim();
        assertThat(owner).startsWith(ProcessHandle.current().pid() + " ");
        assertThat(db.directory().data().resolve("postmaster.pid")).exists();
    }

    private static void connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        DriverManager.getConnection(db.jdbcUrl(), p).close();
    }

    private static String setting(String name) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
