package dev.realtimeharness.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;

/** vsn 1.0.0: JSON objects in text frames; no binary frames at all. */
public final class V1Codec implements PhoenixCodec {
    public static final V1Codec INSTANCE = new V1Codec();

    private V1Codec() {
    }

    @Override
    public Vsn vsn() {
        return Vsn.V1;
    }

    @Override
    public WireFrame encodeClientPush(PhoenixMessage m) {
        // phoenix.js: JSON.stringify({topic, event, payload, ref, join_ref}); undefined join_ref is left out.
        return new WireFrame.Text(write(m, true));
    }

    @Override
    public WireFrame encodeServerMessage(PhoenixMessage m) {
        return new WireFrame.Text(write(m, false));
    }

    @Override
    public WireFrame encodeUserBroadcast(UserBroadcast b) {
        if (!b.jsonEncoding()) {
            return null;
        }
        try {
            return encodeServerMessage(new PhoenixMessage(null, null, b.topic(), Events.BROADCAST,
                    PhoenixCodec.broadcastPayload(b)));
        } catch (ProtocolException e) {
            return null;
        }
    }

    private static String write(PhoenixMessage m, boolean fromClient) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (fromClient) {
                g.writeStringField("topic", m.topic());
                g.writeStringField("event", m.event());
                writePayload(g, m);
                writeRef(g, "ref", m.ref());
                if (m.joinRef() != null) {
                    g.writeStringField("join_ref", m.joinRef());
                }
            } else {
                // The server's V1 serializer sends Map.take([:topic, :event, :payload, :ref]) through Jason, which
                // writes small maps in key order: event, payload, ref, topic. Never join_ref.
                g.writeStringField("event", m.event());
                writePayload(g, m);
                writeRef(g, "ref", m.ref());
                g.writeStringField("topic", m.topic());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + m, e);
        }
        return out.toString();
    }

    private static void writePayload(JsonGenerator g, PhoenixMessage m) throws IOException {
        g.writeFieldName("payload");
        Json.MAPPER.writeTree(g, m.payload() == null ? Json.object() : m.payload());
    }

    private static void writeRef(JsonGenerator g, String name, String ref) throws IOException {
        if (ref == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, ref);
        }
    }

    @Override
    public PhoenixMessage decode(WireFrame frame) throws ProtocolException {
        if (!(frame instanceof WireFrame.Text t)) {
            throw new ProtocolException("binary frame on a vsn 1.0.0 socket");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(t.text());
        } catch (IOException e) {
            throw new ProtocolException("not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("expected a JSON object (vsn 1.0.0)");
        }
        // Phoenix.Socket.Message.from_map! requires topic, event, payload and ref.
        for (String key : new String[] {"topic", "event", "payload", "ref"}) {
            if (!node.has(key)) {
                throw new ProtocolException("missing key '" + key + "'");
            }
        }
        return new PhoenixMessage(text(node.get("join_ref")), text(node.get("ref")), node.get("topic").asText(),
                node.get("event").asText(), node.get("payload"));
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
