package dev.realtimeharness.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner against the Jackson path of {@link InboundScan}, on the same frames: whenever the scanner is
 * certain, its fields are the Jackson path's; when it is not, {@link InboundScan#scanText} ends as the Jackson path
 * does (the same fields or a protocol error). Frames: the literal ones of protocol.md, generated variants (fields
 * reordered, whitespace, escapes, nesting, duplicate keys, non-ASCII) and random byte mutations of them.
 */
class ByteScanTest {
    private static final String COLUMN = "notes";

    // protocol.md §5 (the record's notes column holds the probe id) and §6, §4, §8.
    private static final String PG_V2 = "[null,null,\"realtime:room1\",\"postgres_changes\","
            + "{\"ids\":[104868189],\"data\":{\"columns\":[{\"name\":\"id\",\"type\":\"int8\"},"
            + "{\"name\":\"text\",\"type\":\"text\"}],\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\","
            + "\"errors\":null,\"old_record\":{\"id\":46},\"record\":{\"id\":46,\"text\":\"content\","
            + "\"notes\":\"run1:17\"},\"schema\":\"public\",\"table\":\"test\",\"type\":\"INSERT\"}}]";
    private static final String PG_V1 = "{\"event\":\"postgres_changes\",\"payload\":{\"data\":{\"columns\":"
            + "[{\"name\":\"id\",\"type\":\"int8\"}],\"commit_timestamp\":\"2025-11-19T00:22:40.877Z\",\"errors\":null,"
            + "\"record\":{\"id\":46,\"notes\":\"run1:18\"},\"schema\":\"public\",\"table\":\"test\","
            + "\"type\":\"INSERT\"},\"ids\":[104868189]},\"ref\":null,\"topic\":\"realtime:room1\"}";
    private static final String BROADCAST_V2 = "[null,null,\"realtime:room1\",\"broadcast\",{\"event\":\"cursor-pos\","
            + "\"payload\":{\"x\":1,\"probe\":\"run1:19\"},\"type\":\"broadcast\"}]";
    private static final String BROADCAST_V1 = "{\"topic\":\"realtime:room1\",\"event\":\"broadcast\",\"payload\":"
            + "{\"type\":\"broadcast\",\"event\":\"cursor-pos\",\"payload\":{\"x\":1,\"probe\":\"run1:20\"},"
            + "\"meta\":{\"id\":\"006554ce\"}},\"ref\":\"9\",\"join_ref\":\"6\"}";
    private static final String REPLY_V2 = "[\"6\",\"6\",\"realtime:room1\",\"phx_reply\",{\"status\":\"ok\","
            + "\"response\":{\"postgres_changes\":[{\"id\":106243155,\"event\":\"*\",\"schema\":\"public\","
            + "\"table\":\"test\"}]}}]";
    private static final String REPLY_V1 = "{\"event\":\"phx_reply\",\"payload\":{\"response\":{},\"status\":\"ok\"},"
            + "\"ref\":\"5\",\"topic\":\"realtime:room1\"}";
    private static final String SYSTEM_V2 = "[\"6\",null,\"realtime:room1\",\"system\",{\"extension\":"
            + "\"postgres_changes\",\"status\":\"ok\",\"message\":\"Subscribed to PostgreSQL\",\"channel\":\"room1\"}]";
    private static final String DIFF_V2 = "[null,null,\"realtime:room1\",\"presence_diff\",{\"joins\":{\"k\":{\"metas\":"
            + "[{\"phx_ref\":\"GHlA1fShRjMmZhnL\",\"color\":\"hsl(204, 100%, 70%)\"}]}},\"leaves\":{}}]";
    private static final String CLOSE_V2 = "[\"6\",\"6\",\"realtime:room1\",\"phx_close\",{}]";

    private static final String[] V2_FRAMES = {PG_V2, BROADCAST_V2, REPLY_V2, SYSTEM_V2, DIFF_V2, CLOSE_V2};
    private static final String[] V1_FRAMES = {PG_V1, BROADCAST_V1, REPLY_V1};

    private final InboundScan bytes = new InboundScan(COLUMN);
    private final InboundScan jackson = new InboundScan(COLUMN);
    private final InboundScan both = new InboundScan(COLUMN);

