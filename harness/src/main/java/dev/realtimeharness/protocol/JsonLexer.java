package dev.realtimeharness.protocol;

/**
 * The JSON grammar (RFC 8259, strictly) over a range of UTF-8 bytes, for {@link ByteScan}: skips values, reads keys
 * and strings as positions, and throws {@link #GIVE_UP} at anything it does not accept or cannot decide, which
 * hands the frame to the Jackson path. Reads past the range either run off the array or leave {@code pos} beyond
 * {@code end}; callers check {@code pos == end} at the end ({@code pos} never moves back).
 */
abstract class JsonLexer {
    /** Thrown (one shared instance, no stack trace) to give the frame to the Jackson path. */
    static final class GiveUp extends RuntimeException {
        static final long serialVersionUID = 1L;

        GiveUp() {
            super(null, null, false, false);
        }
    }

    static final GiveUp GIVE_UP = new GiveUp();
    // Far below Jackson's own limits (nesting 1,000, number 1,000 digits, name 50,000): the frames this path is for
    // are shallow and short; anything near a limit is Jackson's to judge.
    static final int MAX_DEPTH = 64;
    static final int MAX_NUMBER = 64;
    static final int MAX_NAME = 1_000;

    byte[] b;
    int pos;
    int end;
    // A byte >= 0x80 was seen in a string: the range's UTF-8 has to be checked.
    boolean high;
    // The last string read: its content's start and length, and whether it held an escape.
    int strOff;
    int strLen;
    boolean strEscaped;

    final void start(byte[] bytes, int offset, int length) {
        b = bytes;
        pos = offset;
        end = offset + length;
        high = false;
    }

    static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw GIVE_UP;
        }
        return seen | bit;
    }

    // After '{': reads the first key and its ':' (true) or the closing '}' (false). A key this scanner reads must
    // not hold an escape: it might spell one of the names compared.
    final boolean firstKey() {
        ws();
        if (b[pos] == '}') {
            pos++;
            return false;
        }
        key();
        return true;
    }

    // After a member's value: ',' and the next key (true) or '}' (false).
    final boolean nextKey() {
        ws();
        byte c = b[pos++];
        if (c == '}') {
            return false;
        }
        if (c != ',') {
            throw GIVE_UP;
        }
        ws();
        key();
        return true;
    }

    final void key() {
        if (b[pos] != '"') {
            throw GIVE_UP;
        }
        string();
        if (strEscaped || strLen > MAX_NAME) {
            throw GIVE_UP;
        }
        expectAfterWs(':');
        ws();
    }

    final boolean keyIs(byte[] name) {
        if (strLen != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (b[strOff + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    // A string without escapes (read into strOff/strLen), else give up.
    final void plainString() {
        if (b[pos] != '"') {
            throw GIVE_UP;
        }
        string();
        if (strEscaped) {
            throw GIVE_UP;
        }
    }

    // null (true) or a string without escapes (false).
    final boolean nullOrString() {
        if (b[pos] == 'n') {
            literal('n', 'u', 'l', 'l');
            strLen = 0;
            return true;
        }
        plainString();
        return false;
    }

    // A string without escapes (true) or another scalar (false, skipped); an object or array gives up: the Jackson
    // path reads into it without skipping it.
    final boolean scalarString() {
        byte c = b[pos];
        if (c == '"') {
            plainString();
            return true;
        }
        if (c == '{' || c == '[') {
            throw GIVE_UP;
        }
        skipValue(0);
        strLen = 0;
        return false;
    }

    final void skipValue(int depth) {
        byte c = b[pos];
        switch (c) {
            case '"' -> string();
            case '{' -> skipObject(depth + 1);
            case '[' -> skipArray(depth + 1);
            case 't' -> literal('t', 'r', 'u', 'e');
            case 'f' -> {
                literal('f', 'a', 'l', 's');
                if (b[pos++] != 'e') {
                    throw GIVE_UP;
                }
            }
            case 'n' -> literal('n', 'u', 'l', 'l');
            default -> number();
        }
    }

    final void skipObject(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        pos++;
        ws();
        if (b[pos] == '}') {
            pos++;
            return;
        }
        while (true) {
            if (b[pos] != '"') {
                throw GIVE_UP;
            }
            string();
            if (strLen > MAX_NAME) {
                throw GIVE_UP;
            }
            expectAfterWs(':');
            ws();
            skipValue(depth);
            ws();
            byte c = b[pos++];
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw GIVE_UP;
            }
            ws();
        }
    }

    final void skipArray(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        pos++;
        ws();
        if (b[pos] == ']') {
            pos++;
            return;
        }
        while (true) {
            skipValue(depth);
            ws();
            byte c = b[pos++];
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw GIVE_UP;
            }
            ws();
        }
    }

    // At '"': reads to the closing quote; strOff/strLen are the content, strEscaped whether it held an escape.
    final void string() {
        int i = pos + 1;
        int start = i;
        boolean escaped = false;
        byte[] a = b;
        int e = end;
        while (true) {
            if (i >= e) {
                throw GIVE_UP;
            }
            byte c = a[i];
            if (c == '"') {
                break;
            }
            if (c < 0) {
                high = true;
            } else if (c < 0x20) {
                throw GIVE_UP;
            } else if (c == '\\') {
                escaped = true;
                i = escape(i + 1);
                continue;
            }
            i++;
        }
        strOff = start;
        strLen = i - start;
        strEscaped = escaped;
        pos = i + 1;
    }

    // After a backslash at i - 1: checks the escape (RFC 8259 §7) and returns the index after it.
    final int escape(int i) {
        if (i >= end) {
            throw GIVE_UP;
        }
        switch (b[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                if (i + 4 >= end) {
                    throw GIVE_UP;
                }
                for (int k = 1; k <= 4; k++) {
                    if (Character.digit(b[i + k], 16) < 0) {
                        throw GIVE_UP;
                    }
                }
                return i + 5;
            }
            default -> throw GIVE_UP;
        }
    }

    final void literal(char c0, char c1, char c2, char c3) {
        if (pos + 4 > end || b[pos] != c0 || b[pos + 1] != c1 || b[pos + 2] != c2 || b[pos + 3] != c3) {
            throw GIVE_UP;
        }
        pos += 4;
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    final void number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (digit(c)) {
            digits();
        } else {
            throw GIVE_UP;
        }
        if (peek() == '.') {
            pos++;
            if (!digit(peek())) {
                throw GIVE_UP;
            }
            digits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            if (!digit(peek())) {
                throw GIVE_UP;
            }
            digits();
        }
        if (pos - start > MAX_NUMBER) {
            throw GIVE_UP;
        }
    }

    // The byte at pos, or -1 at the range's end: a number is the one value that can end there without a byte that
    // closes it, so it must not read past the range (a reused buffer holds an earlier frame's bytes there).
    private int peek() {
        return pos < end ? b[pos] : -1;
    }

    final void digits() {
        while (pos < end && digit(b[pos])) {
            pos++;
        }
    }

    static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    final void expectAfterWs(char c) {
        ws();
        if (pos >= end || b[pos] != c) {
            throw GIVE_UP;
        }
        pos++;
    }

    final void ws() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
