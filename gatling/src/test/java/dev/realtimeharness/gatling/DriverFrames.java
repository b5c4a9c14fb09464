package dev.realtimeharness.gatling;

import dev.realtimeharness.client.Backoff;
import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.ChannelTable;
import dev.realtimeharness.client.ClientListener;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.RefCounter;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import dev.realtimeharness.run.Measurement;
import io.gatling.http.action.ws.WsInboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One virtual user's driver: builds its Phoenix frames with the harness's protocol code (joins carrying the driver's
 * minted token, heartbeats), recognises the replies its checks wait for, and hands every other inbound frame to the
 * harness's {@link ChannelTable}, which reports joins, readiness, closes and probes to the run's listener
 * ({@link Measurement#listener()}) as it does for {@code harness run}'s client.
 *
 * <p>A lost socket is handled as {@code harness run}'s client handles it (realtime-js's behaviour): the channels stop
 * receiving at once ({@link ChannelTable#socketClosed()}), the user reconnects after realtime-js's backoff
 * ({@link Backoff#reconnectMillis}), and every channel not closed for good rejoins as soon as the socket opens.
 * A refused, timed-out or errored (phx_error) join is rejoined after {@link Backoff#rejoinMillis}. Those rejoins are
 * sent without a Gatling check (phoenix.js sends them all at once); their replies reach the channel table through
 * the receive path, and their join timeouts are kept here.
 *
 * <p>Gatling runs a virtual user's actions one after another, and its checks on the WebSocket's event loop while
 * the user waits for them, so no two methods of one instance run at the same time; fields read across those threads
 * are volatile.
 */
final class DriverFrames {
    static final String SESSION_KEY = "driverFrames";

    private final Measurement measurement;
    private final ClientListener listener;
    private final GatlingClock clock;
    private final DriverSpec spec;
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final InboundScan scan;
    private final ChannelTable table;
    private final RefCounter refs = new RefCounter();
    private final long heartbeatIntervalNanos;
    private final long joinTimeoutNanos;
    /** When each channel is due to rejoin ({@link System#nanoTime()}), or {@link #NOT_DUE}. */
    private final long[] rejoinAt;
    /** Frames to send on the next pass of the receive loop: rejoins (by position) and leaves. */
    private final ArrayDeque<Outbound> outbound = new ArrayDeque<>();

    private static final long NOT_DUE = Long.MAX_VALUE;

    private record Outbound(int position, String leaveText) {
    }

    private boolean connected;
    private boolean everConnected;
    private int reconnectTries;
    private long connectStartNanos;
    private volatile int pendingJoin = -1;
    private volatile String pendingJoinRef;
    private volatile String pendingHeartbeatRef;
    private volatile long heartbeatSentNanos;
    private long nextHeartbeatNanos;

    DriverFrames(Measurement measurement, GatlingClock clock, int driver) {
        this.measurement = measurement;
        this.listener = measurement.listener();
        this.clock = clock;
        this.spec = measurement.driver(driver);
        this.codec = PhoenixCodec.of(measurement.vsn());
        this.scan = new InboundScan(measurement.scenario().publish().probeColumn());
        this.table = new ChannelTable(spec.channels(), listener);
        this.heartbeatIntervalNanos = measurement.scenario().protocol().heartbeat().toNanos();
        this.joinTimeoutNanos = RealtimeSimulation.JOIN_TIMEOUT.toNanos();
        this.vsn = measurement.vsn();
        this.rejoinAt = new long[spec.channels().size()];
        Arrays.fill(rejoinAt, NOT_DUE);
    }

    int driver() {
        return spec.index();
    }

    int channelCount() {
        return spec.channels().size();
    }

    // Connect, and reconnect after a lost socket

    String url() {
        connectStartNanos = System.nanoTime();
        listener.connectAttempted(spec.index());
        return measurement.socketUri().toString();
    }

    /**
     * After Gatling's connect action (the first, or a reconnect): its time includes Gatling's own scheduling
     * (sub-millisecond). A failed attempt is retried after {@link #reconnectDelay()}; a socket that opens again
     * rejoins every channel not closed for good, at once.
     */
    void connectDone(boolean failed) {
        if (failed) {
            connected = false;
            listener.connectFailed(spec.index(), "Gatling ws connect KO (see Gatling's log and report)");
            return;
        }
        long now = System.nanoTime();
        boolean reconnect = everConnected;
        connected = true;
        everConnected = true;
        reconnectTries = 0;
        listener.connected(spec.index(), now - connectStartNanos, reconnect);
        nextHeartbeatNanos = now + heartbeatIntervalNanos;
        pendingHeartbeatRef = null;
        table.socketOpened();
        if (reconnect) {
            for (ChannelTable.Entry e : table.entries()) {
                if (e.phase() != ChannelTable.Phase.CLOSED) {
                    rejoinAt[e.position()] = NOT_DUE;
                    outbound.add(new Outbound(e.position(), null));
                }
            }
        }
    }

    boolean connected() {
        return connected;
    }

    /** How long to wait before the next connect attempt: realtime-js's schedule, 1, 2, 5, 10 s, then 10 s. */
    Duration reconnectDelay() {
        reconnectTries++;
        return Duration.ofMillis(Backoff.reconnectMillis(reconnectTries));
    }

    /**
     * The socket is gone (closed by the server, failed, or closed by us after a heartbeat timeout): the channels
     * stop receiving, pending rejoins and sends are dropped (they go out again when the socket reopens).
     */
    void socketLost(String reason) {
        if (!connected) {
            return;
        }
        connected = false;
        reconnectTries = 0;
        pendingJoin = -1;
        pendingJoinRef = null;
        pendingHeartbeatRef = null;
        outbound.clear();
        Arrays.fill(rejoinAt, NOT_DUE);
        table.socketClosed();
        listener.disconnected(spec.index(), reason);
    }

    void closed(String reason) {
        if (connected) {
            connected = false;
            listener.disconnected(spec.index(), reason);
        }
    }

    // Join: phx_join → phx_reply (status ok, postgres_changes bindings echoed) → later "Subscribed to PostgreSQL"

    String join(int channel) {
        String text = joinText(table.entry(channel));
        pendingJoin = channel;
        pendingJoinRef = table.entry(channel).joinRef();
        return text;
    }

    private String joinText(ChannelTable.Entry e) {
        ChannelSpec c = e.spec();
        String ref = refs.next();
        String text = text(Messages.join(c.topic(), ref,
                spec.tokens() == null ? c.join() : c.join().withAccessToken(spec.tokens().current())));
        // The join time runs from here, after encoding, as Gatling sends the text right after this returns.
        table.joining(e, ref, System.nanoTime());
        return text;
    }

    /**
     * Gatling's {@code matching} while the join is in flight: true for its reply. Gatling 3.16 drops the frames that
     * arrive while a check is pending and do not match it (they never reach the unmatched buffer), so every other
     * frame is handed to the receive path here, on arrival.
     */
    boolean isJoinReply(String frame) {
        return matchesReplyOrReceive(frame, null, pendingJoinRef);
    }

    /**
     * Gatling's check on the join reply, called as the frame arrives: the channel table records the join (or its
     * refusal) and this returns "ok", or the server's reason, which fails the check.
     */
    String joinReplyStatus(String frame) {
        long now = System.nanoTime();
        int channel = pendingJoin;
        pendingJoin = -1;
        pendingJoinRef = null;
        PhoenixMessage m = decodeOrNull(frame);
        if (channel < 0 || m == null) {
            return "unexpected frame";
        }
        ChannelTable.Change change = table.onControl(m, now);
        if (change == null || change.entry() != table.entry(channel)) {
            return "unexpected frame";
        }
        onChange(change);
        return switch (change.kind()) {
            case JOINED -> "ok";
            case REFUSED -> change.reason() == null ? "error" : change.reason();
            default -> "unexpected " + m.event();
        };
    }

    /** After the join's await: a join still pending timed out (a Gatling KO too). */
    void joinDone() {
        int channel = pendingJoin;
        String ref = pendingJoinRef;
        if (channel >= 0) {
            pendingJoin = -1;
            pendingJoinRef = null;
            joinTimedOut(table.entry(channel), ref);
        }
    }

    // phoenix.js on a join timeout: leave, mark errored, rejoin after the backoff.
    private void joinTimedOut(ChannelTable.Entry e, String ref) {
        if (connected && table.joinTimedOut(e, ref)) {
            outbound.add(new Outbound(-1, text(Messages.leave(e.spec().topic(), ref, refs.next()))));
            scheduleRejoin(e);
        }
    }

    /** What a join reply, phx_error or phx_close changed: rejoins after a refusal or an error, as harness run. */
    private void onChange(ChannelTable.Change change) {
        ChannelTable.Entry e = change.entry();
        switch (change.kind()) {
            case REFUSED -> {
                if (change.reason() != null && change.reason().startsWith("mismatch")) {
                    outbound.add(new Outbound(-1, text(Messages.leave(e.spec().topic(), e.joinRef(), refs.next()))));
                }
                scheduleRejoin(e);
            }
            case ERRORED -> scheduleRejoin(e);
            case CLOSED -> rejoinAt[e.position()] = NOT_DUE;
            case JOINED -> {
                // Presence tracking after a join is harness run's only; the T030/T031 scenarios track none.
            }
        }
    }

    private void scheduleRejoin(ChannelTable.Entry e) {
        rejoinAt[e.position()] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Backoff.rejoinMillis(e.rejoinTries()));
    }

    /**
     * One pass of the receive loop: joins sent without a check that got no reply in time are timed out (and
     * rejoined after the backoff); rejoins that are due are queued for sending.
     */
    void tick() {
        if (!connected) {
            return;
        }
        long now = System.nanoTime();
        for (ChannelTable.Entry e : table.entries()) {
            int p = e.position();
            if (e.phase() == ChannelTable.Phase.JOINING && p != pendingJoin
                    && now - e.joinSentNanos() > joinTimeoutNanos) {
                joinTimedOut(e, e.joinRef());
            }
            if (rejoinAt[p] != NOT_DUE && now - rejoinAt[p] >= 0) {
                rejoinAt[p] = NOT_DUE;
                if (e.phase() == ChannelTable.Phase.ERRORED) {
                    outbound.add(new Outbound(p, null));
                }
            }
        }
    }

    boolean hasOutbound() {
        return connected && !outbound.isEmpty();
    }

    /** The next queued frame: a leave as queued, or a join built now (fresh ref, its timer starting now). */
    String nextOutbound() {
        Outbound o = outbound.poll();
        if (o == null) {
            // Nothing queued (the socket was lost meanwhile): a heartbeat is always harmless.
            return heartbeat();
        }
        return o.leaveText() != null ? o.leaveText() : joinText(table.entry(o.position()));
    }

    // Heartbeat

    boolean heartbeatDue() {
        return connected && pendingHeartbeatRef == null && System.nanoTime() - nextHeartbeatNanos >= 0;
    }

    String heartbeat() {
        String ref = refs.next();
        pendingHeartbeatRef = ref;
        String text = text(Messages.heartbeat(ref));
        heartbeatSentNanos = System.nanoTime();
        return text;
    }

    /**
     * After the heartbeat's check: true when the heartbeat is still unanswered (its check timed out). phoenix.js then
     * closes the socket and reconnects; so does the simulation.
     */
    boolean heartbeatTimedOut() {
        return connected && pendingHeartbeatRef != null;
    }

    /** Gatling's {@code matching} while a heartbeat is in flight; every other frame goes to the receive path. */
    boolean isHeartbeatReply(String frame) {
        return matchesReplyOrReceive(frame, Events.PHOENIX_TOPIC, pendingHeartbeatRef);
    }

    /**
     * True when {@code frame} is the phx_reply with {@code ref} (on {@code topic}, when given); any other frame is
     * received now: the matching condition runs on the socket's event loop as the frame arrives, so nanoTime here is
     * as early as Gatling lets a simulation see a frame (after Gatling's UTF-8 decoding and state-machine dispatch).
     */
    private boolean matchesReplyOrReceive(String frame, String topic, String ref) {
        long recvNanos = System.nanoTime();
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        try {
            scan.scanText(vsn, bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(frame));
            return false;
        }
        if (Events.REPLY.equals(scan.event()) && ref != null && ref.equals(scan.ref())
                && (topic == null || topic.equals(scan.topic()))) {
            return true;
        }
        onScanned(frame, recvNanos);
        return false;
    }

    /** The reply to the heartbeat: the next one goes out one interval from now, as phoenix.js schedules it. */
    String heartbeatReplyStatus(String frame) {
        long now = System.nanoTime();
        long rtt = now - heartbeatSentNanos;
        pendingHeartbeatRef = null;
        nextHeartbeatNanos = now + heartbeatIntervalNanos;
        PhoenixMessage m = decodeOrNull(frame);
        if (m == null) {
            return "unexpected frame";
        }
        listener.heartbeatRtt(spec.index(), rtt);
        return m.reply().status();
    }

    // Everything else: Gatling's unmatched inbound messages, stamped on arrival (see GatlingClock).

    void inbound(List<WsInboundMessage> messages) {
        for (WsInboundMessage message : messages) {
            long recvNanos = clock.recvNanos(message.timestamp());
            if (message instanceof WsInboundMessage.Text t) {
                onText(t.message(), recvNanos);
            } else if (message instanceof WsInboundMessage.Binary b) {
                onBinary(b.message(), recvNanos);
            }
        }
    }

    private void onText(String frame, long recvNanos) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        try {
            scan.scanText(vsn, bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(frame));
            return;
        }
        onScanned(frame, recvNanos);
    }

    // The frame has been scanned into {@code scan}: probes are delivered from the scan, anything else is decoded for
    // the channel table (system messages, phx_close, phx_error, presence, late replies).
    private void onScanned(String frame, long recvNanos) {
        String event = scan.event();
        if (Events.POSTGRES_CHANGES.equals(event) || Events.BROADCAST.equals(event)) {
            table.deliver(scan, recvNanos);
            return;
        }
        if (table.entry(scan.topic()) == null) {
            // Heartbeat replies that came after their check, and any other topic: nothing to record.
            return;
        }
        PhoenixMessage m;
        try {
            m = codec.decode(new WireFrame.Text(frame));
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), head(frame));
            return;
        }
        // Gatling cannot send from here: what the change asks for (a rejoin, a leave) goes out on the user's next pass.
        ChannelTable.Change change = table.onControl(m, recvNanos);
        if (change != null) {
            onChange(change);
        }
    }

    private void onBinary(byte[] frame, long recvNanos) {
        try {
            scan.scanBinary(frame);
        } catch (ProtocolException e) {
            listener.protocolError(spec.index(), e.getMessage(), "<binary " + frame.length + " bytes>");
            return;
        }
        table.deliver(scan, recvNanos);
    }

    private String text(PhoenixMessage m) {
        WireFrame f = codec.encodeClientPush(m);
        if (f instanceof WireFrame.Text t) {
            return t.text();
        }
        throw new IllegalStateException("a " + m.event() + " push encodes as binary; Gatling sends it as text here");
    }

    private PhoenixMessage decodeOrNull(String frame) {
        try {
            return codec.decode(new WireFrame.Text(frame));
        } catch (ProtocolException e) {
            return null;
        }
    }

    private static String head(String frame) {
        return frame.length() <= 120 ? frame : frame.substring(0, 120);
    }
}
