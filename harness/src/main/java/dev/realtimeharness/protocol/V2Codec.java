package dev.realtimeharness.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * vsn 2.0.0: text frames are {@code [join_ref, ref, topic, event, payload]}; binary frames start with a kind byte.
 * Kind 3 (USER_BROADCAST_PUSH, client→server): {@code kind|join_ref_len|ref_len|topic_len|event_len|meta_len|enc}
 * then the strings, metadata and payload. Kind 4 (USER_BROADCAST, server→client):
 * {@code kind|topic_len|event_len|meta_len|enc} then topic, event, metadata, payload. Every length is one unsigned
 * byte; payload encoding 0 = binary, 1 = JSON (realtime server v2_serializer.ex, realtime-js serializer.ts).
 */
public final class V2Codec implements PhoenixCodec {
    public static final V2Codec INSTANCE = new V2Codec();

    public static final int KIND_PUSH = 0;
    public static final int KIND_REPLY = 1;
    public static final int KIND_BROADCAST = 2;
    public static final int KIND_USER_BROADCAST_PUSH = 3;
    public static final int KIND_USER_BROADCAST = 4;
    public static final int ENCODING_BINARY = 0;
    public static final int ENCODING_JSON = 1;

    private V2Codec() {
    }

    @Override
    public Vsn vsn() {
        return Vsn.V2;
    }

