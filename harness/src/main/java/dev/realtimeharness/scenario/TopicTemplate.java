package dev.realtimeharness.scenario;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code {driver}} (driver index), {@code {channel}} (channel index within the driver) and
 * {@code {driverId}} ({@link Drivers#id(int)}) in topics and filters. Any other {@code {name}} is an error.
 */
public final class TopicTemplate {

    public static final List<String> PLACEHOLDERS = List.of("driver", "channel", "driverId");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]*)}");

    private TopicTemplate() {
    }

    public static String expand(String template, int driver, int channel) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "driver" -> Integer.toString(driver);
                case "channel" -> Integer.toString(channel);
                case "driverId" -> Drivers.id(driver).toString();
                default -> throw unknown(m.group(1));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Throws IllegalArgumentException when the template holds a placeholder other than the known ones. */
    public static void validate(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw unknown(m.group(1));
            }
        }
    }

    /** Whether the template uses the given placeholder name (without braces). */
    public static boolean uses(String template, String placeholder) {
        return template.contains("{" + placeholder + "}");
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown placeholder {" + name + "} (allowed: {driver}, {channel}, {driverId})");
    }
}
