package dev.realtimeharness.run;

import dev.realtimeharness.client.TlsContexts;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run connects to, checked before anything connects: the embedded target, or a remote project resolved from
 * the target URL and its settings (credentials, the production guard, TLS), and the pre-flight check of the
 * scenario's peak demand against the target's limits. Shared by {@code harness run} and the Gatling simulation, so
 * that both refuse the same things with the same messages.
 */
public final class TargetSetup {
    /** The value of {@code --target} (and of the simulation's {@code -Dtarget}) for the embedded target. */
    public static final String EMBEDDED = "embedded";

    /** Refused before anything connected: bad settings, a host not allowed, or limits the scenario would trip. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final RemoteSetup remote;
    private final SslContext ssl;
    private final Map<String, Object> description;

    private TargetSetup(RemoteSetup remote, SslContext ssl, Map<String, Object> description) {
        this.remote = remote;
        this.ssl = ssl;
        this.description = description;
    }

    /**
     * Resolves {@code target} ({@link #EMBEDDED} or a ws:// or wss:// URL) with {@code options}, prints warnings to
     * {@code err} and the pre-flight table to {@code out}. {@code keepAllowHost}:
     * the allowed hosts are used elsewhere (the history database), so an embedded run does not warn about them.
     */
    public static TargetSetup resolve(Scenario scenario, String target, RemoteOptions options, boolean acceptLimits,
            boolean keepAllowHost, PrintStream out, PrintStream err) throws Refused {
        RemoteSetup remote = null;
        SslContext ssl = null;
        if (target == null || EMBEDDED.equals(target)) {
            List<String> ignored = ignoredWithEmbedded(options);
            if (keepAllowHost) {
                ignored.remove("--allow-host");
            }
            if (!ignored.isEmpty()) {
                err.println("harness: warning: " + String.join(", ", ignored) + " apply to a remote --target only;"
                        + " ignored for the embedded target");
            }
        } else {
            try {
                remote = RemoteSetup.resolve(target, options, scenario);
            } catch (IllegalArgumentException e) {
                throw new Refused(e.getMessage());
            }
            remote.warnings().forEach(w -> err.println("harness: warning: " + w));
            if (remote.tls()) {
                try {
                    ssl = TlsContexts.client(remote.caCert(), remote.insecure());
                } catch (IOException | RuntimeException e) {
                    throw new Refused("--ca-cert " + remote.caCert() + ": cannot build the TLS context: "
                            + e.getMessage());
                }
                if (remote.insecure()) {
                    err.println(ConsoleReport.INSECURE_WARNING);
                }
            }
        }
        // A dispatcher pool too small for the topics cannot publish at all: refused whatever --accept-limits says.
        // Checked here, not when the file is loaded, because the limit is the target's.
        String pool = Preflight.dispatcherRefusal(scenario, remote != null);
        if (pool != null) {
            throw new Refused(ScenarioLoader.fieldError(scenario, List.of("publish", "connections"),
                    String.valueOf(scenario.publish().connections()), pool).getMessage());
        }
        // Pre-flight: will the scenario trip the target's tenant limits? Refused unless the user accepts it.
        Preflight.Report preflight = Preflight.check(scenario, Preflight.limitsOf(scenario, remote != null),
                remote == null ? "the embedded stand-in's limits, target.embedded.limits"
                        : "the scenario's targetLimits, Supabase's self-hosted defaults unless set");
        out.print(preflight.format());
        if (preflight.trips()) {
            if (!acceptLimits) {
                throw new Refused("the scenario would trip the target's limits (TRIPS above); the server would "
                        + "refuse joins or messages. Raise the tenant's limits (and the scenario's "
                        + (remote == null ? "target.embedded.limits" : "targetLimits") + "), lower the load, or run"
                        + " anyway with --accept-limits to count the refusals.");
            }
            out.println("--accept-limits: running anyway; refusals are counted");
        }
        return new TargetSetup(remote, ssl, remote == null ? null : remote.describe(options.allowHosts()));
    }

    public boolean embedded() {
        return remote == null;
    }

    /** The remote target's name for people (the URL without credentials); "embedded" for the embedded target. */
    public String name() {
        return remote == null ? EMBEDDED : remote.target().name();
    }

    RemoteSetup remote() {
        return remote;
    }

    SslContext ssl() {
        return ssl;
    }

    Map<String, Object> description() {
        return description;
    }

    /**
     * How to open a measurement of this target for a load driven by someone else (the Gatling simulation): results
     * and messages to {@code out}, no live metrics.
     */
    public MeasurementOptions options(String runId, Path resultsRoot, PrintStream out, String loadGenerator) {
        return new MeasurementOptions(runId, resultsRoot, out, out, null, null, null, loadGenerator, remote, ssl,
                description);
    }

    static List<String> ignoredWithEmbedded(RemoteOptions r) {
        List<String> flags = new ArrayList<>();
        if (r.apikey() != null) {
            flags.add("--apikey");
        }
        if (r.dbUrl() != null) {
            flags.add("--db-url");
        }
        if (r.jwtSecret() != null) {
            flags.add("--jwt-secret");
        }
        if (r.tokensFile() != null) {
            flags.add("--tokens");
        }
        if (!r.allowHosts().isEmpty()) {
            flags.add("--allow-host");
        }
        if (r.caCert() != null) {
            flags.add("--ca-cert");
        }
        if (r.insecure()) {
            flags.add("--insecure");
        }
        return flags;
    }
}
