package dev.realtimeharness.embedded;

import dev.realtimeharness.capture.ChangeCapture;
import dev.realtimeharness.standin.StandInConfig;
import dev.realtimeharness.standin.StandInLimits;
import dev.realtimeharness.standin.StandInServer;

import dev.realtimeharness.scenario.EmbeddedConfig;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded target: PostgreSQL 17 (wal_level=logical) loaded with scenarios/sql, the stand-in Realtime server on
 * a free loopback port, and the logical-replication capture that feeds the stand-in every committed change. Keys
 * are throwaway: a fresh JWT secret and anon key at every start.
 */
public final class EmbeddedTarget implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedTarget.class);

    private final EmbeddedDatabase db;
    private final StandInServer server;
    private final ChangeCapture capture;
    private final String jwtSecret;
    private final String apikey;

    private EmbeddedTarget(EmbeddedDatabase db, StandInServer server, ChangeCapture capture, String jwtSecret,
            String apikey) {
        this.db = db;
        this.server = server;
        this.capture = capture;
        this.jwtSecret = jwtSecret;
        this.apikey = apikey;
    }

    public static EmbeddedTarget start(int drivers, EmbeddedConfig faults) throws Exception {
        return start(drivers, faults, 0);
    }

    public static EmbeddedTarget start(int drivers, EmbeddedConfig faults, int port) throws Exception {
        String secret = dev.realtimeharness.auth.Jwt.randomSecret();
        StandInConfig config = standInConfig(faults, port).withJwtSecret(secret);
        EmbeddedDatabase db = EmbeddedDatabase.start(drivers);
        StandInServer server = null;
        try {
            server = StandInServer.start(config);
            server.useRowSecurity(db.dataSource());
            ChangeCapture capture = db.captureChanges(server::publishChange);
            log.info("embedded target up: {} / {}", server.wsUrl(), db.jdbcUrl());
            return new EmbeddedTarget(db, server, capture, secret, dev.realtimeharness.auth.Jwt.anonKey(secret));
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            db.close();
            throw e;
        }
    }

    static StandInConfig standInConfig(EmbeddedConfig f, int port) {
        StandInConfig c = StandInConfig.defaults().withPort(port);
        if (f == null) {
            return c;
        }
        // The scenario's target.embedded.limits (Supabase's self-hosted defaults unless set) and refusal delays.
        return c.withDelay(f.delay(), f.jitter()).withDropRatio(f.dropRatio()).withStall(f.stallAfter(), f.stallFor())
                .withRejectJoinRatio(f.rejectJoinRatio())
                .withDisconnect(f.disconnectRatio(), disconnectAfter(f))
                .withWithholdReadyRatio(f.withholdReadyRatio())
                .withLimits(new StandInLimits(f.limits().maxConcurrentUsers(), f.limits().maxEventsPerSecond(),
                        f.limits().maxJoinsPerSecond(), f.limits().maxChannelsPerClient()))
                .withConnectErrorDelay(f.connectErrorDelay())
                .withJoinErrorDelay(f.joinErrorDelay());
    }

    private static Duration disconnectAfter(EmbeddedConfig f) {
        if (f.disconnectAfter() != null) {
            return f.disconnectAfter();
        }
        if (f.disconnectRatio() > 0) {
            // Its default (halfway through publishing) needs the scenario: EmbeddedConfig.resolvedFor.
            throw new IllegalArgumentException("target.embedded.disconnectAfter is unresolved; pass "
                    + "EmbeddedConfig.resolvedFor(scenario)");
        }
        return Duration.ZERO;
    }

    public URI wsUrl() {
        return URI.create(server.wsUrl());
    }

    public String restUrl() {
        return "http://127.0.0.1:" + server.port() + "/realtime/v1";
    }

    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    public String dbUrl() {
        return db.dbUrl();
    }

    public String user() {
        return db.user();
    }

    public String password() {
        return db.password();
    }

    public String apikey() {
        return apikey;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    public StandInServer server() {
        return server;
    }

    public EmbeddedDatabase database() {
        return db;
    }

    public ChangeCapture capture() {
        return capture;
    }

    @Override
    public void close() {
        log.info("embedded target closing: {} changes captured, {} RLS checks ({} waited for the commit to become "
                + "visible), {} hidden by RLS, refusals {}", capture.delivered(), server.rlsQueries(),
                server.rlsCommitWaits(), server.rlsHidden(), server.refusals());
        try {
            capture.close();
        } catch (RuntimeException e) {
            log.warn("closing change capture: {}", e.toString());
        }
        server.close();
        db.close();
    }
}
