package dev.realtimeharness.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static boolean jdkAccepts(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void acceptsTextInEveryLengthOfSequence() {
        byte[] b = "{\"topic\":\"realtime:räum\",\"payload\":\"€ 𝄞 ok\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.isValid(b, 0, b.length)).isTrue();
        assertThat(Utf8.isValid(new byte[0], 0, 0)).isTrue();
    }

    @Test
    void rejectsWhatRfc3629Forbids() {
        assertThat(Utf8.isValid(bytes('[', 0xC3, 0x28, ']'), 0, 4)).as("bad continuation").isFalse();
        assertThat(Utf8.isValid(bytes(0xC0, 0xAF), 0, 2)).as("overlong /").isFalse();
        assertThat(Utf8.isValid(bytes(0xE0, 0x80, 0xAF), 0, 3)).as("overlong 3-byte").isFalse();
        assertThat(Utf8.isValid(bytes(0xED, 0xA0, 0x80), 0, 3)).as("surrogate").isFalse();
        assertThat(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80), 0, 4)).as("above U+10FFFF").isFalse();
        assertThat(Utf8.isValid(bytes(0xF8, 0x88, 0x80, 0x80, 0x80), 0, 5)).as("5-byte form").isFalse();
        assertThat(Utf8.isValid(bytes('a', 'b', 0xE2, 0x82), 0, 4)).as("truncated at the end").isFalse();
        assertThat(Utf8.isValid(bytes(0x80), 0, 1)).as("lone continuation").isFalse();
    }

    @Test
    void respectsOffsetAndLength() {
        byte[] b = bytes(0xFF, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 0xE2, 0x82, 0xAC, 0xFF);
        assertThat(Utf8.isValid(b, 1, 12)).isTrue();
        assertThat(Utf8.isValid(b, 0, 13)).isFalse();
        assertThat(Utf8.isValid(b, 1, 13)).isFalse();
        assertThat(Utf8.isValid(b, 1, 11)).as("cuts the euro sign").isFalse();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(12);
        int invalid = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[1 + random.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                // Mostly ASCII with some lead and continuation bytes, so that both outcomes are common.
                int r = random.nextInt(10);
                b[i] = (byte) (r < 5 ? 0x20 + random.nextInt(0x5F) : r < 8 ? 0x80 + random.nextInt(0x40)
                        : 0xC0 + random.nextInt(0x40));
            }
            int off = random.nextInt(b.length);
            int len = random.nextInt(b.length - off + 1);
            boolean expected = jdkAccepts(b, off, len);
            assertThat(Utf8.isValid(b, off, len)).as("bytes %s [%d,+%d]", java.util.Arrays.toString(b), off, len)
                    .isEqualTo(expected);
            invalid += expected ? 0 : 1;
        }
        assertThat(invalid).isBetween(10_000, 190_000);
    }
}
