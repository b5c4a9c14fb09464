package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.client.DriverSpecs;
import dev.realtimeharness.publish.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {
    private static final Path SMOKE = Path.of(System.getProperty("scenarios.dir", "../scenarios"), "smoke.yaml");

    @Test
    void parsesKOfNAndAutoFromTheJobCompletionIndex() {
        assertThat(Shard.parse("0/3", null)).containsExactly(0, 3);
        assertThat(Shard.parse("2/3", "0")).containsExactly(2, 3);
        assertThat(Shard.parse("auto/4", "3")).containsExactly(3, 4);
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("3/3", null)).withMessageContaining("0 <= K < N");
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("auto/3", null))
                .withMessageContaining("JOB_COMPLETION_INDEX");
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("auto/3", "5")).withMessageContaining("5/3");
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("1", null)).withMessageContaining("K/N");
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("a/3", null)).withMessageContaining("K must");
        assertThatIllegalArgumentException().isThrownBy(() -> Shard.parse("0/0", null)).withMessageContaining("N >= 1");
    }

    @Test
    void theShardsPartitionTheDriversAndTheirProbesAndTheRateAddsUp() {
        for (int drivers : new int[] {1, 2, 7, 50}) {
            for (int n = 1; n <= Math.min(drivers, 5); n++) {
                int total = 0;
                long messages = 0;
                for (int k = 0; k < n; k++) {
                    total += Shard.driversOf(drivers, k, n);
                    messages += Shard.messagesOf(1003, drivers, k, n);
                }
                assertThat(total).as("%d drivers / %d", drivers, n).isEqualTo(drivers);
                assertThat(messages).as("%d drivers / %d", drivers, n).isEqualTo(1003);
                // The probes a shard publishes are exactly those the whole run sends to its drivers.
                for (int k = 0; k < n; k++) {
                    int kk = k;
                    int nn = n;
                    long owned = java.util.stream.LongStream.range(0, 1003)
                            .filter(seq -> (int) (seq % drivers) % nn == kk).count();
                    assertThat(Shard.messagesOf(1003, drivers, k, n)).isEqualTo(owned);
                }
            }
        }
    }

    @Test
    void aShardScenarioRunsItsDriversUnderTheirWholeRunIdsTopicsAndFilters() throws Exception {
        Scenario whole = ScenarioLoader.load(SMOKE, List.of("drivers=7", "publish.messages=70", "publish.rate=14/s"));
        double rate = 0;
        long messages = 0;
        Set<String> topics = new HashSet<>();
        List<String> filters = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Scenario s = whole.shard(k, 3);
            assertThat(s.whole()).isSameAs(whole);
            assertThat(s.drivers()).isEqualTo(k == 0 ? 3 : 2);
            rate += s.publish().rate().perSecond();
            messages += s.publish().messages();
            List<DriverSpec> specs = DriverSpecs.of(s, "token");
            for (int d = 0; d < specs.size(); d++) {
                int g = k + 3 * d;
                assertThat(s.globalDriver(d)).isEqualTo(g);
                for (ChannelSpec c : specs.get(d).channels()) {
                    // Subscriptions are the shard's own, counted from 0; topics and filters the whole run's.
                    assertThat(c.subscription()).isBetween(d * 5, d * 5 + 4);
                    assertThat(c.topic()).startsWith("realtime:driver-orders:" + g + ":");
                    assertThat(topics.add(c.topic())).isTrue();
                    filters.add(c.join().postgresChanges().get(0).filter());
                }
            }
        }
        assertThat(rate).isCloseTo(14.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(messages).isEqualTo(70);
        List<String> unsharded = new ArrayList<>();
        for (DriverSpec d : DriverSpecs.of(whole, "token")) {
            for (ChannelSpec c : d.channels()) {
                assertThat(topics).contains(c.topic());
                unsharded.add(c.join().postgresChanges().get(0).filter());
            }
        }
        assertThat(filters).containsExactlyInAnyOrderElementsOf(unsharded);
        assertThat(topics).hasSize(35);
    }

    @Test
    void aShardWithoutDriversIsRefused() throws Exception {
        Scenario whole = ScenarioLoader.load(SMOKE, List.of());
        assertThatIllegalArgumentException().isThrownBy(() -> whole.shard(2, 3)).withMessageContaining("no drivers");
    }

    @Test
    void probeIdsCarryTheShardAndNoShardReadsAnothersProbe() throws Exception {
        Scenario whole = ScenarioLoader.load(SMOKE, List.of());
        String one = Probe.runPart("run", whole.shard(1, 2));
        String zero = Probe.runPart("run", whole.shard(0, 2));
        assertThat(Probe.id(one, 12)).isEqualTo("run:1:12");
        assertThat(Probe.parseSeq(one, "run:1:12")).isEqualTo(12);
        assertThat(Probe.parseSeq(zero, "run:1:12")).isEqualTo(-1);
        assertThat(Probe.parseSeq("run", "run:1:12")).isEqualTo(-1);
        assertThat(Probe.parseSeq(one, "run:12")).isEqualTo(-1);
        assertThat(Probe.runPart("run", whole)).isEqualTo("run");
    }
}
