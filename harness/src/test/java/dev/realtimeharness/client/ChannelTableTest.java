package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The channel table's state machine and listener calls, in plain Java: no sockets, no event loop. */
class ChannelTableTest {
    static final String PG = "realtime:orders:0";
    static final String BC = "realtime:room:1";
    static final JoinConfig.PostgresChangeFilter ORDERS =
            new JoinConfig.PostgresChangeFilter("*", "public", "orders", "driver_id=eq.d1");

    final List<String> events = new ArrayList<>();
    final ClientListener listener = new ClientListener() {
        @Override
        public void joinAttempted(int s) {
            events.add("joinAttempted " + s);
        }

        @Override
        public void joined(int s, long nanos) {
            events.add("joined " + s + " " + nanos);
        }

        @Override
        public void joinFailed(int s, String reason) {
            events.add("joinFailed " + s + " " + reason);
        }

        @Override
        public void ready(int s, long nanos) {
            events.add("ready " + s + " " + nanos);
        }

        @Override
        public void subscriptionClosed(int s, String reason) {
            events.add("closed " + s + " " + reason);
        }

        @Override
        public void probeReceived(int s, String probe, long recv, String commitTs) {
            events.add("probe " + s + " " + probe + " " + recv + " " + commitTs);
        }

        @Override
        public void presence(int s, String event) {
            events.add("presence " + s + " " + event);
        }

        @Override
        public void systemError(int s, String message) {
            events.add("systemError " + s + " " + message);
        }
    };

    // Subscription 10 listens to postgres_changes, 11 is broadcast-only.
    final ChannelTable table = new ChannelTable(List.of(
            new ChannelSpec(10, PG, new JoinConfig(false, false, "", false, List.of(ORDERS), false, null)),
            new ChannelSpec(11, BC, new JoinConfig(false, false, "", false, List.of(), false, null))), listener);
    final ChannelTable.Entry pg = table.entry(PG);
    final ChannelTable.Entry bc = table.entry(BC);

