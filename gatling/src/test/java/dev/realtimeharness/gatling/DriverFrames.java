package dev.realtimeharness.gatling;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinReply;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.RefCounter;
import dev.realtimeharness.protocol.SystemMessage;
import dev.realtimeharness.protocol.WireFrame;
import dev.realtimeharness.run.Measurement;
import io.gatling.http.action.ws.WsInboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One virtual user's driver: builds its Phoenix frames with the harness's protocol code (joins carrying the driver's
 * minted token, heartbeats), recognises the replies its checks wait for, and hands every other inbound frame to the
 * harness's receive path ({@link Measurement#listener()}) as {@code harness run}'s client
 * does.
 *
 * <p>Gatling runs a virtual user's actions one after another, and its checks on the WebSocket's event loop while
 * the user waits for them, so no two methods of one instance run at the same time; fields read across those threads
 * are volatile.
 */
final class DriverFrames {
    static final String SESSION_KEY = "driverFrames";

    private final Measurement measurement;
    private final GatlingClock clock;
    private final DriverSpec spec;
    private final PhoenixCodec codec;
    private final InboundScan scan;
    private final RefCounter refs = new RefCounter();
    private final Map<String, Integer> channelOfTopic = new HashMap<>();
    private final String[] joinRefs;
    private final long[] joinSentNanos;
    private final boolean[] joined;
    private final long heartbeatIntervalNanos;

    private long connectStartNanos;
    private volatile int pendingJoin = -1;
    private volatile String pendingJoinRef;
    private volatile String pendingHeartbeatRef;
    private volatile long heartbeatSentNanos;
    private long nextHeartbeatNanos;

    DriverFrames(Measurement measurement, GatlingClock clock, int driver) {
        this.measurement = measurement;
        this.clock = clock;
        this.spec = measurement.driver(driver);
        this.codec = PhoenixCodec.of(measurement.vsn());
        this.scan = new InboundScan(measurement.scenario().publish().probeColumn());
        int n = spec.channels().size();
        this.joinRefs = new String[n];
        this.joinSentNanos = new long[n];
        this.joined = new boolean[n];
        for (int c = 0; c < n; c++) {
            channelOfTopic.put(spec.channels().get(c).topic(), c);
        }
        this.heartbeatIntervalNanos = measurement.scenario().protocol().heartbeat().toNanos();
    }

    int driver() {
        return spec.index();
    }

    int channelCount() {
        return spec.channels().size();
    }

    // Connect

    String url() {
        connectStartNanos = System.nanoTime();
        measurement.listener().connectAttempted(spec.index());
        return measurement.socketUri().toString();
    }

    /** After Gatling's connect action: its time includes Gatling's own scheduling (sub-millisecond). */
    void connectDone(boolean failed) {
        if (failed) {
            measurement.listener().connectFailed(spec.index(), "Gatling ws connect KO (see Gatling's log and report)");
        } else {
            measurement.listener().connected(spec.index(), System.nanoTime() - connectStartNanos, false);
            nextHeartbeatNanos = System.nanoTime() + heartbeatIntervalNanos;
        }
    }

    void closed(String reason) {
        measurement.listener().disconnected(spec.index(), reason);
    }

    // Join: phx_join → phx_reply (status ok, postgres_changes bindings echoed) → later "Subscribed to PostgreSQL"

    String join(int channel) {
        ChannelSpec c = spec.channels().get(channel);
        String ref = refs.next();
        joinRefs[channel] = ref;
        pendingJoin = channel;
        pendingJoinRef = ref;
        measurement.listener().joinAttempted(c.subscription());
        String text = text(Messages.join(c.topic(), ref, c.join()));
        joinSentNanos[channel] = System.nanoTime();
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
     * Gatling's check on the join reply, called as the frame arrives: records the join (or its refusal) in the
     * harness and returns "ok", or the server's reason, which fails the check.
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
        ChannelSpec c = spec.channels().get(channel);
        JoinReply reply = JoinReply.parse(m.reply(), c.join().postgresChanges());
        if (!reply.ok()) {
            measurement.listener().joinFailed(c.subscription(), reply.reason());
            return reply.reason() == null ? "error" : reply.reason();
        }
        joined[channel] = true;
        measurement.listener().joined(c.subscription(), now - joinSentNanos[channel]);
        if (c.join().postgresChanges().isEmpty()) {
            // Broadcast-only channels are ready at the join reply.
            measurement.listener().ready(c.subscription(), now - joinSentNanos[channel]);
        }
        return "ok";
    }

