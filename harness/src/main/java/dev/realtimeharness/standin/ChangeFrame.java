package dev.realtimeharness.standin;

import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.V1Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One subscriber's postgres_changes frame, not yet encoded: the change's {@code data} (serialized and UTF-8 encoded
 * once per change, shared by every subscriber), the channel's topic and its matching binding ids. The capture thread
 * creates it; the socket's event loop turns it into its WebSocket frame ({@link #toWebSocketFrame}), so no
 * per-subscriber encoding happens on the capture thread. The bytes are exactly what the codec of the socket's
 * serializer writes for {@code [null,null,topic,"postgres_changes",{"data":..,"ids":[..]}]} (v2) or
 * {@code {"event":"postgres_changes","payload":{..},"ref":null,"topic":..}} (v1).
 */
final class ChangeFrame {
    private static final byte[] V1_HEAD =
            ("{\"event\":\"" + Events.POSTGRES_CHANGES + "\",\"payload\":{\"data\":").getBytes(StandardCharsets.US_ASCII);

    private final byte[] data;
    private final boolean v1;
    private final String topic;
    private final List<Long> ids;

    ChangeFrame(byte[] data, PhoenixCodec codec, String topic, List<Long> ids) {
        this.data = data;
        this.v1 = codec instanceof V1Codec;
        this.topic = topic;
        this.ids = ids;
    }

    /** The frame's text, as one buffer of three: head with the topic (v2), the shared data, tail with the ids. */
    TextWebSocketFrame toWebSocketFrame() {
        return new TextWebSocketFrame(content());
    }

    ByteBuf content() {
        StringBuilder tail = new StringBuilder(48).append(",\"ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                tail.append(',');
            }
            tail.append(ids.get(i).longValue());
        }
        if (v1) {
            tail.append("]},\"ref\":null,\"topic\":").append(jsonString(topic)).append('}');
            return Unpooled.wrappedBuffer(V1_HEAD, data, utf8(tail));
        }
        tail.append("]}]");
        byte[] head = utf8(new StringBuilder(topic.length() + 48)
                .append("[null,null,").append(jsonString(topic)).append(",\"").append(Events.POSTGRES_CHANGES)
                .append("\",{\"data\":"));
        return Unpooled.wrappedBuffer(head, data, utf8(tail));
    }

    private static byte[] utf8(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The topic as a JSON string, escaped by the same generator the codecs use. */
    private static String jsonString(String s) {
        StringWriter out = new StringWriter(s.length() + 2);
        try (var g = Json.FACTORY.createGenerator(out)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
