package dev.realtimeharness.gatling;

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
import java.util.List;

/**
 * One virtual user's driver: builds its Phoenix frames with the harness's protocol code (joins carrying the driver's
 * minted token, heartbeats), recognises the replies its checks wait for, and hands every other inbound frame to the
 * harness's {@link ChannelTable}, which reports joins, readiness, closes and probes to the run's listener
 * ({@link Measurement#listener()}) as it does for {@code harness run}'s client.
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
        this.vsn = measurement.vsn();
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
        listener.connectAttempted(spec.index());
        return measurement.socketUri().toString();
    }

    /** After Gatling's connect action: its time includes Gatling's own scheduling (sub-millisecond). */
    void connectDone(boolean failed) {
        if (failed) {
            listener.connectFailed(spec.index(), "Gatling ws connect KO (see Gatling's log and report)");
        } else {
            listener.connected(spec.index(), System.nanoTime() - connectStartNanos, false);
            nextHeartbeatNanos = System.nanoTime() + heartbeatIntervalNanos;
        }
    }

    void closed(String reason) {
        listener.disconnected(spec.index(), reason);
    }

    // Join: phx_join → phx_reply (status ok, postgres_changes bindings echoed) → later "Subscribed to PostgreSQL"

    String join(int channel) {
        ChannelTable.Entry e = table.entry(channel);
        ChannelSpec c = e.spec();
        String ref = refs.next();
        pendingJoin = channel;
        pendingJoinRef = ref;
        String text = text(Messages.join(c.topic(), ref, c.join()));
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
            table.joinTimedOut(table.entry(channel), ref);
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

    String heartbeatReplyStatus(String frame) {
        long rtt = System.nanoTime() - heartbeatSentNanos;
        pendingHeartbeatRef = null;
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
        // Gatling cannot send from here: a phx_error's rejoin is not attempted, the channel just stops receiving.
        table.onControl(m, recvNanos);
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
