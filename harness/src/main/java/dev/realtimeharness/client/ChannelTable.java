package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinReply;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.SystemMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels of one connection and what the server has said about each: join refs and send times, the join
 * replies, readiness ("Subscribed to PostgreSQL", or the join reply for broadcast-only channels), phx_close and
 * phx_error, and the probes, presence events and system errors delivered to the {@link ClientListener}.
 *
 * <p>Knows nothing of sockets or timers: the caller sends the frames, keeps the join timers and rejoins when a method
 * says so, which lets the Gatling simulation share it with the Netty client. Not thread-safe: one connection's
 * thread (its event loop) at a time.
 */
public final class ChannelTable {

    public enum Phase { IDLE, JOINING, JOINED, ERRORED, CLOSED }

    /** One channel's state; changed only through its table. */
    public static final class Entry {
        private final ChannelSpec spec;
        private final int position;
        private Phase phase = Phase.IDLE;
        private String joinRef;
        private long joinSentNanos;
        private boolean ready;
        private int rejoinTries;
        private List<Long> postgresChangeIds = List.of();

        private Entry(ChannelSpec spec, int position) {
            this.spec = spec;
            this.position = position;
        }

        public ChannelSpec spec() {
            return spec;
        }

        /** Index of this channel in its driver's channel list. */
        public int position() {
            return position;
        }

        public Phase phase() {
            return phase;
        }

        /** The ref of the latest phx_join, null before the first. */
        public String joinRef() {
            return joinRef;
        }

        /** {@link System#nanoTime()} when the latest phx_join was sent. */
        public long joinSentNanos() {
            return joinSentNanos;
        }

        public boolean ready() {
            return ready;
        }

        /** Failed joins since the last successful one; picks the rejoin delay ({@link Backoff#rejoinMillis}). */
        public int rejoinTries() {
            return rejoinTries;
        }

        /** The ids the server gave this channel's postgres_changes bindings in its latest ok join reply. */
        public List<Long> postgresChangeIds() {
            return postgresChangeIds;
        }

        boolean expectsPostgresChanges() {
            return !spec.join().postgresChanges().isEmpty();
        }
    }

    /**
     * A change an inbound frame made that the connection has to act on; the table has already updated the entry and
     * told the listener.
     */
    public record Change(Kind kind, Entry entry, String reason) {
        public enum Kind {
            /** The join reply was ok: stop the join timer (and track presence, if configured). */
            JOINED,
            /** The join reply was an error ({@code reason}: the server's): stop the timer, rejoin after backoff. */
            REFUSED,
            /** phx_error: rejoin after backoff. */
            ERRORED,
            /** phx_close: the channel is gone for good; stop its timer. */
            CLOSED
        }
    }

    private final ClientListener listener;
    private final List<Entry> entries;
    private final Map<String, Entry> byTopic = new HashMap<>();

