package dev.realtimeharness.protocol;

/**
 * The receive path's scanner over a frame's bytes, without Jackson: finds where the refs, topic, event, probe id,
 * commit timestamp and change type of a delivery frame (protocol.md §2, §5, §6) lie in the UTF-8 bytes, and nothing
 * else. It walks the whole frame by the JSON grammar (RFC 8259, strictly: no comments, no leading zeros, escapes
 * checked, no raw control characters) and gives up ({@link #scanText} returns false) on anything it cannot decide
 * with certainty exactly as {@link InboundScan}'s Jackson path would: an escape in a string or key it has to read, a
 * duplicate of a key it reads, a field it reads with an unexpected type, content after the frame's end, deep
 * nesting, very long numbers or names, bytes that are not UTF-8. The caller then runs the Jackson path, which decides
 * (and reports any error). Positions only: the caller makes the Strings it needs.
 *
 * <p>One instance per {@link InboundScan}; not thread-safe.
 */
final class ByteScan extends JsonLexer {
    private static final byte[] TOPIC = ascii("topic");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] REF = ascii("ref");
    private static final byte[] JOIN_REF = ascii("join_ref");
    private static final byte[] PAYLOAD = ascii("payload");
    private static final byte[] DATA = ascii("data");
    private static final byte[] COMMIT_TIMESTAMP = ascii("commit_timestamp");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] RECORD = ascii("record");
    private static final byte[] PROBE = ascii("probe");

    private final byte[] probeColumn;

    // Results: offset and length in b; offset -1 for absent or null.
    int joinRefOff;
    int joinRefLen;
    int refOff;
    int refLen;
    int topicOff;
    int topicLen;
    int eventOff;
    int eventLen;
    int probeOff;
    int probeLen;
    int timestampOff;
    int timestampLen;
    int typeOff;
    int typeLen;

    ByteScan(byte[] probeColumnUtf8) {
        this.probeColumn = probeColumnUtf8;
    }

    /** The frame's bytes from the last scan. */
    byte[] bytes() {
        return b;
    }

    /**
     * Scans {@code length} bytes from {@code offset} as a vsn 2.0.0 array or a vsn 1.0.0 object. True when every
     * result is certain; false when the Jackson path has to decide.
     */
    boolean scanText(boolean v2, byte[] bytes, int offset, int length) {
        start(bytes, offset, length);
        joinRefOff = -1;
        refOff = -1;
        topicOff = -1;
        eventOff = -1;
        probeOff = -1;
        timestampOff = -1;
        typeOff = -1;
        try {
            if (v2) {
                array();
            } else {
                object();
            }
            ws();
            if (pos != end || topicOff < 0 || eventOff < 0) {
                return false;
            }
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            // Reads past the range (a truncated frame) either run off the array or leave pos beyond end, which the
            // check above refuses: pos never moves back.
            return false;
        }
        return !high || Utf8.isValid(bytes, offset, length);
    }

    /** Scans a user broadcast's JSON payload (kind 4) for its top-level probe; true when certain. */
    boolean scanUserPayload(byte[] bytes, int offset, int length) {
        start(bytes, offset, length);
        probeOff = -1;
        try {
            ws();
            if (pos < end && b[pos] == '{') {
                pos++;
                probeHolder(PROBE, 1);
            } else {
                skipValue(0);
            }
            ws();
            if (pos != end) {
                return false;
            }
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return false;
        }
        return !high || Utf8.isValid(bytes, offset, length);
    }

    // [join_ref, ref, topic, event, payload]
    private void array() {
        expectAfterWs('[');
        ws();
        if (!nullOrString()) {
            joinRefOff = strOff;
            joinRefLen = strLen;
        }
        expectAfterWs(',');
        ws();
        if (!nullOrString()) {
            refOff = strOff;
            refLen = strLen;
        }
        expectAfterWs(',');
        ws();
        plainString();
        topicOff = strOff;
        topicLen = strLen;
        expectAfterWs(',');
        ws();
        plainString();
        eventOff = strOff;
        eventLen = strLen;
        expectAfterWs(',');
        ws();
        if (pos >= end || b[pos] != '{') {
            throw GIVE_UP;
        }
        payload();
        expectAfterWs(']');
    }

    // {"topic":..,"event":..,"payload":{..},"ref":..,"join_ref":..} in any order.
    private void object() {
        expectAfterWs('{');
        int seen = 0;
        if (firstKey()) {
            do {
                int bit;
                if (keyIs(TOPIC)) {
                    bit = 1;
                    plainString();
                    topicOff = strOff;
                    topicLen = strLen;
                } else if (keyIs(EVENT)) {
                    bit = 2;
                    plainString();
                    eventOff = strOff;
                    eventLen = strLen;
                } else if (keyIs(REF)) {
                    bit = 4;
                    refOff = nullOrString() ? -1 : strOff;
                    refLen = strLen;
                } else if (keyIs(JOIN_REF)) {
                    bit = 8;
                    joinRefOff = nullOrString() ? -1 : strOff;
                    joinRefLen = strLen;
                } else if (keyIs(PAYLOAD)) {
                    bit = 16;
                    if (b[pos] == '{') {
                        payload();
                    } else {
                        skipValue(1);
                    }
                } else {
                    bit = 0;
                    skipValue(1);
                }
                seen = once(seen, bit);
            } while (nextKey());
        }
    }

    // The channel message payload: "data" (a change) and "payload" (a broadcast's user payload) are read whatever
    // the event, as the Jackson path does.
    private void payload() {
        pos++;
        int seen = 0;
        if (firstKey()) {
            do {
                int bit = 0;
                if (keyIs(DATA)) {
                    bit = 1;
                    if (b[pos] == '{') {
                        change();
                    } else {
                        skipValue(2);
                    }
                } else if (keyIs(PAYLOAD)) {
                    bit = 2;
                    if (b[pos] == '{') {
                        pos++;
                        probeHolder(PROBE, 3);
                    } else {
                        skipValue(2);
                    }
                } else {
                    skipValue(2);
                }
                seen = once(seen, bit);
            } while (nextKey());
        }
    }

    private void change() {
        pos++;
        int seen = 0;
        if (firstKey()) {
            do {
                int bit = 0;
                if (keyIs(COMMIT_TIMESTAMP)) {
                    bit = 1;
                    timestampOff = scalarString() ? strOff : -1;
                    timestampLen = strLen;
                } else if (keyIs(TYPE)) {
                    bit = 2;
                    typeOff = scalarString() ? strOff : -1;
                    typeLen = strLen;
                } else if (keyIs(RECORD)) {
                    bit = 4;
                    if (b[pos] == '{') {
                        pos++;
                        probeHolder(probeColumn, 4);
                    } else {
                        skipValue(3);
                    }
                } else {
                    skipValue(3);
                }
                seen = once(seen, bit);
            } while (nextKey());
        }
    }

    // An object (its '{' already read) whose field {@code name}, when a string, is the probe id.
    private void probeHolder(byte[] name, int depth) {
        boolean seen = false;
        if (firstKey()) {
            do {
                if (keyIs(name)) {
                    if (seen) {
                        throw GIVE_UP;
                    }
                    seen = true;
                    if (b[pos] == '"') {
                        plainString();
                        probeOff = strOff;
                        probeLen = strLen;
                    } else {
                        // Jackson skips a non-string probe and keeps what an earlier field set.
                        skipValue(depth);
                    }
                } else {
                    skipValue(depth);
                }
            } while (nextKey());
        }
    }

}
