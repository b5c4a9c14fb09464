package dev.realtimeharness.protocol;

import java.nio.charset.StandardCharsets;

/** A WebSocket frame's content, independent of Netty: text or binary. */
public sealed interface WireFrame permits WireFrame.Text, WireFrame.Binary {

    record Text(String text) implements WireFrame {
        public byte[] utf8() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    record Binary(byte[] bytes) implements WireFrame {
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && java.util.Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }

    static Text text(String s) {
        return new Text(s);
    }
}
