package dev.realtimeharness.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random and mutated Phoenix frames for the fuzz tests, from a seed: valid frames of both serialisers as templates,
 * then truncations, character edits, elements replaced by other types, wrong arity, deep nesting, long strings,
 * random text and random binary. Each frame is either text (a String) or binary (a byte[]); which of them a
 * decoder must reject is decided by the side under test, not here.
 */
final class HostileFrames {
    private final SplittableRandom random;
    private final List<String> templates;

    HostileFrames(long seed, List<String> templates) {
        this.random = new SplittableRandom(seed);
        this.templates = templates;
    }

    /** The next frame: a String (text frame) or a byte[] (binary frame). */
    Object next() {
        int kind = random.nextInt(100);
        String t = templates.get(random.nextInt(templates.size()));
        if (kind < 10) {
            return t; // valid, as is
        }
        if (kind < 25) {
            return t.substring(0, random.nextInt(t.length())); // truncated
        }
        if (kind < 45) {
            return editChars(t, 1 + random.nextInt(4));
        }
        if (kind < 60) {
            return replaceElement(t);
        }
        if (kind < 67) {
            return wrongArity(t);
        }
        if (kind < 70) {
            // Past Jackson's default nesting limit (1000) and short of it.
            return deepNesting(1 + random.nextInt(1500));
        }
        if (kind < 71) {
            return longString(t);
        }
        if (kind < 85) {
            return randomText(random.nextInt(200));
        }
        return randomBinary(kind < 95 ? random.nextInt(64) : 64 + random.nextInt(1024));
    }

    private String editChars(String t, int edits) {
        StringBuilder b = new StringBuilder(t);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, pick("[]{}\",:\\0-e.nulltruefalse\u00e9\u2603"));
                default -> b.setCharAt(at, pick("[]{}\",:\\ 9xZ\u0000\u007f"));
            }
        }
        return b.toString();
    }

    private char pick(String chars) {
        return chars.charAt(random.nextInt(chars.length()));
    }

    /** One JSON value (a string, number or null literal in the template) replaced by another type. */
    private String replaceElement(String t) {
        String[] values = {"null", "0", "-1", "1e308", "9223372036854775808", "true", "{}", "[]", "\"\"",
            "[[[[]]]]", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}", "\"\\u0000\"", "\"\\ud800\"", "3.14"};
        int start = random.nextInt(t.length());
        int comma = t.indexOf(',', start);
        if (comma < 0) {
            return t + values[random.nextInt(values.length)];
        }
        int next = t.indexOf(',', comma + 1);
        if (next < 0) {
            next = t.length() - 1;
        }
        return t.substring(0, comma + 1) + values[random.nextInt(values.length)] + t.substring(next);
    }

    private String wrongArity(String t) {
        if (t.startsWith("[")) {
            return random.nextBoolean() ? "[null,null,\"realtime:x\",\"phx_join\"]"
                    : "[null,null,\"realtime:x\",\"phx_join\",{},{},7]";
        }
        return random.nextBoolean() ? "{\"topic\":\"realtime:x\"}" : "{\"topic\":1,\"event\":[],\"payload\":\"\"}";
    }

    private static String deepNesting(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private String longString(String t) {
        // Frames are kept small on the whole: under paranoid leak detection Netty records a stack trace for every
        // 8 bytes it unmasks, and a million frames must fit in CI's time.
        int n = 1024 + random.nextInt(4 * 1024);
        return t.replaceFirst("\"realtime:", "\"realtime:" + "x".repeat(n));
    }

    private String randomText(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int cp = random.nextInt(10) < 8 ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x2000);
            if (Character.isSurrogate((char) cp)) {
                cp = '?';
            }
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    private byte[] randomBinary(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        if (length > 0 && random.nextBoolean()) {
            b[0] = (byte) random.nextInt(6); // a known kind byte, so the decoder goes past the first check
        }
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
