package dev.realtimeharness.run;

import dev.realtimeharness.client.TokenProvider;
import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.metrics.PostgresMemory;
import dev.realtimeharness.publish.RestPublisher;
import dev.realtimeharness.results.CdcNotice;
import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens what a run connects to: the embedded target it starts, or a remote project already resolved. */
final class OpenTarget {
    private static final Logger log = LoggerFactory.getLogger(OpenTarget.class);

    private OpenTarget() {
    }

    /**
     * The target, its REST broadcast endpoint, and each driver's access token: drivers sign in as themselves. On the
     * embedded target too, each gets a token minted with its JWT secret (sub = the driver's id, role
     * authenticated), as the driver app's session would carry.
     */
    record Opened(RunTarget target, URI restEndpoint, IntFunction<TokenProvider> tokens) {
    }

    /** {@code remote} null starts the embedded target; PostgreSQL's memory is then measured through {@code in}. */
    static Opened open(Scenario scenario, RemoteSetup remote, PrintStream out, Instruments in)
            throws Measurement.OpenFailed {
        if (remote != null) {
            RunTarget t = remote.target();
            out.printf("remote target %s; database %s; access tokens: %s%n", t.name(),
                    remote.target().db() == null ? "none" : remote.target().db(), remote.authMode());
            log.info("remote target {}; tokens: {}", t.name(), remote.authMode());
            return new Opened(t, RestPublisher.endpointFor(t.wsUrl()), remote.tokenProviders(Clock.systemUTC()));
        }
        long started = System.nanoTime();
        out.println("starting the embedded target (PostgreSQL 17 + stand-in Realtime server)...");
        EmbeddedTarget embedded;
        try {
            embedded = EmbeddedTarget.start(scenario.whole().drivers(), scenario.target().embedded().resolvedFor(scenario));
        } catch (Exception e) {
            log.error("embedded target failed to start", e);
            throw new Measurement.OpenFailed(Outcome.NOT_RUN, "the embedded target failed to start: "
                    + e.getMessage(), e);
        }
        RunTarget target = RunTarget.embedded(embedded);
        out.printf("target ready in %.1f s: %s%n", (System.nanoTime() - started) / 1e9, target.wsUrl());
        out.println(CdcNotice.of(scenario.target().embedded()));
        // The embedded database runs on this machine: its memory is part of what T031 asks for.
        in.measurePostgres(PostgresMemory.ofDatabase(target.jdbcUrl(), target.user(), target.password()));
        String secret = embedded.jwtSecret();
        return new Opened(target, URI.create(embedded.restUrl() + "/api/broadcast"),
                i -> TokenProvider.minted(Drivers.id(i).toString(), secret, Duration.ofHours(1), Clock.systemUTC()));
    }
}
