package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the embedded target: real PostgreSQL, real logical replication, real sockets. Every run starts its
 * own embedded target, not the shared one (EmbeddedTargetExtension): that start with the scenario's faults and limits
 * (target.embedded.delay, limits, joinErrorDelay) is part of what `harness run` does and what these tests check.
 */
class SmokeRunIT {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));

    @TempDir
    Path results;

    InProcessRun run(String runId, List<String> sets) throws Exception {
        return run(runId, sets, false);
    }

    InProcessRun run(String runId, List<String> sets, boolean acceptLimits) throws Exception {
        return run(SCENARIOS.resolve("smoke.yaml"), runId, sets, acceptLimits);
    }

    InProcessRun run(Path scenario, String runId, List<String> sets, boolean acceptLimits) throws Exception {
        return InProcessRun.of(scenario, results, runId, sets, acceptLimits);
    }

    @Test
    void smokeRunDeliversEveryExpectedMessagePassesAndSaysItsLatencyIsTheFloor() throws Exception {
        InProcessRun o = run("smoke-ok", List.of());
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("published").asLong()).isEqualTo(40);
        // 2 drivers x 5 channels, each probe goes to its driver's 5 channels: 40 x 5.
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("delivered").asLong()).isEqualTo(m.get("expectedDeliveries").asLong());
        assertThat(m.get("lost").asLong()).isZero();
        assertThat(m.get("duplicated").asLong()).isZero();
        assertThat(o.summary().get("latency").get("count").asLong()).isEqualTo(200);
        assertThat(o.summary().get("connections").get("successRatio").asDouble()).isEqualTo(1.0);
        assertThat(o.summary().get("channels").get("joined").asLong()).isEqualTo(10);
        assertThat(o.summary().get("readyLatency").get("count").asLong()).isEqualTo(10);
        assertThat(o.summary().get("gate").get("passed").asBoolean()).isTrue();
        for (String f : List.of("summary.json", "latency.hlog", "timeline.csv", "run.json", "harness.log")) {
            assertThat(o.dir().resolve(f)).as(f).exists();
        }
        assertThat(o.stdout()).contains("gate: PASSED");
        // cdc: stream (the default): on screen when the target is up and above the figures, and in report.html.
        String floor = "embedded target, cdc: stream: the stand-in streams each change as it commits, so"
                + " postgres_changes latency here is the FLOOR";
        assertThat(o.stdout().split(java.util.regex.Pattern.quote(floor), -1)).as("the notice, twice").hasSize(3);
        assertThat(o.stdout()).contains("To rehearse it: --set target.embedded.cdc=poll");
        assertThat(Files.readString(o.dir().resolve("report.html"))).contains(floor);
    }

    @Test
    void pollModeRunWaitsForThePollerDeliversEverythingAndSaysItRehearsesIt() throws Exception {
        // The 200 ms gate of smoke.yaml is moved out of the way: a poll-mode p99 near 500 ms is the expected result.
        InProcessRun o = run("smoke-poll", List.of("target.embedded.cdc=poll", "gate.latency.p99=3s"));
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("delivered").asLong()).isEqualTo(200);
        assertThat(m.get("lost").asLong()).isZero();
        // Streamed, p50 is a few ms. Polled at 8 inserts/s, most changes wait out part of the 500 ms idle sleep, so
        // the median is about 250 ms; below 50 ms it would need half of 40 probes to land in the first tenth.
        assertThat(o.summary().get("latency").get("p50").asDouble()).isGreaterThan(50);
        assertThat(o.summary().get("latency").get("max").asDouble()).isLessThan(2_500);
        // Ready = "Subscribed to PostgreSQL", which comes the 10 ms subscribe delay after the join.
        assertThat(o.summary().get("readyLatency").get("min").asDouble()).isGreaterThanOrEqualTo(10);
        String notice = "embedded target, cdc: poll: changes are read the way Supabase's poller reads them";
        assertThat(o.stdout()).contains(notice).doesNotContain("FLOOR");
        assertThat(Files.readString(o.dir().resolve("report.html"))).contains(notice);
        JsonNode embedded = new ObjectMapper().readTree(o.dir().resolve("run.json").toFile())
                .path("scenario").path("target").path("embedded");
        assertThat(embedded.path("cdc").asText()).isEqualTo("poll");
        assertThat(embedded.path("poll").path("interval").asText()).isEqualTo("100ms");
    }

    @Test
    void gateKeysThatValidateAreEvaluatedAtTheEndOfTheRun() throws Exception {
        // joinLatency.p95 validated and then crashed the gate after the run (exit 4, no verdict, no junit.xml).
        InProcessRun o = run("smoke-keys", List.of("gate.joinLatency.p95=10s", "gate.readyLatency.p50=10s",
                "gate.connectLatency.max=10s"));
        assertThat(o.exit()).as(o.stderr()).isIn(ExitCodes.PASSED, ExitCodes.GATE_FAILED);
        assertThat(o.stderr()).doesNotContain("internal error");
        List<String> checks = new java.util.ArrayList<>();
        o.summary().get("gate").get("checks").forEach(c -> checks.add(c.get("name").asText()));
        assertThat(checks).contains("joinLatency.p95", "readyLatency.p50", "connectLatency.max");
        assertThat(o.dir().resolve("junit.xml")).exists();
        assertThat(o.stdout()).contains("PASS joinLatency.p95");
    }

    @Test
    void injectedDelayAboveTheLimitFailsTheGateWithExitCode1() throws Exception {
        InProcessRun o = run("smoke-delay", List.of("target.embedded.delay=300ms"));
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.GATE_FAILED);
        assertThat(o.stdout()).contains("gate: FAILED").contains("FAIL latency.p99");
        JsonNode checks = o.summary().get("gate").get("checks");
        JsonNode p99 = null;
        for (JsonNode c : checks) {
            if (c.get("name").asText().equals("latency.p99")) {
                p99 = c;
            }
        }
        assertThat(p99).isNotNull();
        assertThat(p99.get("passed").asBoolean()).isFalse();
        // The injected 300 ms must come back in the measurement: p50 within a few ms of it.
        assertThat(o.summary().get("latency").get("p50").asDouble()).isBetween(299.0, 320.0);
        assertThat(o.summary().get("messages").get("lost").asLong()).isZero();
    }

    @ParameterizedTest(name = "publish via {0} over vsn {1}")
    @CsvSource({"broadcast, 2.0.0", "broadcast, 1.0.0", "postgres, 1.0.0", "rest, 2.0.0", "rest, 1.0.0",
        "db-broadcast, 2.0.0", "db-broadcast, 1.0.0"})
    void everyPublishPathAndSerializerDeliversEveryExpectedMessage(String via, String vsn) throws Exception {
        InProcessRun o = run("smoke-" + via + "-" + vsn, List.of("publish.via=" + via, "protocol.vsn=" + vsn));
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("published").asLong()).isEqualTo(40);
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("delivered").asLong()).isEqualTo(200);
        assertThat(m.get("lost").asLong()).isZero();
        assertThat(o.summary().get("latencyRaw").get("count").asLong()).isEqualTo(200);
        assertThat(o.summary().get("errors").get("protocol").asLong()).isZero();
        JsonNode publisher = o.summary().get("publisher");
        assertThat(publisher.get("failed").asLong()).isZero();
        // JDBC pools start at 4 (sized from the rate, at least 4); broadcast sends over the fewest dispatcher sockets
        // that hold the 10 topics (one, at 100 channels a socket); rest keeps no connections of its own.
        int expectedConnections = switch (via) {
            case "broadcast" -> 1;
            case "rest" -> 0;
            default -> 4;
        };
        assertThat(publisher.get("connections").asInt()).isEqualTo(expectedConnections);
    }

    @Test
    void aTargetThatNeverSaysSubscribedToOneFifthOfTheChannelsFailsOnTheReadyRatio() throws Exception {
        // The readiness gap: 2 of the 10 joins get their ok reply but never "Subscribed to PostgreSQL". Latency of
        // what arrives is fine; the gate must still fail, and say why.
        // The run waits for the 2 withheld channels until its ready timeout, which is the run's duration when that is
        // shorter than 30 s: duration=10s (5 s of publishing) instead of smoke.yaml's 30 s saves 20 s of waiting.
        InProcessRun o = run("smoke-withheld", List.of("target.embedded.withholdReadyRatio=0.2", "duration=10s"));

        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.GATE_FAILED);
        JsonNode channels = o.summary().get("channels");
        assertThat(channels.get("joined").asLong()).isEqualTo(10);
        assertThat(channels.get("ready").asLong()).isEqualTo(8);
        assertThat(channels.get("neverReady").asLong()).isEqualTo(2);
        assertThat(channels.get("readyRatio").asDouble()).isEqualTo(0.8);
        // It waited them out to the ready timeout (10 s after the fleet opened, a tick or two later on a busy machine).
        assertThat(o.stdout()).containsPattern("8 of 10 channels ready after 1[01]\\.\\d s");
        JsonNode m = o.summary().get("messages");
        // Every probe is still owed to all 5 channels of its driver; what the 2 unready ones were owed is lost.
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("lostByReason").get("neverReady").asLong()).isEqualTo(40);
        assertThat(m.get("delivered").asLong() + m.get("lost").asLong()).isEqualTo(200);
        assertThat(o.stdout()).contains("FAIL channels.readyRatio: 0.8000 < 0.9900");
    }

    @Test
    void droppedConnectionsMidRunAreLostAsChannelDownAndFailTheDefaultGate() throws Exception {
        // One of the 2 sockets is closed once, halfway through publishing; the driver reconnects and rejoins, but what
        // its channels were owed while they were down is lost, with that reason, under the default gate: smoke.yaml
        // without its gate section.
        String smoke = Files.readString(SCENARIOS.resolve("smoke.yaml"));
        Path noGate = Files.writeString(results.resolve("smoke-no-gate.yaml"),
                smoke.substring(0, smoke.indexOf("\ngate:") + 1));
        assertThat(Files.readString(noGate)).doesNotContain("gate").contains("drainTimeout");
        InProcessRun o = run(noGate, "smoke-disconnect", List.of("target.embedded.disconnectRatio=0.5"), false);

        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.GATE_FAILED);
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("lostByReason").get("channelDown").asLong()).isPositive();
        assertThat(m.get("delivered").asLong() + m.get("lost").asLong())
                .isEqualTo(m.get("expectedDeliveries").asLong());
        assertThat(o.summary().get("connections").get("reconnects").asLong()).isPositive();
        assertThat(o.summary().get("channels").get("rejoined").asLong()).isPositive();
        // The reconnected driver's channels rejoin at once, so the busiest second saw rejoins, and the final report
        // says how many.
        long peakRejoins = o.summary().get("channels").get("peakRejoinsPerSecond").asLong();
        assertThat(peakRejoins).isPositive();
        assertThat(o.summary().get("channels").get("peakJoinsPerSecond").asLong()).isGreaterThanOrEqualTo(peakRejoins);
        assertThat(o.stdout()).containsPattern("peak \\d+ joins/s, " + peakRejoins + " rejoins/s");
        List<String> failed = new java.util.ArrayList<>();
        o.summary().get("gate").get("checks").forEach(c -> {
            if (!c.get("passed").asBoolean()) {
                failed.add(c.get("name").asText());
            }
        });
        assertThat(failed).contains("messages.lost");
        assertThat(o.stdout()).contains("FAIL messages.lost");
    }

    @Test
    void acceptedLimitsRunOnAndCountTheRefusalsByTheirRealReason() throws Exception {
        InProcessRun o = run("smoke-limits", List.of("target.embedded.limits.maxChannelsPerClient=3",
                "target.embedded.joinErrorDelay=100ms"), true);
        // 2 of each driver's 5 channels are refused: the run goes on with the 6 that joined.
        assertThat(o.stdout()).contains("TRIPS");
        JsonNode channels = o.summary().get("channels");
        assertThat(channels.get("joined").asLong()).isEqualTo(6);
        assertThat(channels.get("failureReasons").get("ChannelRateLimitReached: Too many channels").asLong())
                .isGreaterThanOrEqualTo(4);
        // Every probe is owed to all 5 channels of its driver: the 2 refused ones never became ready, so what they
        // were owed is lost as neverReady, and the gate fails on it (a refused channel is not a smaller test).
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(40 * 5);
        assertThat(m.get("delivered").asLong()).isEqualTo(40 * 3);
        assertThat(m.get("lostByReason").get("neverReady").asLong()).isEqualTo(40 * 2);
        assertThat(channels.get("readyRatio").asDouble()).isEqualTo(0.6);
        assertThat(o.exit()).isEqualTo(ExitCodes.GATE_FAILED);
    }
}
