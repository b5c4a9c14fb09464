package dev.realtimeharness.gatling;

import dev.realtimeharness.run.RemoteOptions;
import dev.realtimeharness.run.TargetSetup;
import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioException;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The simulation's parameters, from system properties (Maven passes {@code -Dkey=value} on to Gatling's JVM):
 * {@code scenario} (a file, relative to the working directory or to the repository root; default
 * scenarios/t031-load.yaml), {@code duration}, {@code drivers}, {@code set.KEY=VALUE} (any scenario field, as
 * {@code harness run --set KEY=VALUE}), {@code resultsDir} (default results/ at the repository root) and {@code runId}.
 *
 * <p>The target, as {@code harness run} takes it: {@code target} ({@code embedded}, the default, or
 * {@code ws[s]://HOST/realtime/v1/websocket}), {@code allowHost} (comma-separated, for non-loopback hosts),
 * {@code acceptLimits}, {@code caCert}, {@code insecure}, {@code tokens} (a file of pre-issued JWTs) and
 * {@code tokenLifetime}. The secrets come from the environment only, never from a property (properties show in
 * {@code ps} and in build logs): SUPABASE_ANON_KEY, SUPABASE_JWT_SECRET, DATABASE_URL; they are read for a remote
 * target only.
 */
record SimulationParameters(Path scenarioFile, List<String> sets, String duration, Path resultsRoot, String runId,
        Path repositoryRoot, String target, RemoteOptions remote, boolean acceptLimits) {

    static final String DEFAULT_SCENARIO = "scenarios/t031-load.yaml";

    static SimulationParameters fromSystemProperties() {
        return from(System.getProperties(), System.getenv(), Path.of("").toAbsolutePath());
    }

    static SimulationParameters from(Properties p, Path workingDir) {
        return from(p, Map.of(), workingDir);
    }

    static SimulationParameters from(Properties p, Map<String, String> env, Path workingDir) {
        Path root = repositoryRoot(workingDir);
        Path scenario = resolve(p.getProperty("scenario", DEFAULT_SCENARIO), workingDir, root);
        List<String> sets = new ArrayList<>();
        String drivers = p.getProperty("drivers");
        if (drivers != null && !drivers.isBlank()) {
            sets.add("drivers=" + drivers.trim());
        }
        // Sorted, so the same command line always gives the same scenario.
        TreeMap<String, String> overrides = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("set.") && name.length() > 4) {
                overrides.put(name.substring(4), p.getProperty(name));
            }
        }
        overrides.forEach((k, v) -> sets.add(k + "=" + v));
        String results = p.getProperty("resultsDir");
        Path resultsRoot = results == null || results.isBlank() ? root.resolve("results")
                : resolve(results, workingDir, root);
        String runId = p.getProperty("runId");
        String target = blankToNull(p.getProperty("target"));
        target = target == null ? TargetSetup.EMBEDDED : target;
        boolean remote = !TargetSetup.EMBEDDED.equals(target);
        String allow = blankToNull(p.getProperty("allowHost"));
        List<String> allowHosts = allow == null ? List.of()
                : Arrays.stream(allow.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
        String caCert = blankToNull(p.getProperty("caCert"));
        String tokens = blankToNull(p.getProperty("tokens"));
        String lifetime = blankToNull(p.getProperty("tokenLifetime"));
        Duration tokenLifetime = lifetime == null ? null : Durations.parse(lifetime);
        RemoteOptions options = new RemoteOptions(remote ? blankToNull(env.get("SUPABASE_ANON_KEY")) : null,
                remote ? blankToNull(env.get("DATABASE_URL")) : null,
                remote ? blankToNull(env.get("SUPABASE_JWT_SECRET")) : null,
                tokens == null ? null : resolve(tokens, workingDir, root), allowHosts,
                caCert == null ? null : resolve(caCert, workingDir, root), flag(p, "insecure"), tokenLifetime);
        return new SimulationParameters(scenario, List.copyOf(sets), blankToNull(p.getProperty("duration")),
                resultsRoot, blankToNull(runId), root, target, options, flag(p, "acceptLimits"));
    }

    /** {@code -Dname} alone, or {@code -Dname=true}: on; absent or {@code false}: off. */
    private static boolean flag(Properties p, String name) {
        String v = p.getProperty(name);
        return v != null && (v.isBlank() || Boolean.parseBoolean(v.trim()));
    }

    Scenario load() throws ScenarioException {
        Scenario s = ScenarioLoader.load(scenarioFile, sets);
        return duration == null ? s : ScenarioLoader.withDuration(s, Durations.parse(duration));
    }

    /**
     * The checkout's root: the first directory upwards from the working directory (gatling/ under Maven) that holds
     * both scenarios/ and harness/; the working directory when there is none.
     */
    static Path repositoryRoot(Path workingDir) {
        for (Path d = workingDir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("scenarios")) && Files.isDirectory(d.resolve("harness"))) {
                return d;
            }
        }
        return workingDir;
    }

    /** An absolute path as is; a relative one against the working directory if it exists there, else the root. */
    static Path resolve(String path, Path workingDir, Path root) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p;
        }
        Path local = workingDir.resolve(p);
        return Files.exists(local) ? local.normalize() : root.resolve(p).normalize();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
