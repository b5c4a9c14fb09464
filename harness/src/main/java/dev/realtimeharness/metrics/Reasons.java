package dev.realtimeharness.metrics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failure reasons as keys: the server's free text ("Token has expired 12 seconds ago", a topic, a request id) with
 * what varies from one failure to the next replaced, so that the reason maps of summary.json and the Prometheus
 * {@code reason} label stay a handful of values instead of one per failure.
 */
public final class Reasons {
    /** Longer reasons are cut here (an HTML error page as a refusal body, say). */
    static final int MAX_CHARS = 160;

    // An HTTP refusal keeps its status: it says what kind of failure it is (and FleetDrive tells 4xx apart).
    private static final Pattern HTTP_STATUS = Pattern.compile("^HTTP \\d{3}\\b");
    private static final Pattern UUID = Pattern.compile(
            "\\b\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}\\b");
    // A long token with a digit in it (hex ids, keys, tokens): an id as a whole, not a word with numbers.
    private static final Pattern TOKEN = Pattern.compile("\\b(?=[\\w-]*\\d)[\\w-]{16,}");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)*");

    private Reasons() {
    }

    /** {@code reason} with ids replaced by {@code ID} and numbers by {@code N}; "unknown" for null or blank. */
    public static String normalise(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        String prefix = "";
        String rest = reason.strip();
        Matcher status = HTTP_STATUS.matcher(rest);
        if (status.find()) {
            prefix = status.group();
            rest = rest.substring(status.end());
        }
        rest = UUID.matcher(rest).replaceAll("ID");
        rest = TOKEN.matcher(rest).replaceAll("ID");
        rest = NUMBER.matcher(rest).replaceAll("N");
        String out = prefix + rest;
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "..." : out;
    }
}
