package dev.realtimeharness.results;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Writes run.json: the resolved scenario, harness version, git commit, Java version, cores, start and end.
 * Written at the start (endedAt null) and again at the end, atomically each time.
 */
public final class RunInfoWriter {

    static final String REDACTED = "<redacted>";

    private RunInfoWriter() {
    }

    /**
     * @param resolvedScenario the scenario after defaults and overrides; the caller redacts secrets, and
     *                         values under keys that look secret (apikey, secret, password, token, dbUrl,
     *                         jdbcUrl) are redacted here as well in case one slipped through
     * @param gitCommit        the commit the harness was built from, or null when unknown
     * @param endedAt          null while the run goes on
     */
    public static void write(Path file, Map<String, Object> resolvedScenario, String gitCommit, Instant startedAt,
                             Instant endedAt) throws IOException {
        write(file, resolvedScenario, gitCommit, startedAt, endedAt, Map.of());
    }

    /**
     * As above, with {@code extra} top-level entries after the scenario (the target, TLS settings), redacted the
     * same way.
     */
    public static void write(Path file, Map<String, Object> resolvedScenario, String gitCommit, Instant startedAt,
                             Instant endedAt, Map<String, Object> extra) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("scenario", redact(resolvedScenario));
        if (extra != null) {
            extra.forEach((k, v) -> info.put(k, redact(v)));
        }
        info.put("harnessVersion", harnessVersion());
        info.put("gitCommit", gitCommit);
        info.put("javaVersion", System.getProperty("java.version"));
        info.put("javaVendor", System.getProperty("java.vendor"));
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("startedAt", startedAt == null ? null : startedAt.toString());
        info.put("endedAt", endedAt == null ? null : endedAt.toString());
        AtomicFiles.write(file, out -> {
            Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, info);
            out.write('\n');
        });
    }

    /** The checkout's commit, when the harness runs from a git working tree; null otherwise. */
    public static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The version Maven filtered into harness-version.properties, "unknown" when not packaged. */
    public static String harnessVersion() {
        try (InputStream in = RunInfoWriter.class.getResourceAsStream("/harness-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static Object redact(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, inner) -> copy.put(String.valueOf(key),
                    looksSecret(String.valueOf(key)) && inner != null ? REDACTED : redact(inner)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RunInfoWriter::redact).toList();
        }
        return value;
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return k.contains("apikey") || k.contains("secret") || k.contains("password") || k.contains("token")
                || k.equals("dburl") || k.equals("jdbcurl") || k.equals("databaseurl");
    }
}
