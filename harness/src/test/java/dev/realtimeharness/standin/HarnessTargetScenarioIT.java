package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness target SCENARIO} from the jar: the stand-in serves the scenario's targetLimits, so a client may join
 * more channels than a default tenant's 100 per client, as the scenario allows.
 */
class HarnessTargetScenarioIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Above Supabase's default maxChannelsPerClient (100), below the scenario's. */
    private static final int CHANNELS = 130;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void targetServesTheScenariosRaisedLimitsSoOneSocketJoinsMoreChannelsThanTheDefaultAllows() throws Exception {
        Path scenario = dir.resolve("wide.yaml");
        Files.writeString(scenario, "name: wide\n"
                + "drivers: 2\n"
                + "channelsPerDriver: " + CHANNELS + "\n"
                + "publish: {via: broadcast, rate: 10/s}\n"
                + "targetLimits: {maxConcurrentUsers: 300, maxEventsPerSecond: 5000, maxJoinsPerSecond: 1000,"
                + " maxChannelsPerClient: 100}\n");
        // --set is applied as run applies it: the limit the target serves is the overridden one.
        try (HarnessTargetProcess target = HarnessTargetProcess.start(List.of(scenario.toString(), "--set",
                "targetLimits.maxChannelsPerClient=150"))) {
            JsonNode info = target.info();
            assertThat(info.path("scenario").asText()).isEqualTo("wide");
            assertThat(info.path("limits").path("maxChannelsPerClient").asInt()).isEqualTo(150);
            assertThat(info.path("limits").path("maxConcurrentUsers").asInt()).isEqualTo(300);
            try (WsTestClient c = WsTestClient.connect(info.get("wsUrl").asText() + "?apikey="
                    + info.get("apikey").asText() + "&vsn=2.0.0")) {
                for (int i = 0; i < CHANNELS; i++) {
                    String ref = String.valueOf(i + 1);
                    c.send("[\"" + ref + "\",\"" + ref + "\",\"realtime:wide-" + i + "\",\"phx_join\","
                            + "{\"config\":{\"broadcast\":{\"self\":false},\"presence\":{\"enabled\":false},"
                            + "\"postgres_changes\":[]}}]");
                }
                int ok = 0;
                for (int i = 0; i < CHANNELS; i++) {
                    JsonNode reply = JSON.readTree(c.nextText());
                    assertThat(reply.get(3).asText()).as("frame %s", reply).isEqualTo("phx_reply");
                    assertThat(reply.get(4).path("status").asText()).as("reply %s", reply).isEqualTo("ok");
                    ok++;
                }
                assertThat(ok).isEqualTo(CHANNELS);
            }
        }
    }
}
