package dev.realtimeharness.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A broadcast in the binary framing of vsn 2.0.0: kind 3 (client push, carries refs) or kind 4 (server to
 * subscribers, no refs). {@code metadata} is raw JSON bytes or empty; {@code payload} is raw bytes, JSON text when
 * {@code jsonEncoding} is true.
 */
public record UserBroadcast(String joinRef, String ref, String topic, String userEvent, byte[] metadata,
        boolean jsonEncoding, byte[] payload) {

    public UserBroadcast {
        metadata = metadata == null ? new byte[0] : metadata;
        payload = payload == null ? new byte[0] : payload;
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserBroadcast u
                && java.util.Objects.equals(joinRef, u.joinRef) && java.util.Objects.equals(ref, u.ref)
                && topic.equals(u.topic) && userEvent.equals(u.userEvent) && Arrays.equals(metadata, u.metadata)
                && jsonEncoding == u.jsonEncoding && Arrays.equals(payload, u.payload);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(joinRef, ref, topic, userEvent, Arrays.hashCode(metadata), jsonEncoding,
                Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "UserBroadcast[joinRef=" + joinRef + ", ref=" + ref + ", topic=" + topic + ", userEvent=" + userEvent
                + ", metadata=" + new String(metadata, StandardCharsets.UTF_8) + ", json=" + jsonEncoding
                + ", payload=" + payload.length + " bytes]";
    }
}
