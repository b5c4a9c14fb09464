package dev.realtimeharness.client;

import static dev.realtimeharness.client.ChannelTableTest.BC;
import static dev.realtimeharness.client.ChannelTableTest.ORDERS;
import static dev.realtimeharness.client.ChannelTableTest.PG;
import static dev.realtimeharness.client.ChannelTableTest.ok;
import static dev.realtimeharness.client.ChannelTableTest.push;
import static dev.realtimeharness.client.ChannelTableTest.subscribed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Vsn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the table tells its caller after a server close or a channel crash (realtime-js: phx_error → errored and
 * rejoined with backoff; phx_close → closed for good), and the server-close and other-change reports.
 */
class ChannelTableCloseTest {
    final List<String> events = new ArrayList<>();
    final ClientListener listener = new ClientListener() {
        @Override
        public void joined(int s, long nanos) {
            events.add("joined " + s);
        }

        @Override
        public void ready(int s, long nanos) {
            events.add("ready " + s);
        }

        @Override
        public void subscriptionClosed(int s, String reason) {
            events.add("closed " + s + " " + reason);
        }

        @Override
        public void closedByServer(int s) {
            events.add("closedByServer " + s);
        }

        @Override
        public void probeReceived(int s, String probe, long recv, String commitTs) {
            events.add("probe " + s + " " + probe);
        }

        @Override
        public void otherChangeReceived(int s, String probe, String changeType) {
            events.add("otherChange " + s + " " + probe + " " + changeType);
        }
    };
    final ChannelTable table = new ChannelTable(List.of(
            new ChannelSpec(10, PG, new JoinConfig(false, false, "", false, List.of(ORDERS), false, null)),
            new ChannelSpec(11, BC, new JoinConfig(false, false, "", false, List.of(), false, null))), listener);
    final ChannelTable.Entry pg = table.entry(PG);

    void joinAndReadyPg(String ref) {
        table.joining(pg, ref, 0);
        table.onControl(ok(ref, ref, PG), 1);
        table.onControl(subscribed(ref), 2);
    }

    @Test
    void phxErrorOnAReadyChannelAsksForARejoinAfterBackoffAndTheRejoinMakesItReadyAgain() {
        joinAndReadyPg("1");

        ChannelTable.Change change = table.onControl(push("1", PG, "phx_error", "{\"reason\":\"channel_crash\"}"), 3);

        assertThat(change.kind()).isEqualTo(ChannelTable.Change.Kind.ERRORED);
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(Backoff.rejoinMillis(pg.rejoinTries())).as("phoenix.js rejoinAfterMs(1)").isEqualTo(1_000);
        joinAndReadyPg("5");
        assertThat(pg.ready()).isTrue();
        assertThat(events).containsExactly("joined 10", "ready 10", "closed 10 phx_error", "joined 10", "ready 10");
    }

    @Test
    void phxCloseFromTheServerIsReportedAsClosedByServerAndNotRejoined() {
        joinAndReadyPg("1");

        ChannelTable.Change change = table.onControl(push("1", PG, "phx_close", "{}"), 3);
        table.socketClosed();

        assertThat(change.kind()).isEqualTo(ChannelTable.Change.Kind.CLOSED);
        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.CLOSED);
        assertThat(events).containsExactly("joined 10", "ready 10", "closed 10 phx_close", "closedByServer 10");
    }

    @Test
    void phxCloseAnsweringOurLeaveAfterAJoinTimeoutIsIgnoredSoTheChannelStaysToBeRejoined() {
        table.joining(pg, "1", 0);
        table.joinTimedOut(pg, "1");

        assertThat(table.onControl(push("1", PG, "phx_close", "{}"), 3)).isNull();
        assertThat(table.onControl(push("1", PG, "phx_error", "{}"), 4)).isNull();

        assertThat(pg.phase()).isEqualTo(ChannelTable.Phase.ERRORED);
        assertThat(events).doesNotContain("closedByServer 10");
    }

    @Test
    void updateOfAProbeRowIsReportedAsAnOtherChangeAndNotAsAProbe() throws Exception {
        joinAndReadyPg("1");
        InboundScan scan = new InboundScan("notes");
        byte[] frame = ("[\"1\",null,\"" + PG + "\",\"postgres_changes\",{\"ids\":[77],\"data\":{"
                + "\"commit_timestamp\":\"2026-11-25T10:00:00.000Z\",\"record\":{\"notes\":\"run:4\"},"
                + "\"old_record\":{},\"schema\":\"public\",\"table\":\"orders\",\"type\":\"UPDATE\"}}]")
                .getBytes(StandardCharsets.UTF_8);
        scan.scanText(Vsn.V2, frame, 0, frame.length);

        table.deliver(scan, 9);

        assertThat(events).containsExactly("joined 10", "ready 10", "otherChange 10 run:4 UPDATE");
    }

    @Test
    void insertOfAProbeRowIsAProbe() throws Exception {
        joinAndReadyPg("1");
        InboundScan scan = new InboundScan("notes");
        byte[] frame = ("[\"1\",null,\"" + PG + "\",\"postgres_changes\",{\"ids\":[77],\"data\":{"
                + "\"commit_timestamp\":\"2026-11-25T10:00:00.000Z\",\"record\":{\"notes\":\"run:4\"},"
                + "\"schema\":\"public\",\"table\":\"orders\",\"type\":\"INSERT\"}}]")
                .getBytes(StandardCharsets.UTF_8);
        scan.scanText(Vsn.V2, frame, 0, frame.length);

        table.deliver(scan, 9);

        assertThat(events).containsExactly("joined 10", "ready 10", "probe 10 run:4");
    }
}
