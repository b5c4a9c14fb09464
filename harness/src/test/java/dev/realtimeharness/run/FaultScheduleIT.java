package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's fault schedule end to end, through the run engine and the embedded target (real PostgreSQL, real logical
 * replication, real sockets): smoke.yaml for 20 s of publishing with a disconnect of half the sockets at 5 s and a
 * 300 ms delay window at 10 s, then half the deliveries malformed for 2 s at 14 s. Each fault is printed and lands in faults.csv at its second, report.html marks both on
 * its latency chart, the closed socket comes back, what its channels missed is lost as channelDown and what the
 * malformed frames carried as inFlight, with every expected delivery accounted for.
 */
class FaultScheduleIT {
    @TempDir
    Path results;

    @Test
    void aDisconnectADelayAndMalformedFramesAreAppliedAtTheirSecondsLoggedMarkedAndAccountedFor() throws Exception {
        String smoke = Files.readString(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"));
        Path scenario = Files.writeString(results.resolve("smoke-faults.yaml"), smoke
                + "target:\n  embedded:\n    faults:\n"
                + "      - {at: 5s, disconnect: 50%}\n"
                + "      - {at: 10s, delay: 300ms, for: 2s}\n"
                + "      - {at: 14s, malformedFrames: 50%, for: 2s}\n");
        // Losses and the delay are what this run is for: the gate keeps its connection and readiness checks only.
        InProcessRun o = InProcessRun.of(scenario, results, "faults", List.of("publish.messages=", "duration=20s",
                "gate.latency.p99=", "gate.messages.lost="), false);

        assertThat(o.exit()).as(o.stdout() + o.stderr()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.stdout()).contains("fault schedule: 3 entries from the start of publishing")
                .contains("fault at 0m05s: disconnect 50% of sockets (1 of 2 closed)")
                .contains("fault at 0m10s: delay deliveries by 300ms for 2s")
                .contains("fault at 0m14s: send 50% of deliveries as malformed frames for 2s");

        List<String> rows = Files.readAllLines(o.dir().resolve("faults.csv"));
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo("elapsedSeconds,time,epochMillis,fault,value,forSeconds,description,outcome");
        String[] disconnect = rows.get(1).split(",");
        String[] delay = rows.get(2).split(",");
        assertThat(disconnect[3]).isEqualTo("\"disconnect\"");
        assertThat(Double.parseDouble(disconnect[0])).isBetween(4.0, 6.0);
        assertThat(rows.get(1)).endsWith("\"1 of 2 closed\"");
        assertThat(delay[3]).isEqualTo("\"delay\"");
        assertThat(delay[4]).isEqualTo("\"300ms\"");
        assertThat(Double.parseDouble(delay[0])).isBetween(9.0, 11.0);
        assertThat(Double.parseDouble(delay[5])).isEqualTo(2.0);
        assertThat(rows.get(3)).contains("\"malformedFrames\",\"50%\",2.000");
        assertThat(Double.parseDouble(rows.get(3).split(",")[0])).isBetween(13.0, 15.0);

        String report = Files.readString(o.dir().resolve("report.html"));
        String latencyChart = report.substring(report.indexOf("<h2>Latency over time</h2>"),
                report.indexOf("<h2>Percentile distribution</h2>"));
        assertThat(Pattern.compile("class=\"fault-marker\"").matcher(latencyChart).results().count()).isEqualTo(3);
        assertThat(latencyChart).contains(">disconnect 50%</text>").contains(">delay 300ms for 2s</text>");

        // The closed socket came back and its channels rejoined: the run ends with both connections open.
        JsonNode s = o.summary();
        assertThat(s.get("connections").get("reconnects").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("channels").get("rejoined").asLong()).isGreaterThanOrEqualTo(5);
        List<String> timeline = Files.readAllLines(o.dir().resolve("timeline.csv"));
        int open = List.of(timeline.get(0).split(",")).indexOf("connectionsOpen");
        assertThat(timeline.get(timeline.size() - 1).split(",")[open]).isEqualTo("2");

        // What the closed socket's channels were owed while down is lost as channelDown; nothing is unexplained.
        JsonNode m = s.get("messages");
        assertThat(m.get("lostByReason").get("channelDown").asLong()).isPositive();
        assertThat(m.get("delivered").asLong() + m.get("lost").asLong()).isEqualTo(m.get("expectedDeliveries").asLong());
        // Half the deliveries of the malformed window arrived as text that is not JSON: counted as protocol errors,
        // their probes lost in flight (never seen), not lost silently.
        assertThat(s.get("errors").get("protocol").asLong()).isPositive();
        assertThat(m.get("lostByReason").get("inFlight").asLong()).isPositive();
        // The delay window's deliveries waited its 300 ms: the run's worst latency shows it.
        assertThat(s.get("latency").get("max").asDouble()).isGreaterThanOrEqualTo(300);
        assertThat(Files.readString(o.dir().resolve("run.json"))).contains("\"faults\"").contains("\"disconnect\" : \"50%\"");
    }
}
