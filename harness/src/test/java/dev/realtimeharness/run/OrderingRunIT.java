package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * outOfOrder end to end: probes in flight together on several JDBC connections commit in another order than their
 * seqs, which Realtime must not be blamed for.
 */
class OrderingRunIT {
    @TempDir
    Path results;

    @Test
    void commitsInterleavedAcrossFourConnectionsAreNotOutOfOrder() throws Exception {
        // One driver, so every probe reaches the same 5 channels. Even seqs sleep 30 ms inside their INSERT, odd ones
        // do not: at 100/s probe 2k+1 (sent 10 ms after 2k) commits, and is delivered, before probe 2k on every
        // channel. A seq-order rule counts each of those as out of order; neither was sent after the other committed.
        String sql = "insert into orders (driver_id, status, notes) select :driverId::uuid, 'pending', :probe"
                + " from pg_sleep(case :seq % 2 when 0 then 0.03 else 0 end)";
        List<String> sets = List.of("drivers=1", "publish.messages=60", "publish.rate=100/s",
                "publish.connections=4", "publish.sql=" + sql, "target.embedded.limits.maxEventsPerSecond=1000");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run run = new Run(new RunOptions(SmokeRunIT.SCENARIOS.resolve("smoke.yaml"), sets, null, results, "order-4",
                null, null, false), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        int exit = ExitCodes.of(run.execute());

        System.out.println(out.toString(StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCodes.PASSED);
        JsonNode m = new ObjectMapper().readTree(results.resolve("order-4").resolve("summary.json").toFile())
                .get("messages");
        assertThat(m.get("delivered").asLong()).isEqualTo(60 * 5);
        assertThat(m.get("outOfOrder").asLong()).isZero();
    }
}
