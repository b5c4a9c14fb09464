package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {

    // The example of design/contract.md, verbatim.
    static final String CONTRACT_EXAMPLE = """
            name: t030-latency
            description: T030 WebSocket latency validation
            drivers: 10                       # simulated driver apps, one WebSocket connection each
            channelsPerDriver: 50             # channels each driver joins on its connection
            protocol: {vsn: "2.0.0", heartbeat: 25s}
            channel:
              topic: "driver-orders:{driver}:{channel}"          # sent as realtime:<topic>
              postgresChanges:
                - {event: "*", schema: public, table: orders, filter: "driver_id=eq.{driverId}"}
              broadcast: {self: false, ack: false}
              presence: {enabled: false}
            publish:
              via: postgres                   # postgres | broadcast | rest | db-broadcast
              messages: 1000                  # a total, or leave it out and give a duration
              rate: 50/s                      # open model: probes are due at fixed times, whatever the target does
            ramp: {connectRate: 100/s, joinRate: 500/s}
            duration: 60s                     # upper bound; a run with `messages` ends when all are delivered or lost
            drainTimeout: 5s                  # how long after the last publish a missing delivery still counts as late, not lost
            target:
              embedded: {delay: 0ms, jitter: 0ms}   # fault knobs of the stand-in, see design/measurement.md
            gate:
              latency.p99: 200ms
              messages.lost: 0
              connections.successRatio: 0.99
            """;

    // Lines:       1             2                                         3
    static final String MINIMAL = "name: minimal\n"
            + "channel:\n"
            + "  postgresChanges:\n"
            + "    - {event: INSERT, schema: public, table: orders, filter: \"driver_id=eq.{driverId}\"}\n"
            + "publish:\n"
            + "  rate: 10/s\n";

    @TempDir
    Path dir;

    Path write(String yaml) throws IOException {
        Path file = dir.resolve("x.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    ScenarioException error(String yaml, String... sets) throws IOException {
        Path file = write(yaml);
        ScenarioException e = catchThrowableOfType(ScenarioException.class,
                () -> ScenarioLoader.load(file, List.of(sets)));
        assertThat(e).as("expected an invalid scenario").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        return e;
    }

    @Test
    void contractExampleLoadsAsWritten() throws Exception {
        Path file = write(CONTRACT_EXAMPLE);
        Scenario s = ScenarioLoader.load(file, List.of());

        assertThat(s.name()).isEqualTo("t030-latency");
        assertThat(s.description()).isEqualTo("T030 WebSocket latency validation");
        assertThat(s.drivers()).isEqualTo(10);
        assertThat(s.channelsPerDriver()).isEqualTo(50);
        assertThat(s.totalChannels()).isEqualTo(500);
        assertThat(s.protocol()).isEqualTo(new ProtocolConfig("2.0.0", Duration.ofSeconds(25)));
        assertThat(s.channel().topic()).isEqualTo("driver-orders:{driver}:{channel}");
        assertThat(s.channel().postgresChanges())
                .containsExactly(new PostgresChangeSpec("*", "public", "orders", "driver_id=eq.{driverId}"));
        assertThat(s.channel().broadcast()).isEqualTo(new BroadcastConfig(false, false));
        assertThat(s.channel().presence()).isEqualTo(new PresenceConfig(false));
        assertThat(s.publish()).isEqualTo(new PublishConfig(PublishVia.POSTGRES, 1000L, new Rate(50), "orders", "notes"));
        assertThat(s.ramp()).isEqualTo(new RampConfig(new Rate(100), new Rate(500)));
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.target().embedded()).isEqualTo(EmbeddedConfig.none());
        assertThat(s.gate()).containsExactly(
                entry("latency.p99", 200.0), entry("messages.lost", 0.0), entry("connections.successRatio", 0.99));
        assertThat(s.source()).isEqualTo(file);
    }

    @Test
    void absentFieldsTakeTheirDefaults() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL), List.of());

        assertThat(s.description()).isEmpty();
        assertThat(s.drivers()).isEqualTo(1);
        assertThat(s.channelsPerDriver()).isEqualTo(1);
        assertThat(s.protocol()).isEqualTo(ProtocolConfig.defaults());
        assertThat(s.channel().topic()).isEqualTo(ChannelConfig.DEFAULT_TOPIC);
        assertThat(s.publish()).isEqualTo(new PublishConfig(PublishVia.POSTGRES, null, new Rate(10), "orders", "notes"));
        assertThat(s.ramp()).isEqualTo(RampConfig.defaults());
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.warmup()).as("warm-up by default").isEqualTo(Duration.ofSeconds(10));
        assertThat(s.target()).isEqualTo(TargetConfig.defaults());
        // No gate section: the default gate, never "no checks" by omission.
        assertThat(s.gate()).containsExactly(entry("messages.lost", 0.0), entry("connections.successRatio", 0.99),
                entry("channels.readyRatio", 0.99), entry("harness.saturated", 0.0));
    }

    @Test
    void anEmptyGateSectionMeansNoChecks() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL + "gate: {}\n"), List.of());

        assertThat(s.gate()).isEmpty();
    }

    @Test
    void setGateKeyOnTheDefaultGateKeepsTheDefaults() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL), List.of("gate.latency.p99=150ms"));

        assertThat(s.gate()).containsEntry("latency.p99", 150.0).containsEntry("messages.lost", 0.0)
                .containsEntry("connections.successRatio", 0.99);
    }

    @Test
    void subscriptionsBeyondWhatTheHarnessCanCountAreRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "drivers: 100000\nchannelsPerDriver: 100000\n");

        assertThat(e.getMessage()).contains("channelsPerDriver").contains("10000000000 subscriptions");
    }

    @Test
    void heartbeatUnderOneSecondIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "protocol:\n  heartbeat: 500ms\n");

        assertThat(e.getMessage()).contains("protocol.heartbeat").contains("at least 1s");
    }

    @Test
    void publishConnectionsIsOptionalAndMustBePositive() throws Exception {
        assertThat(ScenarioLoader.load(write(MINIMAL), List.of()).publish().connections()).isNull();
        assertThat(ScenarioLoader.load(write(MINIMAL), List.of("publish.connections=12")).publish().connections())
                .isEqualTo(12);
        ScenarioException e = error(MINIMAL.replace("  rate: 10/s\n", "  rate: 10/s\n  connections: 0\n"));
        assertThat(e.getMessage()).contains("publish.connections");
    }

    @Test
    void warmupTakesADurationAndZeroSwitchesItOff() throws Exception {
        assertThat(ScenarioLoader.load(write(MINIMAL + "warmup: 2.5s\n"), List.of()).warmup())
                .isEqualTo(Duration.ofMillis(2500));
        assertThat(ScenarioLoader.load(write(MINIMAL + "warmup: 0\n"), List.of()).warmup()).isZero();
        assertThat(ScenarioLoader.load(write(MINIMAL + "warmup: 30s\n"), List.of("warmup=0s")).warmup()).isZero();
        ScenarioException e = error(MINIMAL + "warmup: soon\n");
        assertThat(e.getMessage()).contains("warmup").contains("not a duration");
    }

    @Test
    void zeroDrainTimeoutIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "drainTimeout: 0ms\n");

        assertThat(e.getMessage()).contains("drainTimeout").contains("longer than 0");
    }

    @Test
    void embeddedFaultKnobsLoad() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL + """
                target:
                  embedded: {delay: 5ms, jitter: 2ms, dropRatio: 0.01, stallAfter: 10s, stallFor: 1.5s,
                             disconnectRatio: 0.1, rejectJoinRatio: 1}
                """), List.of());

        assertThat(s.target().embedded()).isEqualTo(new EmbeddedConfig(Duration.ofMillis(5), Duration.ofMillis(2),
                0.01, Duration.ofSeconds(10), Duration.ofMillis(1500), 0.1, 1.0));
    }

    @Test
    void accountingKnobsLoad() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL + """
                target:
                  embedded: {disconnectRatio: 0.5, disconnectAfter: 2.5s, withholdReadyRatio: 0.25}
                """), List.of());

        EmbeddedConfig e = s.target().embedded();
        assertThat(e.disconnectRatio()).isEqualTo(0.5);
        assertThat(e.disconnectAfter()).isEqualTo(Duration.ofMillis(2500));
        assertThat(e.withholdReadyRatio()).isEqualTo(0.25);
        assertThat(e.resolvedFor(s)).isSameAs(e);
    }

    @Test
    void disconnectAfterDefaultsToHalfThePublishingSpan() throws Exception {
        Scenario byDuration = ScenarioLoader.load(write(MINIMAL + "duration: 40s\n"
                + "target:\n  embedded: {disconnectRatio: 0.1}\n"), List.of());
        assertThat(byDuration.target().embedded().disconnectAfter()).isNull();
        assertThat(byDuration.target().embedded().resolvedFor(byDuration).disconnectAfter())
                .isEqualTo(Duration.ofSeconds(20));

        Scenario byMessages = ScenarioLoader.load(write(MINIMAL.replace("  rate: 10/s\n", "  rate: 10/s\n"
                + "  messages: 100\n") + "target:\n  embedded: {disconnectRatio: 0.1}\n"), List.of());
        assertThat(byMessages.target().embedded().resolvedFor(byMessages).disconnectAfter())
                .isEqualTo(Duration.ofSeconds(5));

        // A message count the duration cuts short: half the duration.
        Scenario capped = ScenarioLoader.load(write(MINIMAL.replace("  rate: 10/s\n", "  rate: 10/s\n"
                + "  messages: 100000\n") + "duration: 1m\n"), List.of());
        assertThat(capped.target().embedded().resolvedFor(capped).disconnectAfter())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badAccountingKnobsAreRejectedWithTheirField() throws Exception {
        ScenarioException ratio = error(MINIMAL + "target:\n  embedded:\n    withholdReadyRatio: 1.5\n");
        assertThat(ratio.line()).isEqualTo(9);
        assertThat(ratio.field()).isEqualTo("target.embedded.withholdReadyRatio");
        assertThat(ratio.detail()).isEqualTo("must be between 0 and 1, got 1.5");

        ScenarioException negative = error(MINIMAL + "target:\n  embedded:\n    disconnectRatio: 0.5\n"
                + "    disconnectAfter: -1s\n");
        assertThat(negative.line()).isEqualTo(10);
        assertThat(negative.field()).isEqualTo("target.embedded.disconnectAfter");
        assertThat(negative.detail()).startsWith("not a duration: '-1s'");

        ScenarioException disconnect = error(MINIMAL + "target:\n  embedded:\n    disconnectRatio: -0.1\n");
        assertThat(disconnect.line()).isEqualTo(9);
        assertThat(disconnect.field()).isEqualTo("target.embedded.disconnectRatio");

        ScenarioException text = error(MINIMAL + "target:\n  embedded:\n    withholdReadyRatio: half\n");
        assertThat(text.field()).isEqualTo("target.embedded.withholdReadyRatio");
        assertThat(text.detail()).isEqualTo("must be a number between 0 and 1, got 'half'");
    }

    @Test
    void cdcDefaultsToStreamAndPollKnobsDefaultToSupabases() throws Exception {
        Scenario plain = ScenarioLoader.load(write(MINIMAL), List.of());
        assertThat(plain.target().embedded().cdc()).isEqualTo(CdcConfig.stream());
        assertThat(plain.target().embedded().cdc().polling()).isFalse();

        Scenario poll = ScenarioLoader.load(write(MINIMAL + "target:\n  embedded: {cdc: poll}\n"), List.of());
        CdcConfig c = poll.target().embedded().cdc();
        assertThat(c).isEqualTo(CdcConfig.poll());
        assertThat(c.interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.maxChanges()).isEqualTo(100);
        assertThat(c.idleInterval()).isEqualTo(Duration.ofMillis(500));

        Scenario knobs = ScenarioLoader.load(write(MINIMAL + """
                target:
                  embedded:
                    cdc: poll
                    poll: {interval: 50ms, maxChanges: 10, idleMultiplier: 2, subscribeDelay: 2s}
                """), List.of());
        assertThat(knobs.target().embedded().cdc()).isEqualTo(new CdcConfig(CdcConfig.Mode.POLL,
                Duration.ofMillis(50), 10, 2, Duration.ofSeconds(2)));
        // Carried through resolvedFor, which the run uses.
        assertThat(knobs.target().embedded().resolvedFor(knobs).cdc().maxChanges()).isEqualTo(10);
    }

    @Test
    void badCdcSettingsAreRejectedWithTheirField() throws Exception {
        ScenarioException mode = error(MINIMAL + "target:\n  embedded:\n    cdc: polling\n");
        assertThat(mode.line()).isEqualTo(9);
        assertThat(mode.field()).isEqualTo("target.embedded.cdc");
        assertThat(mode.detail()).isEqualTo("must be stream or poll, got \"polling\"");

        ScenarioException max = error(MINIMAL + "target:\n  embedded:\n    cdc: poll\n    poll:\n"
                + "      maxChanges: 0\n");
        assertThat(max.line()).isEqualTo(11);
        assertThat(max.field()).isEqualTo("target.embedded.poll.maxChanges");
        assertThat(max.detail()).isEqualTo("must be at least 1, got 0");

        ScenarioException interval = error(MINIMAL + "target:\n  embedded:\n    poll: {interval: 0ms}\n");
        assertThat(interval.field()).isEqualTo("target.embedded.poll.interval");
        assertThat(interval.detail()).isEqualTo("must be longer than 0");

        ScenarioException unknown = error(MINIMAL + "target:\n  embedded:\n    poll: {pollIntervalMs: 100}\n");
        assertThat(unknown.field()).isEqualTo("target.embedded.poll.pollIntervalMs");
    }

    @Test
    void gateKeepsFileOrderAndCanonicalUnits() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL + """
                gate:
                  messages.outOfOrder: 3
                  latencyRaw.max: 1.5s
                  channels.successRatio: 99.5%
                  joinLatency.p99: 250us
                """.replace("250us", "0.25ms")), List.of());

        assertThat(s.gate()).containsExactly(entry("messages.outOfOrder", 3.0), entry("latencyRaw.max", 1500.0),
                entry("channels.successRatio", 0.995), entry("joinLatency.p99", 0.25));
    }

    @Test
    void harnessSaturatedFalseInTheFileOrBySetIsAMustNotLimit() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL + """
                gate:
                  harness.saturated: false
                """), List.of());
        Scenario set = ScenarioLoader.load(write(MINIMAL), List.of("gate.harness.saturated=false"));

        assertThat(s.gate()).containsExactly(entry("harness.saturated", 0.0));
        // Without a gate section the --set goes into the default gate, which already says the same.
        assertThat(set.gate()).containsEntry("harness.saturated", 0.0).containsKey("messages.lost");
    }

    // ---- errors: each names file, line and field ----

    @Test
    void unknownTopLevelKeyNamesLineAndAllowedKeys() throws Exception {
        ScenarioException e = error(MINIMAL + "drviers: 10\n");

        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("drviers");
        assertThat(e.getMessage()).isEqualTo(e.file() + ":7: field 'drviers': unknown key (allowed: name, description, "
                + "drivers, channelsPerDriver, protocol, channel, publish, ramp, duration, drainTimeout, warmup, target, gate, allowedHosts, targetLimits)");
    }

    @Test
    void unknownNestedKeyNamesLineAndAllowedKeys() throws Exception {
        ScenarioException e = error("""
                name: x
                channel:
                  postgresChanges: [{table: orders}]
                publish:
                  via: postgres
                  rat: 50/s
                """);

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.field()).isEqualTo("publish.rat");
        assertThat(e.getMessage()).isEqualTo(
                e.file() + ":6: field 'publish.rat': unknown key (allowed: via, messages, rate, table, probeColumn, sql, event, connections)");
    }

    @Test
    void unknownKeyAtDepthThreeAndInsideListElements() throws Exception {
        ScenarioException deep = error(MINIMAL + "target:\n  embedded:\n    dealy: 5ms\n");
        assertThat(deep.line()).isEqualTo(9);
        assertThat(deep.field()).isEqualTo("target.embedded.dealy");

        ScenarioException inList = error("""
                name: x
                channel:
                  postgresChanges:
                    - table: orders
                    - table: orders
                      evnt: INSERT
                publish: {rate: 1/s}
                """);
        assertThat(inList.line()).isEqualTo(6);
        assertThat(inList.field()).isEqualTo("channel.postgresChanges[1].evnt");
    }

    @Test
    void driversBelowOneIsRejected() throws Exception {
        ScenarioException e = error("name: x\n\ndrivers: 0\n" + MINIMAL.substring(MINIMAL.indexOf('\n') + 1));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("drivers");
        assertThat(e.getMessage()).isEqualTo(e.file() + ":3: field 'drivers': must be at least 1, got 0");
    }

    @Test
    void wrongTypeIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "drivers: ten\n");

        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("drivers");
        assertThat(e.detail()).isEqualTo("must be an integer, got 'ten'");
    }

    @Test
    void badDurationIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "protocol:\n  heartbeat: 25 seconds\n");

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.field()).isEqualTo("protocol.heartbeat");
        assertThat(e.detail()).startsWith("not a duration: '25 seconds'");
    }

    @Test
    void durationWithoutUnitIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "duration: 60\n");

        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("duration");
    }

    @Test
    void badRateIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL.replace("rate: 10/s", "rate: 10/hour"));

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.field()).isEqualTo("publish.rate");
        assertThat(e.detail()).isEqualTo("not a rate: '10/hour' (use N/s or N/m, e.g. 50/s, 300/m, 2.5/s)");
    }

    @Test
    void missingRateNamesThePublishSection() throws Exception {
        ScenarioException e = error(MINIMAL.replace("  rate: 10/s\n", "  messages: 10\n"));

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.field()).isEqualTo("publish.rate");
        assertThat(e.detail()).startsWith("required");
    }

    @Test
    void missingNameIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL.replace("name: minimal\n", "description: d\n"));

        assertThat(e.field()).isEqualTo("name");
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void badEnumValueIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "protocol: {vsn: \"3.0.0\"}\n");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("protocol.vsn");

        ScenarioException via = error(MINIMAL.replace("  rate: 10/s\n", "  rate: 10/s\n  via: kafka\n"));
        assertThat(via.line()).isEqualTo(7);
        assertThat(via.field()).isEqualTo("publish.via");
        assertThat(via.detail()).isEqualTo("must be one of postgres, broadcast, rest, db-broadcast, got 'kafka'");
    }

    @Test
    void unknownGateKeyIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "gate:\n  latency.p99: 200ms\n  latency.p98: 200ms\n");

        assertThat(e.line()).isEqualTo(9);
        assertThat(e.field()).isEqualTo("gate.latency.p98");
        assertThat(e.detail()).startsWith("unknown gate key 'latency.p98' (allowed: ");
    }

    @Test
    void badGateValuesAreRejected() throws Exception {
        assertThat(error(MINIMAL + "gate:\n  latency.p99: 200\n").field()).isEqualTo("gate.latency.p99");
        assertThat(error(MINIMAL + "gate:\n  messages.lost: -1\n").detail())
                .isEqualTo("must be a non-negative integer, got '-1'");
        ScenarioException ratio = error(MINIMAL + "gate:\n  connections.successRatio: 1.5\n");
        assertThat(ratio.line()).isEqualTo(8);
        assertThat(ratio.detail()).isEqualTo("must be a ratio between 0 and 1, got 1.5");
    }

    @Test
    void ratioOutsideZeroToOneIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "target:\n  embedded:\n    delay: 1ms\n    dropRatio: 1.2\n");

        assertThat(e.line()).isEqualTo(10);
        assertThat(e.field()).isEqualTo("target.embedded.dropRatio");
        assertThat(e.detail()).isEqualTo("must be between 0 and 1, got 1.2");
    }

    @Test
    void unknownPlaceholderIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL.replace("channel:\n", "channel:\n  topic: \"orders:{drvier}\"\n"));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("channel.topic");
        assertThat(e.detail()).isEqualTo("unknown placeholder {drvier} (allowed: {driver}, {channel}, {driverId})");

        ScenarioException filter = error(MINIMAL.replace("{driverId}", "{driverUuid}"));
        assertThat(filter.line()).isEqualTo(4);
        assertThat(filter.field()).isEqualTo("channel.postgresChanges[0].filter");
    }

    @Test
    void topicWithoutChannelPlaceholderIsRejectedForSeveralChannels() throws Exception {
        ScenarioException e = error(MINIMAL.replace("channel:\n", "channel:\n  topic: \"orders:{driver}\"\n")
                + "channelsPerDriver: 3\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("channel.topic");
    }

    @Test
    void publishingToAnUnsubscribedTableIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL.replace("  rate: 10/s\n", "  rate: 10/s\n  table: invoices\n"));

        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("publish.table");
    }

    @Test
    void yamlSyntaxErrorReportsTheParsersLine() throws Exception {
        ScenarioException e = error("""
                name: x
                drivers: 2
                publish:
                  rate: 10/s
                  via: [postgres
                duration: 5s
                """);

        assertThat(e.line()).isBetween(5, 6);
        assertThat(e.detail()).startsWith("YAML syntax error");
        assertThat(e.getMessage()).startsWith(e.file() + ":" + e.line() + ": ");
    }

    @Test
    void badIndentationIsASyntaxError() throws Exception {
        ScenarioException e = error("name: x\ndrivers: 2\n  channelsPerDriver: 3\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).startsWith("YAML syntax error");
    }

    @Test
    void duplicateKeyIsRejected() throws Exception {
        ScenarioException e = error(MINIMAL + "drivers: 2\ndrivers: 3\n");

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.field()).isEqualTo("drivers");
        assertThat(e.detail()).isEqualTo("duplicate key 'drivers'");
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        ScenarioException e = error("# nothing here\n");

        assertThat(e.detail()).contains("empty");
    }

    @Test
    void missingFileIsRejected() {
        Path file = dir.resolve("nope.yaml");
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(file, List.of()));

        assertThat(e.file()).isEqualTo(file);
        assertThat(e.line()).isZero();
        assertThat(e.detail()).startsWith("cannot read the file");
    }

    // ---- --set ----

    @Test
    void setOverridesScalarsWithYamlTypes() throws Exception {
        Scenario s = ScenarioLoader.load(write(CONTRACT_EXAMPLE), List.of(
                "drivers=20", "publish.rate=200/s", "target.embedded.delay=300ms", "protocol.vsn=1.0.0",
                "channel.broadcast.self=true", "publish.via=broadcast", "description=a: b", "duration=2m"));

        assertThat(s.drivers()).isEqualTo(20);
        assertThat(s.publish().rate()).isEqualTo(new Rate(200));
        assertThat(s.publish().via()).isEqualTo(PublishVia.BROADCAST);
        assertThat(s.target().embedded().delay()).isEqualTo(Duration.ofMillis(300));
        assertThat(s.protocol().vsn()).isEqualTo("1.0.0");
        assertThat(s.channel().broadcast().self()).isTrue();
        assertThat(s.description()).isEqualTo("a: b");
        assertThat(s.duration()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void setCreatesMissingSections() throws Exception {
        Scenario s = ScenarioLoader.load(write(MINIMAL), List.of("target.embedded.dropRatio=0.5", "ramp.joinRate=60/m"));

        assertThat(s.target().embedded().dropRatio()).isEqualTo(0.5);
        assertThat(s.ramp().joinRate()).isEqualTo(new Rate(1));
        assertThat(s.ramp().connectRate()).isEqualTo(new Rate(100));
    }

    @Test
    void setGateKeysReplaceInPlaceAndAppend() throws Exception {
        Scenario s = ScenarioLoader.load(write(CONTRACT_EXAMPLE), List.of(
                "gate.latency.p99=150ms", "gate.latency.p50=50ms", "gate.connections.successRatio=1"));

        assertThat(s.gate()).containsExactly(entry("latency.p99", 150.0), entry("messages.lost", 0.0),
                entry("connections.successRatio", 1.0), entry("latency.p50", 50.0));
    }

    @Test
    void setWithEmptyValueRemovesTheField() throws Exception {
        Scenario s = ScenarioLoader.load(write(CONTRACT_EXAMPLE), List.of("gate.messages.lost=", "publish.messages="));

        assertThat(s.gate()).containsOnlyKeys("latency.p99", "connections.successRatio");
        assertThat(s.publish().messages()).isNull();
    }

    @Test
    void setListElementsByIndex() throws Exception {
        Scenario s = ScenarioLoader.load(write(CONTRACT_EXAMPLE),
                List.of("channel.postgresChanges[0].event=INSERT", "channel.postgresChanges.0.filter=driver_id=eq.{driver}"));

        assertThat(s.channel().postgresChanges().get(0))
                .isEqualTo(new PostgresChangeSpec("INSERT", "public", "orders", "driver_id=eq.{driver}"));
    }

    @Test
    void badSetValueNamesTheSetNotALine() throws Exception {
        ScenarioException e = error(CONTRACT_EXAMPLE, "drivers=0");

        assertThat(e.line()).isZero();
        assertThat(e.field()).isEqualTo("drivers");
        assertThat(e.origin()).isEqualTo("--set drivers=0");
        assertThat(e.getMessage()).isEqualTo(e.file() + ": --set drivers=0: field 'drivers': must be at least 1, got 0");

        ScenarioException rate = error(CONTRACT_EXAMPLE, "publish.rate=fast");
        assertThat(rate.line()).isZero();
        assertThat(rate.field()).isEqualTo("publish.rate");
        assertThat(rate.getMessage()).contains("--set publish.rate=fast");

        ScenarioException gate = error(CONTRACT_EXAMPLE, "gate.latency.p99=soon");
        assertThat(gate.line()).isZero();
        assertThat(gate.field()).isEqualTo("gate.latency.p99");
    }

    @Test
    void setOfUnknownPathIsRejected() throws Exception {
        ScenarioException e = error(CONTRACT_EXAMPLE, "publish.rat=200/s");
        assertThat(e.line()).isZero();
        assertThat(e.field()).isEqualTo("publish.rat");
        assertThat(e.getMessage()).isEqualTo(e.file() + ": --set publish.rat=200/s: field 'publish.rat': "
                + "unknown key (allowed: via, messages, rate, table, probeColumn, sql, event, connections)");

        ScenarioException section = error(CONTRACT_EXAMPLE, "nosuch.thing=1");
        assertThat(section.field()).isEqualTo("nosuch");
        assertThat(section.origin()).isEqualTo("--set nosuch.thing=1");

        ScenarioException intoValue = error(CONTRACT_EXAMPLE, "drivers.count=3");
        assertThat(intoValue.field()).isEqualTo("drivers.count");
        assertThat(intoValue.line()).isZero();

        ScenarioException gate = error(CONTRACT_EXAMPLE, "gate.latency.p42=1ms");
        assertThat(gate.field()).isEqualTo("gate.latency.p42");
        assertThat(gate.line()).isZero();
    }

    @Test
    void malformedSetIsRejected() throws Exception {
        ScenarioException e = error(CONTRACT_EXAMPLE, "drivers");

        assertThat(e.line()).isZero();
        assertThat(e.getMessage()).contains("--set drivers").contains("KEY=VALUE");
    }

    @Test
    void fileErrorsStillReportTheirLineWhenOtherFieldsAreSet() throws Exception {
        ScenarioException e = error(MINIMAL + "drainTimeout: soon\n", "drivers=3");

        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("drainTimeout");
        assertThat(e.origin()).isNull();
    }

    @Test
    void withDurationReplacesOnlyTheDuration() throws Exception {
        Scenario s = ScenarioLoader.load(write(CONTRACT_EXAMPLE), List.of());
        Scenario longer = ScenarioLoader.withDuration(s, Duration.ofHours(8));

        assertThat(longer.duration()).isEqualTo(Duration.ofHours(8));
        assertThat(longer).usingRecursiveComparison().ignoringFields("duration").isEqualTo(s);
    }

    private static java.util.Map.Entry<String, Double> entry(String k, double v) {
        return java.util.Map.entry(k, v);
    }

    @Test
    void remoteTargetFieldsLoadWithTheirDefaults() throws Exception {
        Scenario s = ScenarioLoader.parse(Path.of("x.yaml"), CONTRACT_EXAMPLE, List.of());
        assertThat(s.allowedHosts()).isEmpty();
        assertThat(s.targetLimits()).isEqualTo(new TargetLimits(200, 100, 100, 100));
        assertThat(s.target().embedded().limits()).isEqualTo(TargetLimits.supabaseDefaults());
        assertThat(s.target().embedded().joinErrorDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.target().embedded().connectErrorDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.publish().sql()).isNull();
        assertThat(s.publish().event()).isEqualTo("order");
        assertThat(s.channel().isPrivate()).isFalse();
    }

    @Test
    void remoteTargetFieldsAreReadAndValidated() throws Exception {
        Scenario s = ScenarioLoader.parse(Path.of("x.yaml"), CONTRACT_EXAMPLE, List.of(
                "allowedHosts=Realtime.Example.COM", "targetLimits.maxEventsPerSecond=2500",
                "target.embedded.limits.maxChannelsPerClient=60", "target.embedded.joinErrorDelay=50ms",
                "publish.sql=insert into orders(driver_id, notes) values (:driverId::uuid, :probe)",
                "publish.event=new-order", "channel.private=true", "channel.presence.track.status=online"));
        assertThat(s.allowedHosts()).containsExactly("realtime.example.com");
        assertThat(s.targetLimits().maxEventsPerSecond()).isEqualTo(2500);
        assertThat(s.target().embedded().limits().maxChannelsPerClient()).isEqualTo(60);
        assertThat(s.target().embedded().joinErrorDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.publish().event()).isEqualTo("new-order");
        assertThat(s.channel().isPrivate()).isTrue();
        assertThat(s.channel().presence().enabled()).isTrue();
        assertThat(s.channel().presence().track()).containsEntry("status", "online");

        ScenarioException noProbe = error(CONTRACT_EXAMPLE, "publish.sql=insert into orders(notes) values (:seq)");
        assertThat(noProbe.field()).isEqualTo("publish.sql");
        assertThat(noProbe.getMessage()).contains(":probe");
        ScenarioException unknownParam = error(CONTRACT_EXAMPLE, "publish.sql=select :probe, :who");
        assertThat(unknownParam.getMessage()).contains("unknown parameter :who");
        ScenarioException badLimit = error(CONTRACT_EXAMPLE, "targetLimits.maxJoinsPerSecond=0");
        assertThat(badLimit.field()).isEqualTo("targetLimits.maxJoinsPerSecond");
        ScenarioException badHost = error(CONTRACT_EXAMPLE, "allowedHosts=wss://x.example.com/realtime");
        assertThat(badHost.field()).isEqualTo("allowedHosts");
    }

    @Test
    void sqlTemplateKeepsCastsAndLiteralsAndOrdersParameters() {
        SqlTemplate t = SqlTemplate.parse("insert into o(d, n, s) values (:driverId::uuid, :probe, 'a:b''c') -- :seq");
        assertThat(t.jdbcSql()).isEqualTo("insert into o(d, n, s) values (?::uuid, ?, 'a:b''c') -- ?");
        assertThat(t.parameters()).containsExactly("driverId", "probe", "seq");
    }
}
