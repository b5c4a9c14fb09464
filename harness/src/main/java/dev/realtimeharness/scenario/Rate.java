package dev.realtimeharness.scenario;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An event rate; files spell it {@code N/s} or {@code N/m} ("50/s", "300/m", "2.5/s"). */
public record Rate(double perSecond) {

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|m)");

    public Rate {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be positive, got " + perSecond + "/s");
        }
    }

    /** Parses {@code N/s} or {@code N/m}; throws IllegalArgumentException saying what is allowed. */
    public static Rate parse(String s) {
        Matcher m = RATE.matcher(s == null ? "" : s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate: '" + s + "' (use N/s or N/m, e.g. 50/s, 300/m, 2.5/s)");
        }
        double n = Double.parseDouble(m.group(1));
        if (n <= 0) {
            throw new IllegalArgumentException("rate must be positive, got '" + s + "'");
        }
        return new Rate(m.group(2).equals("m") ? n / 60.0 : n);
    }

    /** Time between two events in nanoseconds, rounded, at least 1. */
    public long intervalNanos() {
        return Math.max(1L, Math.round(1e9 / perSecond));
    }

    /** The file spelling: per second when that is has at most three decimals, else per minute (300/m parses to 5/s). */
    public String format() {
        String perS = plain(perSecond);
        if (new BigDecimal(perS).scale() <= 3) {
            return perS + "/s";
        }
        double perMinute = perSecond * 60.0;
        if (perMinute == Math.rint(perMinute)) {
            return plain(perMinute) + "/m";
        }
        return perS + "/s";
    }

    private static String plain(double d) {
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return format();
    }
}
