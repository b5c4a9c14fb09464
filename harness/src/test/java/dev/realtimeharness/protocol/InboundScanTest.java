package dev.realtimeharness.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InboundScanTest {
    // protocol.md §5, with the probe id in the record's notes column.
    static final String PG_CHANGE_V2 = "[null,null,\"realtime:room1\",\"postgres_changes\","
            + "{\"ids\":[104868189],\"data\":{\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},"
            + "{\"name\":\"notes\",\"type\":\"text\"}],\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\","
            + "\"errors\":null,\"old_record\":{\"id\":46},\"record\":{\"id\":46,\"notes\":\"run1:17\","
            + "\"meta\":{\"notes\":\"decoy\"}},\"schema\":\"public\",\"table\":\"test\",\"type\":\"UPDATE\"}}]";

    @Test
    void findsProbeAndCommitTimestampInAV2PostgresChange() throws Exception {
        InboundScan s = new InboundScan("notes");
        s.scanText(Vsn.V2, PG_CHANGE_V2);
        assertThat(s.topic()).isEqualTo("realtime:room1");
        assertThat(s.event()).isEqualTo("postgres_changes");
        assertThat(s.joinRef()).isNull();
        assertThat(s.probe()).isEqualTo("run1:17");
        assertThat(s.commitTimestamp()).isEqualTo("2025-11-19T00:22:40.877Z");
        assertThat(s.changeType()).isEqualTo("UPDATE");
    }

    @Test
    void findsProbeInAV1PostgresChangeWhosePayloadComesBeforeEvent() throws Exception {
        String v1 = "{\"event\":\"postgres_changes\",\"payload\":{\"data\":{\"record\":{\"notes\":\"r:3\"},"
                + "\"type\":\"INSERT\"},\"ids\":[1]},\"ref\":null,\"topic\":\"realtime:a\"}";
        InboundScan s = new InboundScan("notes");
        s.scanText(Vsn.V1, v1);
        assertThat(s.probe()).isEqualTo("r:3");
        assertThat(s.ref()).isNull();
        assertThat(s.topic()).isEqualTo("realtime:a");
    }

    @Test
    void findsProbeInTextAndBinaryBroadcasts() throws Exception {
        InboundScan s = new InboundScan("notes");
        s.scanText(Vsn.V2, "[null,null,\"realtime:b\",\"broadcast\",{\"event\":\"order\",\"payload\":"
                + "{\"probe\":\"r:9\",\"n\":[1,2]},\"type\":\"broadcast\"}]");
        assertThat(s.probe()).isEqualTo("r:9");
        byte[] kind4 = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                "realtime:b", "order", null, true, "{\"probe\":\"r:10\"}".getBytes(StandardCharsets.UTF_8)))).bytes();
        s.scanBinary(kind4);
        assertThat(s.event()).isEqualTo("broadcast");
        assertThat(s.topic()).isEqualTo("realtime:b");
        assertThat(s.probe()).isEqualTo("r:10");
    }

    @Test
    void replyHasRefsAndNoProbe() throws Exception {
        InboundScan s = new InboundScan("notes");
        s.scanText(Vsn.V2, "[\"4\",\"4\",\"realtime:x\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(s.joinRef()).isEqualTo("4");
        assertThat(s.ref()).isEqualTo("4");
        assertThat(s.event()).isEqualTo("phx_reply");
        assertThat(s.probe()).isNull();
    }

    @Test
    void garbageIsAProtocolError() {
        InboundScan s = new InboundScan("notes");
        assertThatThrownBy(() -> s.scanText(Vsn.V2, "{\"not\":\"an array\"}")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> s.scanText(Vsn.V2, "[null,")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> s.scanText(Vsn.V1, "[1,2]")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void reusedTopicAndEventNamesFollowEachFrame() throws ProtocolException {
        InboundScan s = new InboundScan("notes");
        String[][] frames = {{"realtime:a", "broadcast"}, {"realtime:a", "custom_evt"}, {"realtime:b", "phx_reply"},
            {"realtime:ab", "broadcast"}, {"realtime:a", "INSERT"}, {"realtime:a", "broadcast"}};
        for (String[] f : frames) {
            s.scanText(Vsn.V2, "[null,null,\"" + f[0] + "\",\"" + f[1] + "\",{\"data\":{\"type\":\"UPDAT\"}}]");
            assertThat(s.topic()).isEqualTo(f[0]);
            assertThat(s.event()).isEqualTo(f[1]);
            assertThat(s.changeType()).isEqualTo("UPDAT");
            s.scanText(Vsn.V1, "{\"event\":\"" + f[1] + "\",\"payload\":{\"data\":{\"type\":\"DELETE\"}},"
                    + "\"ref\":null,\"topic\":\"" + f[0] + "\"}");
            assertThat(s.topic()).isEqualTo(f[0]);
            assertThat(s.event()).isEqualTo(f[1]);
            assertThat(s.changeType()).isEqualTo("DELETE");
        }
    }
}