    /** After the join's await: a join still pending timed out (a Gatling KO too). */
    void joinDone() {
        int channel = pendingJoin;
        if (channel >= 0) {
            pendingJoin = -1;
            pendingJoinRef = null;
            measurement.listener().joinFailed(spec.channels().get(channel).subscription(), "TIMED_OUT");
        }
    }

    // Heartbeat

    boolean heartbeatDue() {
        return System.nanoTime() - nextHeartbeatNanos >= 0;
    }

    String heartbeat() {
        String ref = refs.next();
        pendingHeartbeatRef = ref;
        nextHeartbeatNanos = System.nanoTime() + heartbeatIntervalNanos;
        String text = text(Messages.heartbeat(ref));
        heartbeatSentNanos = System.nanoTime();
        return text;
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
            scan.scanText(measurement.vsn(), bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            measurement.listener().protocolError(spec.index(), e.getMessage(), head(frame));
            return false;
        }
        if (Events.REPLY.equals(scan.event()) && ref != null && ref.equals(scan.ref())
                && (topic == null || topic.equals(scan.topic()))) {
            return true;
        }
        onScanned(frame, recvNanos);
        return false;
    }

    String heartbeatReplyStatus(String frame) {
        long rtt = System.nanoTime() - heartbeatSentNanos;
        pendingHeartbeatRef = null;
        PhoenixMessage m = decodeOrNull(frame);
        if (m == null) {
            return "unexpected frame";
        }
        measurement.listener().heartbeatRtt(spec.index(), rtt);
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
            scan.scanText(measurement.vsn(), bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            measurement.listener().protocolError(spec.index(), e.getMessage(), head(frame));
            return;
        }
        onScanned(frame, recvNanos);
    }

    // The frame has been scanned into {@code scan}.
    private void onScanned(String frame, long recvNanos) {
        String event = scan.event();
        if (Events.POSTGRES_CHANGES.equals(event) || Events.BROADCAST.equals(event)) {
            deliver(recvNanos);
            return;
        }
        Integer channel = channelOfTopic.get(scan.topic());
        if (channel == null || !isCurrent(channel, scan.joinRef())) {
            return;
        }
        int subscription = spec.channels().get(channel).subscription();
        switch (event) {
            case Events.SYSTEM -> {
                PhoenixMessage m = decodeOrNull(frame);
                if (m == null) {
                    measurement.listener().protocolError(spec.index(), "undecodable system message", head(frame));
                    return;
                }
                SystemMessage sys = SystemMessage.of(m.payload());
                if (sys.isPostgresSubscribed()) {
                    if (joined[channel]) {
                        measurement.listener().ready(subscription, recvNanos - joinSentNanos[channel]);
                    }
                } else if (!sys.ok()) {
                    measurement.listener().systemError(subscription, sys.message());
                }
            }
            case Events.CLOSE, Events.ERROR -> {
                if (joined[channel]) {
                    joined[channel] = false;
                    measurement.listener().subscriptionClosed(subscription, event);
                }
            }
            default -> {
                // late replies, presence: not part of the latency path
            }
        }
    }

    private void onBinary(byte[] frame, long recvNanos) {
        try {
            scan.scanBinary(frame);
        } catch (ProtocolException e) {
            measurement.listener().protocolError(spec.index(), e.getMessage(), "<binary " + frame.length + " bytes>");
            return;
        }
        deliver(recvNanos);
    }

    private void deliver(long recvNanos) {
        Integer channel = channelOfTopic.get(scan.topic());
        if (channel == null || scan.probe() == null || !isCurrent(channel, scan.joinRef())) {
            return;
        }
        measurement.listener().probeReceived(spec.channels().get(channel).subscription(), scan.probe(), recvNanos,
                scan.commitTimestamp());
    }

    // Pushes carrying the join_ref of an earlier join are stale (phoenix.js isMember); v1 servers send none.
    private boolean isCurrent(int channel, String joinRef) {
        return joinRef == null || joinRef.equals(joinRefs[channel]);
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
