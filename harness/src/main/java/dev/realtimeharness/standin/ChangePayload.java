package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.WireFrame;
import java.io.IOException;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The {@code data} object of a postgres_changes delivery, serialized once per change and spliced raw into every
 * subscriber's frame (one insert may go to thousands of channels).
 */
final class ChangePayload {
    // to_char(ts at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') in the server's apply_rls.
    static final DateTimeFormatter COMMIT_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String json;
    // The data's UTF-8 bytes, shared read-only by every subscriber's frame (ChangeFrame), made on first use.
    private byte[] utf8;

    private ChangePayload(String json) {
        this.json = json;
    }

    static ChangePayload of(ChangeEvent e) {
        return new ChangePayload(dataJson(e));
    }

    /**
     * One subscriber's frame, encoded later on its socket's event loop; the data is UTF-8 encoded once per change.
     * Called by the capture thread only.
     */
    ChangeFrame frameFor(PhoenixCodec codec, String topic, List<Long> ids) {
        if (utf8 == null) {
            utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new ChangeFrame(utf8, codec, topic, ids);
    }

    /**
     * {@code [null,null,topic,"postgres_changes",{"data":{..},"ids":[..]}]} (v2) or the v1 object form, through the
     * codec: the reference {@link ChangeFrame} is checked against.
     */
    WireFrame frame(PhoenixCodec codec, String topic, List<Long> ids) {
        // The server's payload map %{ids:, data:} goes through Jason, which writes small maps in key order.
        ObjectNode payload = Json.object();
        payload.putRawValue("data", new RawValue(json));
        var idArray = payload.putArray("ids");
        for (Long id : ids) {
            idArray.add(id);
        }
        return codec.encodeServerMessage(new PhoenixMessage(null, null, topic, Events.POSTGRES_CHANGES, payload));
    }

    /**
     * Keys alphabetical, as the Jason derive of NewRecord/UpdatedRecord/DeletedRecord writes them: columns,
     * commit_timestamp, errors, [old_record], [record], schema, table, type.
     */
    static String dataJson(ChangeEvent e) {
        StringWriter out = new StringWriter(256);
        String type = e.type();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.setCodec(Json.MAPPER);
            g.writeStartObject();
            g.writeArrayFieldStart("columns");
            for (ChangeEvent.Column c : e.columns()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("type", c.type());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (e.commitTimestamp() == null) {
                g.writeNullField("commit_timestamp");
            } else {
                g.writeStringField("commit_timestamp", COMMIT_TIMESTAMP.format(e.commitTimestamp()));
            }
            // The stand-in never produces the server's 400/401/413 errors: a row RLS hides is not delivered, a table
            // without a primary key under RLS delivers nothing, and there is no size cap.
            g.writeNullField("errors");
            if (!"INSERT".equals(type)) {
                // guess: an UPDATE without an old tuple (default replica identity, key unchanged) still has
                // old_record; the real server sends the primary key there, the stand-in sends what it was given
                // or {} when nothing.
                writeRow(g, "old_record", e.oldRecord());
            }
            if (!"DELETE".equals(type)) {
                writeRow(g, "record", e.record());
            }
            g.writeStringField("schema", e.schema());
            g.writeStringField("table", e.table());
            g.writeStringField("type", type);
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot serialize change of " + e.schema() + "." + e.table(), ex);
        }
        return out.toString();
    }

    private static void writeRow(JsonGenerator g, String name, Map<String, Object> row) throws IOException {
        g.writeObjectFieldStart(name);
        if (row != null) {
            for (Map.Entry<String, Object> f : row.entrySet()) {
                g.writeFieldName(f.getKey());
                // Long/Double/BigDecimal/Boolean/String/JsonNode all have Jackson serializers; JsonNode is written
                // as the JSON it holds (json/jsonb columns), as wal2json does.
                g.writeObject(f.getValue());
            }
        }
        g.writeEndObject();
    }
}
