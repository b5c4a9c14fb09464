package dev.realtimeharness.scenario;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The publish path of probes; {@link #wireName()} is the spelling in scenario files. */
public enum PublishVia {
    POSTGRES("postgres"),
    BROADCAST("broadcast"),
    REST("rest"),
    DB_BROADCAST("db-broadcast");

    private final String wireName;

    PublishVia(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses the scenario-file spelling; throws IllegalArgumentException naming the allowed values. */
    public static PublishVia parse(String s) {
        for (PublishVia v : values()) {
            if (v.wireName.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("must be one of " + allowed() + ", got '" + s + "'");
    }

    static String allowed() {
        return Arrays.stream(values()).map(PublishVia::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
