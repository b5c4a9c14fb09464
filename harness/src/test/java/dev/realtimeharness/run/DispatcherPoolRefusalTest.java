package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broadcast scenario whose publish.connections cannot hold its topics at the target's maxChannelsPerClient is bad
 * input: refused at the pre-flight check, before the target starts, with exit 2 and the file, line and field.
 */
class DispatcherPoolRefusalTest {

    @TempDir
    Path results;

    @Test
    void tooFewDispatcherSocketsForTheTopicsAreRefusedWithTheFileLineAndField() throws Exception {
        // 200 topics at 60 a socket need 4; the file says 3 on line 10.
        Path file = Files.writeString(results.resolve("pool.yaml"), DispatcherPoolIT.scenario(60, "3"));
        assertThat(Files.readAllLines(file).get(9)).isEqualTo("  connections: 3");
        InProcessRun o = InProcessRun.of(file, results, "refused", List.of(), true);

        assertThat(o.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(o.stderr()).contains(file + ":10: field 'publish.connections': 3 dispatcher sockets of at most 60"
                + " channels each (maxChannelsPerClient of target.embedded.limits) cannot join the 200 distinct"
                + " topics the broadcast publisher sends to; give at least 4");
        assertThat(o.summary()).as("nothing ran").isNull();
        assertThat(o.stdout()).doesNotContain("starting the embedded target");
    }

    @Test
    void aCountFromSetIsNamedAsTheSetItCameFrom() throws Exception {
        Path file = Files.writeString(results.resolve("pool.yaml"), DispatcherPoolIT.scenario(60, "5"));
        InProcessRun o = InProcessRun.of(file, results, "refused-set", List.of("publish.connections=1"), true);

        assertThat(o.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(o.stderr()).contains(file + ": --set publish.connections=1: field 'publish.connections': 1"
                + " dispatcher socket of at most 60 channels each");
    }
}
