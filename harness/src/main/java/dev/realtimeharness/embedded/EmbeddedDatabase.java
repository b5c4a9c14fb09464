package dev.realtimeharness.embedded;

import dev.realtimeharness.capture.ChangeCapture;
import dev.realtimeharness.capture.ChangeEvent;
import dev.realtimeharness.capture.SlotPoller;
import dev.realtimeharness.scenario.CdcConfig;
import java.util.function.Consumer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL 17 (zonky embedded binaries) set up as a Realtime target: logical
 * replication on, the {@code sql/*.sql} scripts applied, and one {@code drivers} row per simulated
 * driver. Everything runs as the login role {@value #USER} with a random password; the superuser
 * {@code postgres} is reachable only over the Unix socket once start-up has finished, in a directory only this user
 * can enter. A watchdog stops PostgreSQL when the harness is gone ({@link PostgresWatchdog}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "harness";
    public static final String DATABASE = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String HOST = "127.0.0.1";
    private static final int DRIVER_BATCH = 1_000;
    // How long stopServer lets walsenders finish on their own before it ends them (Postmaster.endWalSendersWhileStopping).
    private static final long WALSENDER_GRACE_MILLIS = 1_000;

    private final EmbeddedPostgres postgres;
    private final int port;
    private final String password;
    private final PGSimpleDataSource dataSource;
    private final InstanceDirectory dir;
    private final PostgresWatchdog watchdog;
    private Path pgCtl;
    private List<String> postmasterOptions;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port, String password, InstanceDirectory dir,
            PostgresWatchdog watchdog) {
        this.postgres = postgres;
        this.port = port;
        this.password = password;
        this.dir = dir;
        this.watchdog = watchdog;
        this.dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {HOST});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(DATABASE);
        dataSource.setUser(USER);
        dataSource.setPassword(password);
    }

    /**
     * Starts PostgreSQL on a free loopback port, applies the SQL scripts and inserts {@code drivers}
     * rows for driver indexes 0..drivers-1. Takes about 4 s. First removes the instance directories that harnesses
     * which are gone left behind ({@link InstanceDirectory#removeStale}).
     *
     * @throws IllegalStateException if PostgreSQL does not start or a script fails
     */
    public static EmbeddedDatabase start(int drivers) {
        if (drivers < 0) {
            throw new IllegalArgumentException("drivers must be >= 0, was " + drivers);
        }
        long startNanos = System.nanoTime();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        InstanceDirectory.removeStale(tmp);
        InstanceDirectory dir = InstanceDirectory.create(tmp);
        int port = freeLoopbackPort();
        String password = HexFormat.of().formatHex(randomBytes(18));
        String superuserPassword = HexFormat.of().formatHex(randomBytes(18));
        AtomicReference<PostgresWatchdog> watchdog = new AtomicReference<>();
        Path pwfile = dir.root().resolve("superuser.pw");
        EmbeddedPostgres postgres;
        try {
            Files.writeString(pwfile, superuserPassword + "\n", StandardCharsets.US_ASCII);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dir.data())
                    .setCleanDataDirectory(true)
                    // zonky hands locale settings to initdb as --name=value: this one gives the superuser a
                    // password, so that zonky's readiness check (as postgres, over TCP) needs no trust line.
                    .setLocaleConfig("pwfile", pwfile.toString())
                    .setConnectConfig("password", superuserPassword)
                    .setDataDirectoryCustomizer(data -> {
                        writeHba(data, true);
                        // Armed before the postmaster exists, so that no moment of it is unwatched.
                        watchdog.set(PostgresWatchdog.start(dir));
                    });
            serverConfig(dir).forEach(builder::setServerConfig);
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            // The watchdog stops a postmaster that started after all and removes the directory.
            if (watchdog.get() != null) {
                watchdog.get().fire();
            } else {
                dir.delete();
            }
            throw new IllegalStateException("embedded PostgreSQL failed to start on port " + port, e);
        } finally {
            deleteQuietly(pwfile);
        }
        EmbeddedDatabase db = new EmbeddedDatabase(postgres, port, password, dir, watchdog.get());
        try {
            db.setUp(drivers, dir.data().toFile());
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw new IllegalStateException("embedded PostgreSQL set-up failed: " + e.getMessage(), e);
        }
        log.info("embedded PostgreSQL ready on {}:{} (socket and data in {}) with {} drivers in {} ms", HOST, port,
                dir, drivers, (System.nanoTime() - startNanos) / 1_000_000);
        return db;
    }

    private static Map<String, String> serverConfig(InstanceDirectory dir) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("listen_addresses", HOST);
        // Not the shared /tmp: a socket directory only this user can enter (the socket itself trusts local users).
        c.put("unix_socket_directories", noBlanks(dir.socket().toString()));
        c.put("unix_socket_permissions", "0700");
        // Logical decoding for the change capture (pgoutput) and for anyone pointing a wal2json-style poller at it.
        c.put("wal_level", "logical");
        c.put("max_wal_senders", "10");
        c.put("max_replication_slots", "10");
        // With the default 200ms a committed row reaches the replication stream ~200 ms late (pitfalls.md); 1ms
        // brings it to 1-2 ms.
        c.put("wal_writer_delay", "1ms");
        // zonky defaults to off; on makes every commit flush its WAL at once, which is what wakes the walsender, so
        // a change is decodable as soon as the INSERT returns. With fsync=off that flush is a write(), not a disk
        // sync, so it costs little.
        c.put("synchronous_commit", "on");
        // Throw-away data: durability is worth nothing here, disk syncs only add jitter.
        c.put("fsync", "off");
        c.put("full_page_writes", "off");
        return c;
    }

    // pg_ctl hands the server options to a shell unquoted.
    private static String noBlanks(String path) {
        if (!path.matches("[A-Za-z0-9/._+-]+")) {
            throw new IllegalStateException("java.io.tmpdir must be a plain path (letters, digits, / . _ + -) for "
                    + "the embedded PostgreSQL's socket directory: " + path);
        }
        return path;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }

    private void setUp(int drivers, File dataDir) throws SQLException {
        // The superuser logs in over loopback (with its password) only until this method has finished (writeHba).
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement st = admin.createStatement()) {
            // Not a superuser, like the roles a real Supabase project hands out: REPLICATION for the
            // change capture, owning the database gives CREATE there and on schema public, and
            // CREATEROLE lets sql/002_auth_rls.sql create anon and authenticated and make itself a
            // member of both, so the stand-in's RLS checks can SET ROLE to them.
            st.execute("create role " + USER + " login replication createrole password '" + password + "'");
            st.execute("alter database " + DATABASE + " owner to " + USER);

            try (Connection c = connect()) {
                applyScripts(c);
                insertDrivers(c, drivers);
            }

            writeHba(dataDir, false);
            st.execute("select pg_reload_conf()");
        }
    }

    private static void applyScripts(Connection c) throws SQLException {
        for (SqlScripts.Script script : SqlScripts.load()) {
            // A whole file in one execute(): the driver splits statements and respects $$ quoting.
            try (Statement st = c.createStatement()) {
                st.execute(script.sql());
            } catch (SQLException e) {
                throw new SQLException("sql/" + script.name() + ": " + e.getMessage(), e.getSQLState(), e);
            }
            log.debug("applied sql/{}", script.name());
        }
    }

    private static void insertDrivers(Connection c, int drivers) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into public.drivers (id, name) values (?, ?)")) {
            for (int i = 0; i < drivers; i++) {
                ps.setObject(1, driverId(i));
                ps.setString(2, "driver " + i);
                ps.addBatch();
                if ((i + 1) % DRIVER_BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static UUID driverId(int index) {
        return dev.realtimeharness.scenario.Drivers.id(index);
    }

    /**
     * Host connections need the password (SCRAM), including replication ones. During set-up the superuser may log in
     * over loopback, with its own password (zonky checks readiness that way); afterwards only through the Unix
     * socket, whose directory only this user can enter ({@link InstanceDirectory}).
     */
    private static void writeHba(File dataDir, boolean superuserOverTcp) {
        String hba = "# written by dev.realtimeharness.embedded.EmbeddedDatabase\n"
                + "local all all trust\n"
                + (superuserOverTcp ? "host all postgres " + HOST + "/32 scram-sha-256\n" : "")
                + "host all " + USER + " " + HOST + "/32 scram-sha-256\n"
                + "host replication " + USER + " " + HOST + "/32 scram-sha-256\n";
        try {
            Files.writeString(dataDir.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + dataDir, e);
        }
    }

    // Another process may take the port before PostgreSQL binds it; start-up then fails loudly.
    private static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}, without credentials. */
    /**
     * Captures the {@value ChangeCapture#PUBLICATION} and {@value ChangeCapture#MESSAGES_PUBLICATION} publications of
     * this database in one stream: commit order holds across both.
     */
    public ChangeCapture captureChanges(Consumer<ChangeEvent> consumer) throws SQLException {
        return ChangeCapture.start(jdbcUrl(), user(), password(),
                ChangeCapture.PUBLICATION + "," + ChangeCapture.MESSAGES_PUBLICATION, consumer);
    }

    /**
     * Streams the {@value ChangeCapture#MESSAGES_PUBLICATION} publication alone: database broadcasts, which the real
     * server streams even while it polls postgres_changes.
     */
    public ChangeCapture captureBroadcasts(Consumer<ChangeEvent> consumer) throws SQLException {
        return ChangeCapture.start(jdbcUrl(), user(), password(), ChangeCapture.MESSAGES_PUBLICATION, consumer);
    }

    /** Polls the {@value ChangeCapture#PUBLICATION} publication at the cadence of {@code cdc} (Supabase's poller). */
    public SlotPoller pollChanges(CdcConfig cdc, SlotPoller.Sink sink) throws SQLException {
        return SlotPoller.start(jdbcUrl(), user(), password(), ChangeCapture.PUBLICATION, cdc.interval().toNanos(),
                cdc.maxChanges(), cdc.idleMultiplier(), sink);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
    }

    /** {@code postgresql://harness:PASSWORD@127.0.0.1:PORT/postgres}, for psql and libpq tools. */
    public String dbUrl() {
        // The password is hex, so it needs no URL escaping.
        return "postgresql://" + USER + ":" + password + "@" + HOST + ":" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String database() {
        return DATABASE;
    }

    /** Non-pooling: every getConnection() opens a new connection as {@value #USER}. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** A new connection as {@value #USER}; the caller closes it. */
    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /** The instance directory: data directory, socket directory, owner file. */
    InstanceDirectory directory() {
        return dir;
    }

    PostgresWatchdog watchdog() {
        return watchdog;
    }

    /**
     * Stops PostgreSQL (fast shutdown: open connections are ended) and keeps its data directory, for tests of what
     * survives a restart; {@link #startServer} starts it again on the same port with the same settings.
     */
    public synchronized void stopServer() throws IOException {
        ProcessHandle postmaster = Postmaster.of(dir.data())
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL runs on " + dir.data()));
        if (pgCtl == null) {
            pgCtl = Postmaster.pgCtl(postmaster);
        }
        // The command line it was started with, for startServer: postmaster.pid goes with the postmaster.
        postmasterOptions = Postmaster.options(dir.data());
        Thread walSenders = Postmaster.endWalSendersWhileStopping(postmaster, WALSENDER_GRACE_MILLIS);
        try {
            Postmaster.stop(pgCtl, dir.data(), "fast");
        } finally {
            walSenders.interrupt();
        }
    }

    /** Starts PostgreSQL again after {@link #stopServer}; returns once it accepts connections. */
    public synchronized void startServer() throws IOException {
        if (pgCtl == null || postmasterOptions == null) {
            throw new IllegalStateException("startServer after stopServer only");
        }
        Postmaster.start(pgCtl, dir.data(), postmasterOptions, dir.root().resolve("postgres.log"));
    }

    /** Stops PostgreSQL and deletes its data and instance directories. */
    @Override
    public void close() {
        Optional<ProcessHandle> postmaster = Postmaster.of(dir.data());
        // First, so that it does not stop PostgreSQL under zonky's feet; last, the directory it would have removed.
        if (watchdog != null) {
            watchdog.disarm();
        }
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("stopping embedded PostgreSQL on port {} failed", port, e);
        }
        // zonky gives pg_ctl stop 5 s and only logs a failure: a postmaster still running now would outlive the
        // harness, its watchdog disarmed and its directory gone.
        postmaster.filter(ProcessHandle::isAlive).ifPresent(EmbeddedDatabase::kill);
        dir.delete();
    }

    private static void kill(ProcessHandle postmaster) {
        try {
            postmaster.onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("embedded PostgreSQL (pid {}) did not stop; killing it", postmaster.pid());
            // Its children notice that the postmaster is gone and exit.
            postmaster.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            postmaster.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedDatabase[" + HOST + ":" + port + "]";
    }
}