    @Override
    public WireFrame encodeClientPush(PhoenixMessage m) {
        JsonNode p = m.payload();
        // realtime-js encodes every broadcast push whose payload.event is a string as binary kind 3.
        if (Events.BROADCAST.equals(m.event()) && p != null && p.path("event").isTextual()) {
            JsonNode inner = p.get("payload");
            byte[] bytes;
            boolean json = true;
            if (inner != null && inner.isBinary()) {
                try {
                    bytes = inner.binaryValue();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                json = false;
            } else {
                bytes = toJsonBytes(inner == null || inner.isNull() ? Json.object() : inner);
            }
            return new WireFrame.Binary(encodeUserBroadcastPush(new UserBroadcast(m.joinRef(), m.ref(), m.topic(),
                    p.get("event").asText(), null, json, bytes)));
        }
        return new WireFrame.Text(writeArray(m));
    }

    @Override
    public WireFrame encodeServerMessage(PhoenixMessage m) {
        return new WireFrame.Text(writeArray(m));
    }

    @Override
    public WireFrame encodeUserBroadcast(UserBroadcast b) {
        return new WireFrame.Binary(frame(KIND_USER_BROADCAST, b, new String[] {"topic", "event"},
                utf8(b.topic()), utf8(b.userEvent())));
    }

    /** Kind 3, as realtime-js builds it for {@code channel.send({type:'broadcast', ...})}. */
    public static byte[] encodeUserBroadcastPush(UserBroadcast b) {
        return frame(KIND_USER_BROADCAST_PUSH, b, new String[] {"join_ref", "ref", "topic", "event"},
                utf8(b.joinRef() == null ? "" : b.joinRef()), utf8(b.ref() == null ? "" : b.ref()), utf8(b.topic()),
                utf8(b.userEvent()));
    }

    // Kinds 3 and 4 share one layout: kind, one length byte per string field and for the metadata, the payload
    // encoding, then the fields, the metadata and the payload.
    private static byte[] frame(int kind, UserBroadcast b, String[] names, byte[]... fields) {
        byte[] meta = b.metadata();
        int size = 3 + fields.length + meta.length + b.payload().length;
        for (int i = 0; i < fields.length; i++) {
            checkLength(names[i], fields[i]);
            size += fields[i].length;
        }
        checkLength("metadata", meta);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(kind);
        for (byte[] f : fields) {
            out.write(f.length);
        }
        out.write(meta.length);
        out.write(b.jsonEncoding() ? ENCODING_JSON : ENCODING_BINARY);
        for (byte[] f : fields) {
            out.writeBytes(f);
        }
        out.writeBytes(meta);
        out.writeBytes(b.payload());
        return out.toByteArray();
    }

    /** Decodes binary kind 3 or 4 into its fields; other kinds are protocol errors (realtime-js drops them too). */
    public static UserBroadcast decodeBinary(byte[] f) throws ProtocolException {
        if (f.length == 0) {
            throw new ProtocolException("empty binary frame");
        }
        int kind = f[0] & 0xFF;
        if (kind == KIND_USER_BROADCAST_PUSH) {
            Fields x = fields(f, 4);
            String joinRef = x.strings()[0];
            String ref = x.strings()[1];
            return new UserBroadcast(joinRef.isEmpty() ? null : joinRef, ref.isEmpty() ? null : ref,
                    x.strings()[2], x.strings()[3], x.meta(), x.json(), x.payload());
        }
        if (kind == KIND_USER_BROADCAST) {
            Fields x = fields(f, 2);
            return new UserBroadcast(null, null, x.strings()[0], x.strings()[1], x.meta(), x.json(), x.payload());
        }
        throw new ProtocolException("unsupported binary frame kind " + kind + " (only 3 and 4 are used by Supabase)");
    }

    private record Fields(String[] strings, byte[] meta, boolean json, byte[] payload) {
    }

    // Reads the shared layout of kinds 3 and 4 (see frame()) with {@code count} string fields.
    private static Fields fields(byte[] f, int count) throws ProtocolException {
        int header = 3 + count;
        need(f, header);
        int pos = header;
        int total = pos;
        for (int i = 0; i <= count; i++) {
            total += f[1 + i] & 0xFF;
        }
        need(f, total);
        String[] strings = new String[count];
        for (int i = 0; i < count; i++) {
            int len = f[1 + i] & 0xFF;
            strings[i] = str(f, pos, len);
            pos += len;
        }
        int metaLen = f[1 + count] & 0xFF;
        byte[] meta = java.util.Arrays.copyOfRange(f, pos, pos + metaLen);
        pos += metaLen;
        return new Fields(strings, meta, encoding(f[2 + count] & 0xFF), java.util.Arrays.copyOfRange(f, pos, f.length));
    }

    @Override
    public PhoenixMessage decode(WireFrame frame) throws ProtocolException {
        if (frame instanceof WireFrame.Binary b) {
            UserBroadcast ub = decodeBinary(b.bytes());
            return new PhoenixMessage(ub.joinRef(), ub.ref(), ub.topic(), Events.BROADCAST,
                    PhoenixCodec.broadcastPayload(ub));
        }
        String text = ((WireFrame.Text) frame).text();
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ProtocolException("not JSON: " + e.getMessage(), e);
        }
        // The server rejects anything but an array of at least 5 elements ("expected V2 array").
        if (node == null || !node.isArray() || node.size() < 5) {
            throw new ProtocolException("expected V2 array [join_ref, ref, topic, event, payload]");
        }
        return new PhoenixMessage(V1Codec.text(node.get(0)), V1Codec.text(node.get(1)), node.get(2).asText(),
                node.get(3).asText(), node.get(4));
    }

    private static String writeArray(PhoenixMessage m) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartArray();
            writeNullable(g, m.joinRef());
            writeNullable(g, m.ref());
            g.writeString(m.topic());
            g.writeString(m.event());
            Json.MAPPER.writeTree(g, m.payload() == null ? Json.object() : m.payload());
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + m, e);
        }
        return out.toString();
    }

    private static void writeNullable(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }

    static byte[] toJsonBytes(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean encoding(int enc) throws ProtocolException {
        if (enc == ENCODING_JSON) {
            return true;
        }
        if (enc == ENCODING_BINARY) {
            return false;
        }
        throw new ProtocolException("unknown payload encoding " + enc);
    }

    private static void need(byte[] f, int n) throws ProtocolException {
        if (f.length < n) {
            throw new ProtocolException("binary frame truncated: " + f.length + " bytes, header needs " + n);
        }
    }

    private static String str(byte[] f, int pos, int len) {
        return new String(f, pos, len, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void checkLength(String what, byte[] b) {
        if (b.length > 255) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes; binary frames allow at most 255");
        }
    }
}
