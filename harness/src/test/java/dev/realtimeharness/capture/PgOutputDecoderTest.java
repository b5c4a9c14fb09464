package dev.realtimeharness.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {

    private static final Map<Integer, String> TYPES = Map.of(20, "int8", 25, "text", 3802, "jsonb");

    private final PgOutputDecoder decoder = new PgOutputDecoder(oids -> {
        String[] names = new String[oids.length];
        for (int i = 0; i < oids.length; i++) {
            names[i] = TYPES.get(oids[i]);
        }
        return names;
    });

    @Test
    void updateWithKeyChangeSendsOldKeyAndOmitsUnchangedToast() throws IOException {
        decoder.decode(relation(), 0);
        decoder.decode(msg(o -> {
            o.writeByte('B');
            o.writeLong(0x100);
            o.writeLong(0); // 2000-01-01T00:00:00Z
            o.writeInt(7);
        }), 0);
        decoder.decode(msg(o -> {
            o.writeByte('U');
            o.writeInt(16384);
            o.writeByte('K');
            tuple(o, "1", null, null);
            o.writeByte('N');
            tuple(o, "2", "u", "{\"a\":1}");
        }), 0);
        PgOutputDecoder.Committed committed = decoder.decode(commit(0x200, 1_500_000), 42);

        assertThat(committed.endLsn()).isEqualTo(0x200);
        ChangeEvent e = committed.events().get(0);
        assertThat(e.schema()).isEqualTo("public");
        assertThat(e.table()).isEqualTo("t");
        assertThat(e.type()).isEqualTo("UPDATE");
        assertThat(e.oldRecord()).containsExactly(Map.entry("id", 1L));
        assertThat(e.record()).containsOnlyKeys("id", "doc");
        assertThat(e.record().get("doc")).isInstanceOf(JsonNode.class);
        assertThat(((JsonNode) e.record().get("doc")).get("a").asInt()).isEqualTo(1);
        assertThat(e.commitTimestamp()).isEqualTo(Instant.parse("2000-01-01T00:00:01.500Z"));
        assertThat(e.receivedNanos()).isEqualTo(42);
    }

    @Test
    void deleteWithKeyTupleKeepsOnlyKeyColumns() throws IOException {
        decoder.decode(relation(), 0);
        decoder.decode(msg(o -> {
            o.writeByte('D');
            o.writeInt(16384);
            o.writeByte('K');
            tuple(o, "5", null, null);
        }), 0);
        ChangeEvent e = decoder.decode(commit(0x300, 0), 0).events().get(0);
        assertThat(e.type()).isEqualTo("DELETE");
        assertThat(e.record()).isNull();
        assertThat(e.oldRecord()).containsExactly(Map.entry("id", 5L));
    }

    @Test
    void convertsTextLikeWal2jsonFormatVersion2() {
        assertThat(WalValues.convert("int4", "-3")).isEqualTo(-3L);
        assertThat(WalValues.convert("float8", "1.5")).isEqualTo(1.5d);
        assertThat(WalValues.convert("float8", "NaN")).isEqualTo("NaN");
        assertThat(WalValues.convert("numeric", "12.30")).isEqualTo(new BigDecimal("12.30"));
        assertThat(WalValues.convert("bool", "t")).isEqualTo(true);
        assertThat(WalValues.convert("bool", "f")).isEqualTo(false);
        assertThat(WalValues.convert("uuid", "d0000000-0000-4000-8000-000000000001"))
                .isEqualTo("d0000000-0000-4000-8000-000000000001");
        assertThat(WalValues.convert("timestamptz", "2026-11-25 21:30:00.123+00")).isEqualTo("2026-11-25 21:30:00.123+00");
    }

    private interface Writer {
        void write(DataOutputStream o) throws IOException;
    }

    private static ByteBuffer msg(Writer w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.write(new DataOutputStream(bytes));
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    private static ByteBuffer relation() throws IOException {
        return msg(o -> {
            o.writeByte('R');
            o.writeInt(16384);
            cString(o, "public");
            cString(o, "t");
            o.writeByte('d');
            o.writeShort(3);
            column(o, 1, "id", 20);
            column(o, 0, "big", 25);
            column(o, 0, "doc", 3802);
        });
    }

    private static ByteBuffer commit(long endLsn, long micros) throws IOException {
        return msg(o -> {
            o.writeByte('C');
            o.writeByte(0);
            o.writeLong(endLsn - 0x10);
            o.writeLong(endLsn);
            o.writeLong(micros);
        });
    }

    private static void column(DataOutputStream o, int flags, String name, int oid) throws IOException {
        o.writeByte(flags);
        cString(o, name);
        o.writeInt(oid);
        o.writeInt(-1);
    }

    /** null → 'n', "u" → unchanged TOAST, else 't' text. */
    private static void tuple(DataOutputStream o, String... values) throws IOException {
        o.writeShort(values.length);
        for (String v : values) {
            if (v == null) {
                o.writeByte('n');
            } else if (v.equals("u")) {
                o.writeByte('u');
            } else {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                o.writeByte('t');
                o.writeInt(b.length);
                o.write(b);
            }
        }
    }

    private static void cString(DataOutputStream o, String s) throws IOException {
        o.write(s.getBytes(StandardCharsets.UTF_8));
        o.writeByte(0);
    }
}
