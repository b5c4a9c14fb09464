package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcast publisher's dispatcher pool end to end, on an embedded target of its own (real PostgreSQL, the
 * stand-in over real sockets, which refuses a join beyond maxChannelsPerClient on a socket): 20 drivers x 10
 * channels, 200 distinct topics, packed onto the pool's sockets, and every probe delivered to each of its driver's 10
 * channels.
 */
class DispatcherPoolIT {
    static final int DRIVERS = 20;
    static final int CHANNELS = 10;
    static final int MESSAGES = 60;

    @TempDir
    Path results;

    static String scenario(int maxChannelsPerClient, String connections) {
        return "name: pool\n"
                + "drivers: " + DRIVERS + "\n"
                + "channelsPerDriver: " + CHANNELS + "\n"
                + "channel:\n"
                + "  topic: \"driver-orders:{driver}:{channel}\"\n"
                + "publish:\n"
                + "  via: broadcast\n"
                + "  messages: " + MESSAGES + "\n"
                + "  rate: 30/s\n"
                + (connections == null ? "" : "  connections: " + connections + "\n")
                + "ramp: {connectRate: 100/s, joinRate: 1000/s}\n"
                + "duration: 30s\n"
                + "drainTimeout: 5s\n"
                + "warmup: 0s\n"
                + "target:\n"
                + "  embedded:\n"
                + "    limits: {maxConcurrentUsers: 1000, maxEventsPerSecond: 1000000, maxJoinsPerSecond: 100000,"
                + " maxChannelsPerClient: " + maxChannelsPerClient + "}\n"
                + "gate:\n"
                + "  messages.lost: 0\n"
                + "  channels.readyRatio: 1\n";
    }

    InProcessRun run(String id, String yaml) throws Exception {
        Path file = Files.writeString(results.resolve(id + ".yaml"), yaml);
        return InProcessRun.of(file, results, id, List.of(), false);
    }

    static void assertEveryProbeReachedEveryChannel(InProcessRun o) {
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = o.summary().get("messages");
        assertThat(m.get("published").asLong()).isEqualTo(MESSAGES);
        // Each probe goes to the 10 channels of its driver; with none duplicated or unexpected, every channel got it.
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo((long) MESSAGES * CHANNELS);
        assertThat(m.get("delivered").asLong()).isEqualTo((long) MESSAGES * CHANNELS);
        assertThat(m.get("lost").asLong()).isZero();
        assertThat(m.get("duplicated").asLong()).isZero();
        assertThat(m.get("unexpected").asLong()).isZero();
        assertThat(m.get("outOfOrder").asLong()).isZero();
        assertThat(o.summary().get("publisher").get("failed").asLong()).isZero();
        // The pool is not counted among the drivers: their 20 connections and 200 channels only.
        assertThat(o.summary().get("connections").get("succeeded").asLong()).isEqualTo(DRIVERS);
        assertThat(o.summary().get("channels").get("ready").asLong()).isEqualTo((long) DRIVERS * CHANNELS);
    }

    @Test
    void twoDispatcherSocketsCarryTheProbesOfTwentyDrivers() throws Exception {
        InProcessRun o = run("pool-2", scenario(100, "2"));
        assertEveryProbeReachedEveryChannel(o);
        assertThat(o.summary().get("publisher").get("connections").asInt()).isEqualTo(2);
        assertThat(o.stdout()).contains("publisher: broadcast over 2 connections\n");
    }

    @Test
    void withoutPublishConnectionsThePoolIsTheFewestSocketsThatHoldTheTopicsAtTheTargetsLimit() throws Exception {
        // 200 topics at 60 channels a socket (the stand-in refuses the 61st join on one): 4 sockets.
        InProcessRun o = run("pool-default", scenario(60, null));
        assertEveryProbeReachedEveryChannel(o);
        assertThat(o.summary().get("publisher").get("connections").asInt()).isEqualTo(4);
        assertThat(o.stdout()).contains("publisher: broadcast over 4 connections (the fewest dispatcher sockets");
        // The pre-flight counted them as users: 20 drivers + 4.
        assertThat(o.stdout()).contains("20 drivers + 4 dispatcher sockets");
    }

    @Test
    void driversSplitOverTwoSocketsGetEachProbeFromBoth() throws Exception {
        // 15 channels a socket: 200 topics need 14 sockets, and some drivers' 10 topics straddle two of them (see
        // DispatchPlanTest), so their probes go out on both sockets and are reported sent on no single lane.
        InProcessRun o = run("pool-split", scenario(15, null));
        assertEveryProbeReachedEveryChannel(o);
        assertThat(o.summary().get("publisher").get("connections").asInt()).isEqualTo(14);
    }
}