    static PhoenixMessage msg(String v2) {
        try {
            return V2Codec.INSTANCE.decode(new WireFrame.Text(v2));
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    static PhoenixMessage ok(String joinRef, String ref, String topic) {
        return msg("[\"" + joinRef + "\",\"" + ref + "\",\"" + topic + "\",\"phx_reply\",{\"status\":\"ok\","
                + "\"response\":{\"postgres_changes\":" + (PG.equals(topic) ? "[{\"event\":\"*\",\"schema\":"
                + "\"public\",\"table\":\"orders\",\"filter\":\"driver_id=eq.d1\",\"id\":77}]" : "[]") + "}}]");
    }

    static PhoenixMessage error(String ref, String topic, String reason) {
        return msg("[\"" + ref + "\",\"" + ref + "\",\"" + topic + "\",\"phx_reply\",{\"status\":\"error\","
                + "\"response\":{\"reason\":\"" + reason + "\"}}]");
    }

    static PhoenixMessage push(String joinRef, String topic, String event, String payload) {
        return msg("[" + (joinRef == null ? "null" : "\"" + joinRef + "\"") + ",null,\"" + topic + "\",\"" + event
                + "\"," + payload + "]");
    }

    static PhoenixMessage subscribed(String joinRef) {
        return push(joinRef, PG, "system", "{\"channel\":\"orders:0\",\"extension\":\"postgres_changes\","
                + "\"message\":\"Subscribed to PostgreSQL\",\"status\":\"ok\"}");
    }

    @Test
    void entriesKeepTheDriversChannelOrderAndAreFoundByTopic() {
        assertThat(table.entries()).containsExactly(pg, bc);
        assertThat(table.entry(0)).isSameAs(pg);
        assertThat(bc.position()).isEqualTo(1);
        assertThat(table.entry("realtime:unknown")).isNull();
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.IDLE);
        assertThat(pg.joinRef()).isNull();
    }

    @Test
    void postgresChannelIsJoinedAtTheReplyAndReadyOnlyAtSubscribedToPostgres() {
        table.joining(pg, "1", 1_000);
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.JOINING);
        ChannelTable.Change c = table.onControl(ok("1", "1", PG), 1_500);
        assertThat(c).isEqualTo(new ChannelTable.Change(ChannelTable.Change.Kind.JOINED, pg, null));
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.JOINED);
        assertThat(pg.postgresChangeIds()).containsExactly(77L);
        assertThat(pg.ready()).isFalse();
        assertThat(table.onControl(subscribed("1"), 4_000)).isNull();
        assertThat(pg.ready()).isTrue();
        // A second "Subscribed" (the server resubscribing) is not a second readiness.
        table.onControl(subscribed("1"), 5_000);
        assertThat(events).containsExactly("joinAttempted 10", "joined 10 500", "ready 10 3000");
    }

    @Test
    void broadcastOnlyChannelIsReadyAtTheJoinReply() {
        table.joining(bc, "2", 1_000);
        table.onControl(ok("2", "2", BC), 1_200);
        assertThat(bc.ready()).isTrue();
        assertThat(events).containsExactly("joinAttempted 11", "joined 11 200", "ready 11 200");
    }

    @Test
    void subscribedBeforeTheJoinReplyDoesNotMakeTheChannelReady() {
        table.joining(pg, "1", 0);
        table.onControl(subscribed("1"), 10);
        assertThat(pg.ready()).isFalse();
        assertThat(events).containsExactly("joinAttempted 10");
    }

    @Test
    void repliesToOtherRefsAndLateRepliesAreIgnored() {
        table.joining(pg, "3", 0);
        assertThat(table.onControl(ok("3", "4", PG), 10)).as("reply to another push").isNull();
        assertThat(table.onControl(ok("1", "1", PG), 10)).as("reply to an earlier join").isNull();
        table.onControl(ok("3", "3", PG), 20);
        assertThat(table.onControl(ok("3", "3", PG), 30)).as("second reply").isNull();
        assertThat(events).containsExactly("joinAttempted 10", "joined 10 20");
    }

    @Test
    void refusedJoinReportsTheServersReasonAndCountsTriesUntilAJoinSucceeds() {
        table.joining(pg, "1", 0);
        ChannelTable.Change c = table.onControl(error("1", PG, "ChannelRateLimitReached: Too many channels"), 5);
        assertThat(c.kind()).isEqualTo(ChannelTable.Change.Kind.REFUSED);
        assertThat(c.reason()).isEqualTo("ChannelRateLimitReached: Too many channels");
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(pg.rejoinTries()).isEqualTo(1);
        table.joining(pg, "2", 10);
        table.onControl(error("2", PG, "x"), 15);
        assertThat(pg.rejoinTries()).isEqualTo(2);
        table.joining(pg, "3", 20);
        table.onControl(ok("3", "3", PG), 25);
        assertThat(pg.rejoinTries()).isZero();
        assertThat(events).containsExactly("joinAttempted 10", "joinFailed 10 ChannelRateLimitReached: Too many "
                + "channels", "joinAttempted 10", "joinFailed 10 x", "joinAttempted 10", "joined 10 5");
    }

    @Test
    void socketOpenResetsTheRejoinTriesOfEveryChannel() {
        table.joining(pg, "1", 0);
        table.onControl(error("1", PG, "x"), 5);
        table.joining(pg, "2", 10);
        table.onControl(error("2", PG, "x"), 15);
        assertThat(pg.rejoinTries()).isEqualTo(2);
        table.socketClosed();
        table.socketOpened();
        // phoenix.js resets each channel's rejoin timer when the socket opens: the next refusal waits 1 s again.
        assertThat(pg.rejoinTries()).isZero();
        table.joining(pg, "1", 20);
        table.onControl(error("1", PG, "x"), 25);
        assertThat(Backoff.rejoinMillis(pg.rejoinTries())).isEqualTo(1000);
    }

    @Test
    void joinTimesOutOnlyWhileThatJoinIsPending() {
        table.joining(pg, "1", 0);
        table.joining(pg, "2", 10);
        assertThat(table.joinTimedOut(pg, "1")).as("superseded join").isFalse();
        assertThat(table.joinTimedOut(pg, "2")).isTrue();
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(pg.rejoinTries()).isEqualTo(1);
        assertThat(table.joinTimedOut(pg, "2")).as("already timed out").isFalse();
        table.joining(bc, "3", 0);
        table.onControl(ok("3", "3", BC), 1);
        assertThat(table.joinTimedOut(bc, "3")).as("replied").isFalse();
        assertThat(events).containsExactly("joinAttempted 10", "joinAttempted 10", "joinFailed 10 TIMED_OUT",
                "joinAttempted 11", "joined 11 1", "ready 11 1");
    }

    @Test
    void phxCloseClosesTheChannelForGoodAndASocketCloseDoesNotReviveIt() {
        table.joining(bc, "1", 0);
        table.onControl(ok("1", "1", BC), 1);
        assertThat(table.onControl(push("1", BC, "phx_close", "{}"), 2))
                .isEqualTo(new ChannelTable.Change(ChannelTable.Change.Kind.CLOSED, bc, "phx_close"));
        assertThat(bc.phase()).isEqualTo(ChannelTable.Phase.CLOSED);
        assertThat(bc.ready()).isFalse();
        table.socketClosed();
        assertThat(bc.phase()).isEqualTo(ChannelTable.Phase.CLOSED);
        assertThat(events).containsExactly("joinAttempted 11", "joined 11 1", "ready 11 1", "closed 11 phx_close");
    }

    @Test
    void phxCloseOfAChannelNotJoinedIsNotReportedAsAClosedSubscription() {
        table.joining(pg, "1", 0);
        assertThat(table.onControl(push("1", PG, "phx_close", "{}"), 2).kind())
                .isEqualTo(ChannelTable.Change.Kind.CLOSED);
        assertThat(events).containsExactly("joinAttempted 10");
    }

    @Test
    void phxErrorOfTheCurrentJoinErrorsTheChannelAndAnOlderJoinsIsIgnored() {
        table.joining(bc, "5", 0);
        table.onControl(ok("5", "5", BC), 1);
        assertThat(table.onControl(push("4", BC, "phx_error", "{}"), 2)).isNull();
        assertThat(table.onControl(push("4", BC, "phx_close", "{}"), 2)).isNull();
        assertThat(bc.phase()).isEqualTo(ChannelTable.Phase.JOINED);
        ChannelTable.Change c = table.onControl(push("5", BC, "phx_error", "{}"), 3);
        assertThat(c.kind()).isEqualTo(ChannelTable.Change.Kind.ERRORED);
        assertThat(bc.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(bc.ready()).isFalse();
        assertThat(bc.rejoinTries()).isEqualTo(1);
        assertThat(events).containsExactly("joinAttempted 11", "joined 11 1", "ready 11 1", "closed 11 phx_error");
    }

    @Test
    void v1PushesWithoutJoinRefAreMatchedByTopic() {
        table.joining(bc, "5", 0);
        table.onControl(ok("5", "5", BC), 1);
        assertThat(table.onControl(push(null, BC, "phx_close", "{}"), 2).kind())
                .isEqualTo(ChannelTable.Change.Kind.CLOSED);
        table.deliver(BC, null, "run:1", null, 3);
        assertThat(events).containsExactly("joinAttempted 11", "joined 11 1", "ready 11 1", "closed 11 phx_close",
                "probe 11 run:1 3 null");
    }

    @Test
    void socketCloseReportsJoinedChannelsAndErrorsEveryChannelForARejoin() {
        table.joining(pg, "1", 0);
        table.onControl(ok("1", "1", PG), 1);
        table.onControl(subscribed("1"), 2);
        table.joining(bc, "2", 0);
        table.socketClosed();
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(bc.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(pg.ready()).isFalse();
        assertThat(pg.rejoinTries()).as("a lost socket is not a failed join").isZero();
        assertThat(events).containsExactly("joinAttempted 10", "joined 10 1", "ready 10 2", "joinAttempted 11",
                "closed 10 socket closed");
    }

    @Test
    void probesOfTheCurrentJoinAreDeliveredAndStaleUnknownOrProbelessOnesDropped() {
        table.joining(pg, "3", 0);
        table.deliver(PG, "3", "run:1", "2026-11-25T10:00:00Z", 100);
        table.deliver(PG, "2", "run:2", null, 101);
        table.deliver("realtime:other", null, "run:3", null, 102);
        table.deliver(PG, "3", null, null, 103);
        assertThat(events).containsExactly("joinAttempted 10", "probe 10 run:1 100 2026-11-25T10:00:00Z");
    }

    @Test
    void deliversAScannedFrame() throws ProtocolException {
        table.joining(bc, "1", 0);
        InboundScan scan = new InboundScan("notes");
        byte[] frame = ("[\"1\",null,\"" + BC + "\",\"broadcast\",{\"event\":\"order\",\"payload\":"
                + "{\"probe\":\"run:9\"},\"type\":\"broadcast\"}]").getBytes(StandardCharsets.UTF_8);
        scan.scanText(Vsn.V2, frame, 0, frame.length);
        table.deliver(scan, 42);
        assertThat(events).containsExactly("joinAttempted 11", "probe 11 run:9 42 null");
    }

    @Test
    void systemErrorsAndPresenceGoToTheListenerAndUnknownTopicsAreIgnored() {
        table.joining(pg, "1", 0);
        table.onControl(push("1", PG, "system", "{\"extension\":\"system\",\"message\":\"Too many messages\","
                + "\"status\":\"error\"}"), 1);
        table.onControl(push("1", PG, "presence_state", "{}"), 2);
        table.onControl(push("1", PG, "presence_diff", "{\"joins\":{},\"leaves\":{}}"), 3);
        assertThat(table.onControl(push("1", "realtime:other", "phx_error", "{}"), 4)).isNull();
        assertThat(table.onControl(msg("[null,\"9\",\"phoenix\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]"),
                5)).isNull();
        assertThat(events).containsExactly("joinAttempted 10", "systemError 10 Too many messages",
                "presence 10 presence_state", "presence 10 presence_diff");
    }
}
