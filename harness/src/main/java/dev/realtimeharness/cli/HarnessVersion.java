package dev.realtimeharness.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from the filtered {@code harness-version.properties}. */
public final class HarnessVersion {
    private HarnessVersion() {
    }

    public static String version() {
        try (InputStream in = HarnessVersion.class.getResourceAsStream("/harness-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
