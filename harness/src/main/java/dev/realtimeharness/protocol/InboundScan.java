package dev.realtimeharness.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The receive hot path: pulls only what latency accounting needs out of a frame (refs, topic, event, the probe id
 * and, for postgres_changes, the commit timestamp) without building a tree. A delivery frame is read by
 * {@link ByteScan} straight from its bytes (no parser, no String but the probe id's and the commit timestamp's;
 * topics and event names are handed out again); anything that scanner is not certain of goes to Jackson's streaming
 * parser, which gives the same fields and reports errors. One instance per connection, reused for every frame (not
 * thread-safe; confined to the connection's event loop).
 *
 * <p>The probe id is found at {@code payload.data.record.<probeColumn>} for postgres_changes and at
 * {@code payload.payload.probe} for broadcasts (text frames) or the top-level {@code probe} of a kind-4 payload.
 */
public final class InboundScan {
    // Event names and change types the receive path compares against: handed out as these constants, without a new
    // String per frame.
    private static final String[] KNOWN = {Events.POSTGRES_CHANGES, Events.BROADCAST, Events.REPLY, Events.SYSTEM,
        Events.PRESENCE_STATE, Events.PRESENCE_DIFF, Events.CLOSE, Events.ERROR, "INSERT", "UPDATE", "DELETE"};

    private static final int PLAIN = 0;
    private static final int TOPIC = 1;
    private static final int KNOWN_NAME = 2;

    private static final int TOPIC_SLOTS = 8;

    private final String probeColumn;
    private final ByteScan bytes;
    // The previous frame's topic: a connection with one channel (or a run of frames on one) reuses it, with its hash.
    private String lastTopic;
    private final String[] topics = new String[TOPIC_SLOTS];
    private String lastProbe;

    private String joinRef;
    private String ref;
    private String topic;
    private String event;
    private String probe;
    private String commitTimestamp;
    private String changeType;

    public InboundScan(String probeColumn) {
        this.probeColumn = probeColumn;
        this.bytes = new ByteScan(probeColumn.getBytes(StandardCharsets.UTF_8));
    }

    public String joinRef() {
        return joinRef;
    }

    public String ref() {
        return ref;
    }

    public String topic() {
        return topic;
    }

    public String event() {
        return event;
    }

    /** The probe id ({@code runId:seq}) or null when the frame carries none. */
    public String probe() {
        return probe;
    }

    public String commitTimestamp() {
        return commitTimestamp;
    }

    public String changeType() {
        return changeType;
    }

    private void reset() {
        joinRef = null;
        ref = null;
        topic = null;
        event = null;
        probe = null;
        commitTimestamp = null;
        changeType = null;
    }

    /**
     * Scans a text frame of the given version: by {@link ByteScan} over the bytes, or, when that is not certain of
     * every field, by Jackson's streaming parser (the same results; any error is Jackson's).
     */
    public void scanText(Vsn vsn, byte[] utf8, int offset, int length) throws ProtocolException {
        if (bytes.scanText(vsn == Vsn.V2, utf8, offset, length)) {
            fromBytes();
        } else {
            scanTextWithJackson(vsn, utf8, offset, length);
        }
    }

    /** The Jackson path alone (the fallback; tests compare it with the byte scanner). */
    void scanTextWithJackson(Vsn vsn, byte[] utf8, int offset, int length) throws ProtocolException {
        reset();
        try (JsonParser p = Json.FACTORY.createParser(utf8, offset, length)) {
            if (vsn == Vsn.V2) {
                scanV2(p);
            } else {
                scanV1(p);
            }
        } catch (IOException e) {
            throw new ProtocolException("not JSON: " + e.getMessage(), e);
        }
        if (topic == null || event == null) {
            throw new ProtocolException("frame without topic or event");
        }
    }

    /** The byte scanner alone: true (and the results set) when it was certain (tests). */
    boolean scanTextWithBytes(Vsn vsn, byte[] utf8, int offset, int length) {
        if (!bytes.scanText(vsn == Vsn.V2, utf8, offset, length)) {
            return false;
        }
        fromBytes();
        return true;
    }

    public void scanText(Vsn vsn, String text) throws ProtocolException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        scanText(vsn, b, 0, b.length);
    }

    /** Scans a binary (kind 4) broadcast. */
    public void scanBinary(byte[] frame) throws ProtocolException {
        scanBinary(frame, 0, frame.length);
    }

    /** Scans a binary (kind 4) broadcast of {@code length} bytes from {@code offset}. */
    public void scanBinary(byte[] frame, int offset, int length) throws ProtocolException {
        if (!scanBinaryWithBytes(frame, offset, length)) {
            scanBinaryWithJackson(Arrays.copyOfRange(frame, offset, offset + length));
        }
    }

    // Kind 4 (protocol.md §2): kind | topic_len | user_event_len | metadata_len | encoding | topic | user_event |
    // metadata | payload. Certain only for an ASCII topic and encoding 0 or 1 with a payload ByteScan reads whole.
    boolean scanBinaryWithBytes(byte[] f, int offset, int length) {
        if (length < 5 || f[offset] != 4) {
            return false;
        }
        int topicLen = f[offset + 1] & 0xFF;
        int payloadAt = offset + 5 + topicLen + (f[offset + 2] & 0xFF) + (f[offset + 3] & 0xFF);
        int enc = f[offset + 4];
        int end = offset + length;
        if (payloadAt > end || (enc != 0 && enc != 1)) {
            return false;
        }
        for (int i = offset + 5; i < offset + 5 + topicLen; i++) {
            if (f[i] < 0) {
                return false;
            }
        }
        if (enc == 1 && payloadAt < end && !bytes.scanUserPayload(f, payloadAt, end - payloadAt)) {
            return false;
        }
        reset();
        topic = cachedTopic(f, offset + 5, topicLen);
        event = Events.BROADCAST;
        if (enc == 1 && payloadAt < end && bytes.probeOff >= 0) {
            probe = cachedProbe(f, bytes.probeOff, bytes.probeLen);
        }
        return true;
    }

    /** The Jackson path alone for a binary frame (the fallback; tests). */
    void scanBinaryWithJackson(byte[] frame) throws ProtocolException {
        reset();
        UserBroadcast b = V2Codec.decodeBinary(frame);
        joinRef = b.joinRef();
        ref = b.ref();
        topic = b.topic();
        event = Events.BROADCAST;
        if (b.jsonEncoding() && b.payload().length > 0) {
            try (JsonParser p = Json.FACTORY.createParser(b.payload())) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    scanUserPayload(p);
                }
            } catch (IOException e) {
                throw new ProtocolException("broadcast payload is not JSON: " + e.getMessage(), e);
            }
        }
    }

    private void fromBytes() {
        ByteScan s = bytes;
        byte[] b = s.bytes();
        joinRef = s.joinRefOff < 0 ? null : new String(b, s.joinRefOff, s.joinRefLen, StandardCharsets.UTF_8);
        ref = s.refOff < 0 ? null : new String(b, s.refOff, s.refLen, StandardCharsets.UTF_8);
        topic = cachedTopic(b, s.topicOff, s.topicLen);
        event = known(b, s.eventOff, s.eventLen);
        probe = s.probeOff < 0 ? null : cachedProbe(b, s.probeOff, s.probeLen);
        commitTimestamp = s.timestampOff < 0 ? null
                : new String(b, s.timestampOff, s.timestampLen, StandardCharsets.UTF_8);
        changeType = s.typeOff < 0 ? null : known(b, s.typeOff, s.typeLen);
    }

    // A connection's topics recur frame after frame: the String made for one is kept in a slot by its hash and
    // handed out again while the bytes match (ASCII topics; others get a new String each time).
    private String cachedTopic(byte[] b, int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 16)) & (TOPIC_SLOTS - 1);
        String t = topics[slot];
        if (t != null && sameAscii(t, b, off, len)) {
            return t;
        }
        t = new String(b, off, len, StandardCharsets.UTF_8);
        topics[slot] = t;
        return t;
    }

    // The same probe reaches every channel of a connection that subscribes to it, often in a row.
    private String cachedProbe(byte[] b, int off, int len) {
        String p = lastProbe;
        if (p != null && sameAscii(p, b, off, len)) {
            return p;
        }
        p = new String(b, off, len, StandardCharsets.UTF_8);
        lastProbe = p;
        return p;
    }

    private static String known(byte[] b, int off, int len) {
        for (String k : KNOWN) {
            if (sameAscii(k, b, off, len)) {
                return k;
            }
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    private static boolean sameAscii(String s, byte[] b, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            byte c = b[off + i];
            if (c < 0 || s.charAt(i) != c) {
                return false;
            }
        }
        return true;
    }

    private void scanV2(JsonParser p) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new ProtocolException("expected V2 array");
        }
        joinRef = nullableString(p, PLAIN);
        ref = nullableString(p, PLAIN);
        topic = nullableString(p, TOPIC);
        event = nullableString(p, KNOWN_NAME);
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_OBJECT) {
            scanPayload(p);
        } else if (t == null || t == JsonToken.END_ARRAY) {
            throw new ProtocolException("expected V2 array of 5 elements");
        } else {
            p.skipChildren();
        }
    }

    private void scanV1(JsonParser p) throws IOException, ProtocolException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ProtocolException("expected a JSON object (vsn 1.0.0)");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "topic" -> topic = v == JsonToken.VALUE_STRING ? topic(p) : p.getValueAsString();
                case "event" -> event = v == JsonToken.VALUE_STRING ? known(p) : p.getValueAsString();
                case "ref" -> ref = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                case "join_ref" -> joinRef = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                case "payload" -> {
                    if (v == JsonToken.START_OBJECT) {
                        scanPayload(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    // The channel message payload: {"ids":..,"data":{..}} for postgres_changes,
    // {"event":..,"payload":{..},"type":"broadcast"} for broadcasts. Other payloads are skipped field by field.
    private void scanPayload(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT && "data".equals(name)) {
                scanChange(p);
            } else if (v == JsonToken.START_OBJECT && "payload".equals(name)) {
                scanUserPayload(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void scanChange(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "commit_timestamp" -> commitTimestamp = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "type" -> changeType = v == JsonToken.VALUE_STRING ? known(p) : null;
                case "record" -> {
                    if (v == JsonToken.START_OBJECT) {
                        scanRecord(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void scanRecord(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING && probeColumn.equals(name)) {
                probe = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private void scanUserPayload(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING && "probe".equals(name)) {
                probe = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private String topic(JsonParser p) throws IOException {
        String last = lastTopic;
        if (last != null && last.length() == p.getTextLength() && sameChars(last, p.getTextCharacters(),
                p.getTextOffset())) {
            return last;
        }
        lastTopic = p.getText();
        return lastTopic;
    }

    private static String known(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        for (String k : KNOWN) {
            if (k.length() == len && sameChars(k, c, off)) {
                return k;
            }
        }
        return p.getText();
    }

    private static boolean sameChars(String k, char[] c, int off) {
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) != c[off + i]) {
                return false;
            }
        }
        return true;
    }

    private String nullableString(JsonParser p, int kind) throws IOException, ProtocolException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == null || t == JsonToken.END_ARRAY) {
            throw new ProtocolException("expected V2 array of 5 elements");
        }
        if (t.isStructStart()) {
            p.skipChildren();
            return null;
        }
        if (t != JsonToken.VALUE_STRING || kind == PLAIN) {
            return p.getText();
        }
        return kind == TOPIC ? topic(p) : known(p);
    }
}
