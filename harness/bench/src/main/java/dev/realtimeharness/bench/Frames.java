package dev.realtimeharness.bench;

import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.WireFrame;
import java.nio.charset.StandardCharsets;

/**
 * Frames as the stand-in sends them to a subscriber: a postgres_changes INSERT of a probe row (the data object of
 * ChangePayload, keys in Jason's order) and a user broadcast carrying a probe, in both serializer versions.
 */
final class Frames {
    static final String RUN_ID = "20261202T120000Z-ab12";
    static final String PROBE = RUN_ID + ":123456";
    static final String TOPIC = "realtime:bench-room-17";
    static final String PROBE_COLUMN = "probe_id";

    private static final String DATA = "{\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},"
            + "{\"name\":\"probe_id\",\"type\":\"text\"},{\"name\":\"room\",\"type\":\"text\"},"
            + "{\"name\":\"body\",\"type\":\"text\"},{\"name\":\"sent_at\",\"type\":\"timestamptz\"}],"
            + "\"commit_timestamp\":\"2026-12-02T12:00:01.234Z\",\"errors\":null,"
            + "\"record\":{\"body\":\"hello from the harness\",\"id\":987654,\"probe_id\":\"" + PROBE + "\","
            + "\"room\":\"bench-room-17\",\"sent_at\":\"2026-12-02T12:00:01.230123+00:00\"},"
            + "\"schema\":\"public\",\"table\":\"probes\",\"type\":\"INSERT\"}";

    /** vsn 1.0.0 postgres_changes: Jason's key order event, payload, ref, topic. */
    static final String PG_V1 = "{\"event\":\"postgres_changes\",\"payload\":{\"data\":" + DATA
            + ",\"ids\":[104868189]},\"ref\":null,\"topic\":\"" + TOPIC + "\"}";
    static final String PG_V2 = "[null,null,\"" + TOPIC + "\",\"postgres_changes\",{\"data\":" + DATA
            + ",\"ids\":[104868189]}]";

    static final UserBroadcast BROADCAST = new UserBroadcast(null, null, TOPIC, "probe", null, true,
            ("{\"probe\":\"" + PROBE + "\",\"body\":\"hello from the harness\",\"n\":42}")
                    .getBytes(StandardCharsets.UTF_8));
    /** vsn 1.0.0 broadcast: the JSON form of the user broadcast, as the stand-in writes it for v1 sockets. */
    static final String BROADCAST_V1 = ((WireFrame.Text) V1Codec.INSTANCE.encodeUserBroadcast(BROADCAST)).text();
    /** vsn 2.0.0 broadcast: binary kind 4. */
    static final byte[] BROADCAST_V2 = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(BROADCAST)).bytes();

    private Frames() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
