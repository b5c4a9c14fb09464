package dev.realtimeharness.embedded;

import dev.realtimeharness.capture.CaptureState;
import dev.realtimeharness.capture.ChangeCapture;
import dev.realtimeharness.capture.SlotLagMonitor;
import dev.realtimeharness.capture.SlotPoller;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.standin.StandInConfig;
import dev.realtimeharness.standin.StandInLimits;
import dev.realtimeharness.standin.StandInServer;

import dev.realtimeharness.scenario.EmbeddedConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final SlotPoller poller;
    private final SlotLagMonitor slotLag;
    private final CdcConfig cdc;
    private final String jwtSecret;
    private final String apikey;

    private EmbeddedTarget(EmbeddedDatabase db, StandInServer server, ChangeCapture capture, SlotPoller poller,
            CdcConfig cdc, String jwtSecret, String apikey) {
        this.db = db;
        this.server = server;
        this.capture = capture;
        this.poller = poller;
        this.cdc = cdc;
        List<CaptureState> states = new ArrayList<>(List.of(capture.state()));
        if (poller != null) {
            states.add(poller.state());
        }
        this.slotLag = SlotLagMonitor.start(db.jdbcUrl(), db.user(), db.password(), states);
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
            CdcConfig cdc = faults == null ? CdcConfig.stream() : faults.cdc();
            ChangeCapture capture;
            SlotPoller poller = null;
            if (cdc.polling()) {
                // As the server: postgres_changes from a polled slot, database broadcasts streamed.
                server.subscribeChangesAfter(cdc.subscribeDelay());
                capture = db.captureBroadcasts(server::publishChange);
                try {
                    poller = db.pollChanges(cdc, server::publishChange);
                } catch (Exception | Error e) {
                    capture.close();
                    throw e;
                }
            } else {
                capture = db.captureChanges(server::publishChange);
            }
            log.info("embedded target up: {} / {} (cdc: {})", server.wsUrl(), db.jdbcUrl(), cdc.mode().key());
            return new EmbeddedTarget(db, server, capture, poller, cdc, secret,
                    dev.realtimeharness.auth.Jwt.anonKey(secret));
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

    /** The streaming capture: every change in stream mode, database broadcasts only in poll mode. */
    public ChangeCapture capture() {
        return capture;
    }

    /** The slot poller in poll mode; null in stream mode. */
    public SlotPoller poller() {
        return poller;
    }

    public CdcConfig cdc() {
        return cdc;
    }

    /**
     * The change capture's health, sampled once a second: slot lag (bytes, seconds) and their maxima, reconnections
     * after losing PostgreSQL, and the failure of a capture that gave up (every later change is then lost).
     */
    public SlotLagMonitor slotLag() {
        return slotLag;
    }

    @Override
    public void close() {
        slotLag.close();
        log.info("embedded target closing: {} changes captured, {} RLS checks ({} waited for the commit to become "
                + "visible), {} hidden by RLS, refusals {}", capture.delivered(), server.rlsQueries(),
                server.rlsCommitWaits(), server.rlsHidden(), server.refusals());
        if (poller != null) {
            log.info("change poller: {} polls, {} changes, at most {} in one poll", poller.polls(), poller.delivered(),
                    poller.largestBatch());
            poller.close();
        }
        try {
            capture.close();
        } catch (RuntimeException e) {
            log.warn("closing change capture: {}", e.toString());
        }
        server.close();
        db.close();
    }
}