    @Test
    void literalFramesAreReadByTheScannerAsByJackson() throws Exception {
        for (String f : V2_FRAMES) {
            assertScannedAlike(Vsn.V2, f);
        }
        for (String f : V1_FRAMES) {
            assertScannedAlike(Vsn.V1, f);
        }
        // A user broadcast as the stand-in (and the bench's FanoutServer) writes it to a v1 socket.
        assertScannedAlike(Vsn.V1, ((WireFrame.Text) V1Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null,
                null, "realtime:room1", "order", null, true, utf8("{\"probe\":\"r:1\",\"n\":[1.5e3,true]}")))).text());
        bytes.scanTextWithBytes(Vsn.V2, utf8(PG_V2), 0, utf8(PG_V2).length);
        assertThat(fields(bytes)).containsExactly(null, null, "realtime:room1", "postgres_changes", "run1:17",
                "2025-11-19T00:22:40.877Z", "INSERT");
        bytes.scanTextWithBytes(Vsn.V1, utf8(BROADCAST_V1), 0, utf8(BROADCAST_V1).length);
        assertThat(fields(bytes)).containsExactly("6", "9", "realtime:room1", "broadcast", "run1:20", null, null);
    }

    @Test
    void reorderedAndSpacedFramesAreReadByTheScannerAsByJackson() throws Exception {
        Random random = new Random(12);
        for (int i = 0; i < 400; i++) {
            for (String f : V2_FRAMES) {
                assertScannedAlike(Vsn.V2, write(Json.MAPPER.readTree(f), random, false));
            }
            for (String f : V1_FRAMES) {
                assertScannedAlike(Vsn.V1, write(Json.MAPPER.readTree(f), random, false));
            }
        }
    }

    @Test
    void framesTheScannerMustNotDecideGoToJackson() throws Exception {
        String[][] cases = {
            // An escaped key that spells "notes": only Jackson decodes it.
            {"V2", "[null,null,\"realtime:a\",\"postgres_changes\",{\"data\":{\"record\":{\"n\\u006ftes\":\"r:1\"}}}]"},
            // Escapes in a value the scanner would return.
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{\"payload\":{\"probe\":\"r:\\u0032\"}}]"},
            {"V2", "[null,null,\"realtime:\\/a\",\"broadcast\",{\"payload\":{\"probe\":\"r:2\"}}]"},
            // Duplicate keys: Jackson's last-wins (per field it reads) decides.
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{\"payload\":{\"probe\":\"r:1\",\"probe\":\"r:2\"}}]"},
            {"V1", "{\"topic\":\"realtime:a\",\"event\":\"broadcast\",\"topic\":\"realtime:b\",\"payload\":{}}"},
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{\"payload\":{\"probe\":\"r:1\"},\"payload\":{}}]"},
            // Types the Jackson path handles its own way.
            {"V2", "[1,2,\"realtime:a\",\"broadcast\",{}]"},
            {"V2", "[null,null,\"realtime:a\",\"postgres_changes\",{\"data\":{\"type\":{\"x\":\"INSERT\"}}}]"},
            {"V1", "{\"topic\":{\"event\":\"x\"},\"event\":\"broadcast\",\"payload\":{}}"},
            // Trailing content, more elements, BOM, comments, leading zeros, raw control characters.
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{}]x"},
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{},5]"},
            {"V2", "\uFEFF[null,null,\"realtime:a\",\"broadcast\",{}]"},
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{/*c*/}]"},
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{\"n\":01}]"},
            {"V2", "[null,null,\"realtime:a\",\"broadcast\",{\"n\":\"a\tb\"}]"},
            // Missing topic or event; not the version's shape.
            {"V1", "{\"event\":\"broadcast\",\"payload\":{}}"},
            {"V2", "{\"topic\":\"realtime:a\",\"event\":\"broadcast\"}"},
            {"V1", "[null,null,\"realtime:a\",\"broadcast\",{}]"},
        };
        for (String[] c : cases) {
            Vsn vsn = Vsn.valueOf(c[0]);
            byte[] b = utf8(c[1]);
            assertThat(bytes.scanTextWithBytes(vsn, b, 0, b.length)).as(c[1]).isFalse();
            assertSameOutcome(vsn, b);
        }
    }

    @Test
    void escapesNestingAndNonAsciiElsewhereStillEndAsJacksonEnds() throws Exception {
        Random random = new Random(34);
        int certain = 0;
        int total = 0;
        for (int i = 0; i < 400; i++) {
            for (String f : V2_FRAMES) {
                certain += assertSameOutcome(Vsn.V2, utf8(write(Json.MAPPER.readTree(f), random, true))) ? 1 : 0;
                total++;
            }
            for (String f : V1_FRAMES) {
                certain += assertSameOutcome(Vsn.V1, utf8(write(Json.MAPPER.readTree(f), random, true))) ? 1 : 0;
                total++;
            }
        }
        // Escapes go into some strings only: many variants stay the scanner's, many go to Jackson.
        assertThat(certain).isBetween(total / 10, total - total / 10);
    }

    @Test
    void mutatedFramesEndAsJacksonEnds() {
        Random random = new Random(56);
        String alphabet = "{}[]\",:\\ \n0-1.eE5tfnul\u00e9\u20ac\u0001x";
        int certain = 0;
        for (int i = 0; i < 30_000; i++) {
            boolean v2 = random.nextInt(3) > 0;
            String[] frames = v2 ? V2_FRAMES : V1_FRAMES;
            StringBuilder s = new StringBuilder(frames[random.nextInt(frames.length)]);
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                int at = random.nextInt(s.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, c);
                    default -> s.setCharAt(at, c);
                }
            }
            byte[] b = utf8(s.toString());
            if (random.nextInt(10) == 0) {
                // Bytes that are not UTF-8, or a frame cut short.
                b[random.nextInt(b.length)] = (byte) (0x80 + random.nextInt(0x80));
            }
            // In a reused buffer: before the frame and after it lie bytes of other frames.
            byte[] buffer = new byte[b.length + 12];
            byte[] around = utf8("]}5e0\"]}\"}1]");
            System.arraycopy(around, 0, buffer, 0, 3);
            System.arraycopy(b, 0, buffer, 3, b.length);
            System.arraycopy(around, 3, buffer, 3 + b.length, 9);
            certain += assertSameOutcome(v2 ? Vsn.V2 : Vsn.V1, buffer, 3, b.length) ? 1 : 0;
        }
        assertThat(certain).isGreaterThan(1_000);
    }

    @Test
    void aFrameInsideALargerBufferIsReadWithinItsRange() throws Exception {
        byte[] frame = utf8(BROADCAST_V2);
        byte[] buffer = new byte[frame.length + 20];
        System.arraycopy(frame, 0, buffer, 7, frame.length);
        // What lies after the range (a longer earlier frame in a reused buffer) must not be read as part of it.
        byte[] tail = utf8(",\"x\"]   ");
        System.arraycopy(tail, 0, buffer, 7 + frame.length, tail.length);
        assertThat(bytes.scanTextWithBytes(Vsn.V2, buffer, 7, frame.length)).isTrue();
        assertThat(bytes.probe()).isEqualTo("run1:19");
        assertThat(bytes.scanTextWithBytes(Vsn.V2, buffer, 7, frame.length - 1)).isFalse();
        // A kind-4 payload that is a bare "-" (not JSON), with a digit after the frame in the buffer.
        byte[] kind4 = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                "realtime:b", "order", null, true, utf8("-")))).bytes();
        byte[] reused = java.util.Arrays.copyOf(kind4, kind4.length + 1);
        reused[kind4.length] = '5';
        assertThat(bytes.scanBinaryWithBytes(reused, 0, kind4.length)).isFalse();
        assertThat(outcome(() -> both.scanBinary(reused, 0, kind4.length), both)).isEqualTo("error");
    }

    @Test
    void binaryBroadcastsAreReadAsByJackson() throws Exception {
        String[] payloads = {"{\"probe\":\"r:10\",\"n\":[1,{\"probe\":\"decoy\"}]}", "{\"n\":1}", "[1]", "",
            "{\"probe\":\"r:\\u0031\"}", "{\"probe\":\"r:1\",\"probe\":\"r:2\"}", "{\"probe\":\"r:1\"} x", "{\"probe\"",
            "  {\"probe\" : \"r:11\" }  "};
        for (String payload : payloads) {
            for (boolean json : new boolean[] {true, false}) {
                byte[] f = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                        "realtime:b", "order", null, json, utf8(payload)))).bytes();
                Object expected = outcome(() -> jackson.scanBinaryWithJackson(f), jackson);
                assertThat(outcome(() -> both.scanBinary(f), both)).as(payload).isEqualTo(expected);
                if (bytes.scanBinaryWithBytes(f, 0, f.length)) {
                    assertThat(fields(bytes)).as(payload).isEqualTo(expected);
                }
            }
        }
        byte[] f = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                "realtime:b", "order", null, true, utf8(payloads[0])))).bytes();
        assertThat(bytes.scanBinaryWithBytes(f, 0, f.length)).isTrue();
        assertThat(bytes.probe()).isEqualTo("r:10");
        Random random = new Random(78);
        String alphabet = "{}[]\",:\\ 0-1.e5tn\u00e9x";
        int certain = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder(payloads[random.nextInt(2)]);
            for (int m = 1 + random.nextInt(2); m > 0 && s.length() > 0; m--) {
                int at = random.nextInt(s.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, c);
                    default -> s.setCharAt(at, c);
                }
            }
            byte[] frame = ((WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(new UserBroadcast(null, null,
                    "realtime:b", "order", null, true, utf8(s.toString())))).bytes();
            // In a reused buffer whose bytes after the frame belong to another.
            byte[] buffer = java.util.Arrays.copyOf(frame, frame.length + 4);
            System.arraycopy(utf8("5\"}]"), 0, buffer, frame.length, 4);
            Object expected = outcome(() -> jackson.scanBinaryWithJackson(frame), jackson);
            assertThat(outcome(() -> both.scanBinary(buffer, 0, frame.length), both)).as(s.toString()).isEqualTo(expected);
            if (bytes.scanBinaryWithBytes(buffer, 0, frame.length)) {
                certain++;
                assertThat(fields(bytes)).as(s.toString()).isEqualTo(expected);
            }
        }
        assertThat(certain).isGreaterThan(500);
    }

    // The scanner is certain of the frame and agrees with Jackson.
    private void assertScannedAlike(Vsn vsn, String frame) throws ProtocolException {
        byte[] b = utf8(frame);
        assertThat(bytes.scanTextWithBytes(vsn, b, 0, b.length)).as(frame).isTrue();
        jackson.scanTextWithJackson(vsn, b, 0, b.length);
        assertThat(fields(bytes)).as(frame).isEqualTo(fields(jackson));
    }

    // scanText ends as the Jackson path; when the scanner alone is certain, its fields are Jackson's. True when the
    // scanner was certain.
    private boolean assertSameOutcome(Vsn vsn, byte[] b) {
        return assertSameOutcome(vsn, b, 0, b.length);
    }

    private boolean assertSameOutcome(Vsn vsn, byte[] b, int off, int len) {
        String shown = new String(b, off, len, StandardCharsets.UTF_8);
        Object expected = outcome(() -> jackson.scanTextWithJackson(vsn, b, off, len), jackson);
        assertThat(outcome(() -> both.scanText(vsn, b, off, len), both)).as(shown).isEqualTo(expected);
        if (!bytes.scanTextWithBytes(vsn, b, off, len)) {
            return false;
        }
        assertThat(fields(bytes)).as(shown).isEqualTo(expected);
        return true;
    }

    private interface Scan {
        void run() throws ProtocolException;
    }

    private static Object outcome(Scan scan, InboundScan s) {
        try {
            scan.run();
        } catch (ProtocolException e) {
            return "error";
        }
        return fields(s);
    }

    private static List<String> fields(InboundScan s) {
        List<String> l = new ArrayList<>();
        l.add(s.joinRef());
        l.add(s.ref());
        l.add(s.topic());
        l.add(s.event());
        l.add(s.probe());
        l.add(s.commitTimestamp());
        l.add(s.changeType());
        return l;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // Writes a tree with its object fields shuffled and random whitespace between tokens; with {@code tricks}, also
    // escapes in some strings and keys, non-ASCII text, extra nested decoy fields and duplicated keys.
    private static String write(JsonNode n, Random r, boolean tricks) {
        StringBuilder out = new StringBuilder();
        write(n, r, tricks, out);
        return out.toString();
    }

    private static void write(JsonNode n, Random r, boolean tricks, StringBuilder out) {
        space(r, out);
        if (n.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            if (tricks && r.nextInt(4) == 0) {
                fields.add(Map.entry("meta", Json.MAPPER.createObjectNode().put("probe", "decoy")
                        .put("notes", "decoy\u00e9").set("record", Json.MAPPER.createObjectNode().put("notes", "x"))));
            }
            if (tricks && r.nextInt(8) == 0 && !fields.isEmpty()) {
                fields.add(fields.get(r.nextInt(fields.size())));
            }
            java.util.Collections.shuffle(fields, r);
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    space(r, out);
                    out.append(',');
                }
                space(r, out);
                string(fields.get(i).getKey(), r, tricks, out);
                space(r, out);
                out.append(':');
                write(fields.get(i).getValue(), r, tricks, out);
            }
            space(r, out);
            out.append('}');
        } else if (n.isArray()) {
            out.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    space(r, out);
                    out.append(',');
                }
                write(n.get(i), r, tricks, out);
            }
            space(r, out);
            out.append(']');
        } else if (n.isTextual()) {
            string(tricks && r.nextInt(10) == 0 ? n.asText() + "\u00fc\u20ac" : n.asText(), r, tricks, out);
        } else {
            out.append(n.toString());
        }
        space(r, out);
    }

    private static void string(String s, Random r, boolean tricks, StringBuilder out) {
        boolean escape = tricks && r.nextInt(6) == 0;
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escape && r.nextInt(3) == 0) {
                out.append(r.nextBoolean() ? String.format("\\u%04x", (int) c) : String.format("\\u%04X", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '/' && escape) {
                out.append("\\/");
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void space(Random r, StringBuilder out) {
        if (r.nextInt(4) == 0) {
            out.append(" \n\t\r".charAt(r.nextInt(4)));
        }
    }
}
