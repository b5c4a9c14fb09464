package dev.realtimeharness.gatling;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import dev.realtimeharness.scenario.Scenario;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * A scenario file as a Gatling simulation: each virtual user is one driver app. It connects to the target, joins its
 * channels (each phx_join a Gatling check on its phx_reply: refused or timed-out joins are KOs), sends heartbeats
 * (checked too) and hands every other inbound frame to the harness, which measures publish-to-receive latency and
 * accounts for every probe exactly as {@code harness run} does. The harness starts the embedded target and the
 * publisher in {@link #before()}, and writes results/RUN_ID/ in {@link #after()}.
 *
 * <p>Verdict: Gatling's assertions cover connection and join success; the harness gate (latency, loss, ...) the
 * rest, and a failed gate fails Gatling's exit status (see {@link HarnessRun}).
 *
 * <p>Parameters: {@code -Dscenario=FILE -Dduration=D -Ddrivers=N -Dset.KEY=VALUE} (see {@link SimulationParameters}).
 */
public class RealtimeSimulation extends Simulation {

    static final HarnessRun HARNESS = new HarnessRun(SimulationParameters.fromSystemProperties());
    static final Scenario SCENARIO = HARNESS.scenario();

    /** Unmatched frames a user buffers between two passes of its receive loop (about 100 ms apart). */
    static final int UNMATCHED_BUFFER = 100_000;
    static final Duration RECEIVE_EVERY = Duration.ofMillis(100);
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HEARTBEAT_TIMEOUT = SCENARIO.protocol().heartbeat();
    /** Joins are paced per user so that the fleet stays within ramp.joinRate, as the harness's client paces them. */
    static final Duration JOIN_PACE = Duration.ofNanos(
            (long) (1e9 * SCENARIO.drivers() / SCENARIO.ramp().joinRate().perSecond()));
    /** Users arrive at ramp.connectRate; in whole seconds, at least one (shorter ramps never started in 3.16). */
    static final Duration RAMP = Duration.ofSeconds(
            Math.max(1, (long) Math.ceil(SCENARIO.drivers() / SCENARIO.ramp().connectRate().perSecond())));

    static final HttpProtocolBuilder PROTOCOL = http.wsUnmatchedInboundMessageBufferSize(UNMATCHED_BUFFER);

    /** Opens the user's socket (the first time, or again after a loss): the outcome goes to the harness. */
    private static ChainBuilder open(String requestName) {
        return exec(ws(requestName, GatlingSocket.NAME).connect(session -> frames(session).url()),
                exec(session -> {
                    boolean failed = session.isFailed() || GatlingSocket.lost(session);
                    frames(session).connectDone(failed);
                    // A failed attempt leaves a crashed socket in the session: drop it, so the next attempt opens anew.
                    return failed ? session.markAsSucceeded().remove(GatlingSocket.NAME) : session;
                }));
    }

    /** Until the socket is open again or the run is over: wait out realtime-js's backoff, then try again. */
    static final ChainBuilder RECONNECT = asLongAs(session -> !frames(session).connected() && HARNESS.receiving()).on(
            pause(session -> frames(session).reconnectDelay()),
            doIf(session -> HARNESS.receiving()).then(open("reconnect")));

    static final ChainBuilder CONNECT = exec(session -> session.set(DriverFrames.SESSION_KEY, HARNESS.nextDriver()))
            .exec(open("connect"))
            .exec(RECONNECT)
            .exitHereIf(session -> !frames(session).connected());

    /**
     * Hands the frames Gatling buffered as unmatched to the harness. Gatling 3.16 clears that buffer whenever the user
     * sends a frame, so this runs right before every send (Gatling runs the two actions back to back).
     */
    static final ChainBuilder RECEIVE = exec(ws.processUnmatchedMessages(GatlingSocket.NAME, (messages, session) -> {
        frames(session).inbound(messages);
        return session;
    }));

    static final ChainBuilder JOIN = repeat(session -> frames(session).channelCount(), "channel").on(
            pace(JOIN_PACE).doIf(session -> !GatlingSocket.lost(session)).then(RECEIVE,
                    ws("join", GatlingSocket.NAME).sendText(session -> frames(session).join(session.getInt("channel")))
                            .await(JOIN_TIMEOUT).on(ws.checkTextMessage("join reply")
                                    .matching(bodyString().transformWithSession(
                                            (frame, session) -> frames(session).isJoinReply(frame)).is(true))
                                    .check(bodyString().transformWithSession(
                                            (frame, session) -> frames(session).joinReplyStatus(frame)).is("ok"))),
                    exec(session -> {
                        frames(session).joinDone();
                        return session;
                    })));

    static final ChainBuilder HEARTBEAT = doIf(session -> frames(session).heartbeatDue()).then(RECEIVE,
            ws("heartbeat", GatlingSocket.NAME).sendText(session -> frames(session).heartbeat())
                    .await(HEARTBEAT_TIMEOUT).on(ws.checkTextMessage("heartbeat reply")
                            .matching(bodyString().transformWithSession(
                                    (frame, session) -> frames(session).isHeartbeatReply(frame)).is(true))
                            .check(bodyString().transformWithSession(
                                    (frame, session) -> frames(session).heartbeatReplyStatus(frame)).is("ok"))),
            // No reply within the interval: phoenix.js closes the socket and reconnects.
            doIf(session -> frames(session).heartbeatTimedOut() && !GatlingSocket.lost(session)).then(
                    exec(session -> {
                        frames(session).socketLost("heartbeat timeout");
                        return session.markAsSucceeded();
                    }),
                    ws("close after heartbeat timeout", GatlingSocket.NAME).close(),
                    exec(session -> session.markAsSucceeded().remove(GatlingSocket.NAME))));

    /** Rejoins and leaves the channel table asked for (sent without a check; their replies come as any frame). */
    static final ChainBuilder SEND_QUEUED = asLongAs(
            session -> frames(session).hasOutbound() && !GatlingSocket.lost(session)).on(
            RECEIVE, ws("rejoin", GatlingSocket.NAME).sendText(session -> frames(session).nextOutbound()));

    /** A socket the server closed (or that failed): the channels stop receiving and the user reconnects. */
    static final ChainBuilder LOST = doIf(GatlingSocket::lost).then(exec(session -> {
        frames(session).socketLost("socket closed by peer");
        return session.markAsSucceeded().remove(GatlingSocket.NAME);
    }));

    /** Stay connected, receiving and heartbeating, until the harness has published and drained. */
    static final ChainBuilder HOLD = asLongAs(session -> HARNESS.receiving()).on(
            pause(RECEIVE_EVERY), doIf(session -> session.contains(GatlingSocket.NAME)).then(RECEIVE), LOST,
            RECONNECT, exec(session -> {
                frames(session).tick();
                return session;
            }), SEND_QUEUED, HEARTBEAT);

    static final ChainBuilder CLOSE = doIf(session -> session.contains(GatlingSocket.NAME)
            && !GatlingSocket.lost(session)).then(RECEIVE, ws("close", GatlingSocket.NAME).close(), exec(session -> {
                frames(session).closed("closed by the simulation");
                return session;
            }));

    static final ScenarioBuilder DRIVERS = scenario(SCENARIO.name()).exec(CONNECT, JOIN, HOLD, CLOSE);

    static {
        GatlingSocket.check();
    }

    static final Assertion[] ASSERTIONS = {
        details("connect").successfulRequests().percent().gte(99.0),
        details("join reply").successfulRequests().percent().gte(99.0),
        global().failedRequests().percent().lt(1.0),
    };

    {
        setUp(DRIVERS.injectOpen(rampUsers(SCENARIO.drivers()).during(RAMP)))
                .protocols(PROTOCOL)
                .assertions(ASSERTIONS)
                .maxDuration(HARNESS.maxDuration());
    }

    @Override
    public void before() {
        HARNESS.open();
    }

    @Override
    public void after() {
        HARNESS.finish();
    }

    private static DriverFrames frames(Session session) {
        return (DriverFrames) session.get(DriverFrames.SESSION_KEY);
    }
}
