package dev.realtimeharness.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 validation of a received text frame (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as
 * a WebSocket client must do before it uses the text. Eight ASCII bytes are checked at a time; Netty's own validator
 * runs a state machine through a callback per byte, which cost a quarter of the client's receive path.
 */
public final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /** True when {@code length} bytes of {@code b} from {@code offset} are well-formed UTF-8. */
    public static boolean isValid(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            while (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            if (i >= end) {
                break;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
            } else if (c < 0xC2) {
                // A continuation byte without a lead, or an overlong two-byte form (C0, C1).
                return false;
            } else if (c < 0xE0) {
                if (i + 1 >= end || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= end) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // E0 80..9F would be overlong, ED A0..BF a surrogate.
                if (!continuation(c1) || !continuation(b[i + 2]) || (c == 0xE0 && c1 < 0xA0)
                        || (c == 0xED && c1 > 0x9F)) {
                    return false;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= end) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // F0 80..8F would be overlong, F4 90..BF above U+10FFFF.
                if (!continuation(c1) || !continuation(b[i + 2]) || !continuation(b[i + 3])
                        || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(int b) {
        return (b & 0xC0) == 0x80;
    }
}