    public ChannelTable(List<ChannelSpec> channels, ClientListener listener) {
        this.listener = listener;
        List<Entry> list = new ArrayList<>(channels.size());
        for (ChannelSpec c : channels) {
            Entry e = new Entry(c, list.size());
            list.add(e);
            byTopic.put(c.topic(), e);
        }
        this.entries = Collections.unmodifiableList(list);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry entry(int position) {
        return entries.get(position);
    }

    /** The entry of a full topic ({@code realtime:...}), or null when the connection has no such channel. */
    public Entry entry(String topic) {
        return byTopic.get(topic);
    }

    /** A phx_join with {@code ref} was sent (or is about to be) at {@code sentNanos}. */
    public void joining(Entry e, String ref, long sentNanos) {
        e.joinRef = ref;
        e.phase = Phase.JOINING;
        e.ready = false;
        e.joinSentNanos = sentNanos;
        listener.joinAttempted(e.spec.subscription());
    }

    /**
     * The join with {@code ref} got no reply in time: reported as TIMED_OUT and the entry is errored. False, with
     * nothing changed, when that join is no longer pending (replied, or superseded by a newer join).
     */
    public boolean joinTimedOut(Entry e, String ref) {
        if (e.phase != Phase.JOINING || !ref.equals(e.joinRef)) {
            return false;
        }
        listener.joinFailed(e.spec.subscription(), "TIMED_OUT");
        errored(e);
        return true;
    }

    /** The socket opened: every channel's rejoin backoff starts again (phoenix.js resets its rejoin timers). */
    public void socketOpened() {
        for (Entry e : entries) {
            e.rejoinTries = 0;
        }
    }

    /** The socket closed: joined channels stop receiving, and every channel not closed for good is to be rejoined. */
    public void socketClosed() {
        for (Entry e : entries) {
            if (e.phase == Phase.JOINED) {
                listener.subscriptionClosed(e.spec.subscription(), "socket closed");
            }
            if (e.phase != Phase.CLOSED) {
                // realtime-js rejoins errored channels when the socket opens again.
                e.phase = Phase.ERRORED;
                e.ready = false;
            }
        }
    }

    /** A postgres_changes or broadcast frame, already scanned: its probe, if any, goes to the listener. */
    public void deliver(InboundScan scan, long recvNanos) {
        String type = scan.changeType();
        // Probes are INSERTs; an UPDATE or DELETE of a probe row (the scenario subscribes to event "*") is another
        // change, not a second delivery of the probe. Broadcasts carry no change type.
        if (type != null && !"INSERT".equals(type)) {
            Entry e = byTopic.get(scan.topic());
            if (e != null && scan.probe() != null && (scan.joinRef() == null || scan.joinRef().equals(e.joinRef))) {
                listener.otherChangeReceived(e.spec.subscription(), scan.probe(), type);
            }
            return;
        }
        deliver(scan.topic(), scan.joinRef(), scan.probe(), scan.commitTimestamp(), recvNanos);
    }

    /** {@code recvNanos}: when the frame was read, before parsing. */
    public void deliver(String topic, String joinRef, String probe, String commitTimestamp, long recvNanos) {
        Entry e = byTopic.get(topic);
        if (e == null || probe == null) {
            return;
        }
        // Pushes that carry a join_ref from an earlier join are stale (phoenix.js isMember drops them).
        if (joinRef != null && !joinRef.equals(e.joinRef)) {
            return;
        }
        listener.probeReceived(e.spec.subscription(), probe, recvNanos, commitTimestamp);
    }

    /**
     * Any other message on one of the channels' topics (replies, system messages, phx_close, phx_error, presence).
     * Returns what the connection has to do about it, or null for nothing.
     */
    public Change onControl(PhoenixMessage m, long recvNanos) {
        Entry e = byTopic.get(m.topic());
        if (e == null) {
            return null;
        }
        switch (m.event()) {
            case Events.REPLY -> {
                return onReply(e, m, recvNanos);
            }
            case Events.SYSTEM -> onSystem(e, m, recvNanos);
            case Events.CLOSE -> {
                // realtime-js (phoenix.js channel.js, onClose; design/protocol.md §8 "phx_close"): a phx_close from
                // the server sets the channel to closed and removes it; it reports CLOSED and never rejoins. So a
                // closed channel stays closed here too, and what it is owed afterwards counts as channelDown.
                // A phx_close while errored answers our own phx_leave after a join timeout or a mismatch refusal:
                // phoenix.js has reset its join push by then, so isMember drops it as outdated; so do we, or
                // the channel would never be rejoined.
                if (isCurrent(e, m) && (e.phase == Phase.JOINING || e.phase == Phase.JOINED)) {
                    boolean wasJoined = e.phase == Phase.JOINED;
                    e.phase = Phase.CLOSED;
                    e.ready = false;
                    if (wasJoined) {
                        listener.subscriptionClosed(e.spec.subscription(), "phx_close");
                    }
                    listener.closedByServer(e.spec.subscription());
                    return new Change(Change.Kind.CLOSED, e, "phx_close");
                }
            }
            case Events.ERROR -> {
                // realtime-js (phoenix.js channel.js, onError; protocol.md §8 "phx_error" and §11): the channel
                // process crashed; the channel is set to errored and rejoined with rejoinAfterMs's backoff
                // (1 s, 2 s, 5 s, then 10 s), which the returned ERRORED change makes the caller schedule.
                if (isCurrent(e, m) && (e.phase == Phase.JOINING || e.phase == Phase.JOINED)) {
                    if (e.phase == Phase.JOINED) {
                        listener.subscriptionClosed(e.spec.subscription(), "phx_error");
                    }
                    e.ready = false;
                    errored(e);
                    return new Change(Change.Kind.ERRORED, e, "phx_error");
                }
            }
            case Events.PRESENCE_STATE, Events.PRESENCE_DIFF -> listener.presence(e.spec.subscription(), m.event());
            default -> {
                // Other pushes are not part of the latency path.
            }
        }
        return null;
    }

    private static boolean isCurrent(Entry e, PhoenixMessage m) {
        // The v1 server never sends join_ref; then the topic alone identifies the channel.
        return m.joinRef() == null || m.joinRef().equals(e.joinRef);
    }

    private Change onReply(Entry e, PhoenixMessage m, long recvNanos) {
        // Only the reply to the pending join matters; replies to pushes (presence track, leave) are not tracked.
        if (e.phase != Phase.JOINING || m.ref() == null || !m.ref().equals(e.joinRef)) {
            return null;
        }
        JoinReply reply = JoinReply.parse(m.reply(), e.spec.join().postgresChanges());
        if (!reply.ok()) {
            listener.joinFailed(e.spec.subscription(), reply.reason());
            errored(e);
            return new Change(Change.Kind.REFUSED, e, reply.reason());
        }
        e.phase = Phase.JOINED;
        e.rejoinTries = 0;
        e.postgresChangeIds = reply.postgresChangeIds();
        listener.joined(e.spec.subscription(), recvNanos - e.joinSentNanos);
        if (!e.expectsPostgresChanges()) {
            markReady(e, recvNanos);
        }
        return new Change(Change.Kind.JOINED, e, null);
    }

    private void onSystem(Entry e, PhoenixMessage m, long recvNanos) {
        SystemMessage sys = SystemMessage.of(m.payload());
        if (sys.isPostgresSubscribed()) {
            if (e.phase == Phase.JOINED) {
                markReady(e, recvNanos);
            }
        } else if (!sys.ok()) {
            listener.systemError(e.spec.subscription(), sys.message());
        }
    }

    private void markReady(Entry e, long recvNanos) {
        if (!e.ready) {
            e.ready = true;
            listener.ready(e.spec.subscription(), recvNanos - e.joinSentNanos);
        }
    }

    private static void errored(Entry e) {
        e.phase = Phase.ERRORED;
        e.rejoinTries++;
    }
}
