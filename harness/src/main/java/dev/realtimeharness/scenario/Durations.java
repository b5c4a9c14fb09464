package dev.realtimeharness.scenario;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as scenario files spell them: a number with unit {@code ms}, {@code s}, {@code m} or {@code h}
 * ("300ms", "1.5s", "8h"), parts may be combined ("1h30m"), and a plain {@code 0} is allowed.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /** Parses a duration; throws IllegalArgumentException saying what is allowed. */
    public static Duration parse(String s) {
        String text = s == null ? "" : s.strip();
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.lookingAt()) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unitNanos(m.group(2))));
            end = m.end();
            m.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException(
                    "not a duration: '" + s + "' (use ms, s, m or h, e.g. 300ms, 1.5s, 8h)");
        }
        // Sub-nanosecond fractions ("0.0000001ms") are dropped, not rejected: nothing measures below 1 ns.
        BigInteger whole = nanos.toBigInteger();
        if (whole.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("duration too large: '" + s + "'");
        }
        return Duration.ofNanos(whole.longValueExact());
    }

    /** The shortest exact spelling in the largest whole unit: 8h, 90m, 30s, 300ms, 0.5ms; zero is "0ms". */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + d);
        }
        BigInteger nanos = BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(d.getNano()));
        if (nanos.signum() == 0) {
            return "0ms";
        }
        for (String unit : new String[] {"h", "m", "s", "ms"}) {
            BigInteger[] qr = nanos.divideAndRemainder(unitNanos(unit).toBigInteger());
            if (qr[1].signum() == 0) {
                return qr[0] + unit;
            }
        }
        return new BigDecimal(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
    }

    /** The duration in milliseconds as a double, the unit gate limits are kept in. */
    public static double toMillis(Duration d) {
        return d.getSeconds() * 1000.0 + d.getNano() / 1e6;
    }

    private static BigDecimal unitNanos(String unit) {
        return switch (unit) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            case "h" -> BigDecimal.valueOf(3_600_000_000_000L);
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
