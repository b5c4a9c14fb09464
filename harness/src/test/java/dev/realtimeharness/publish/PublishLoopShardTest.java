package dev.realtimeharness.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PublishLoopShardTest {

    // Every probe already due (t0 in the past), so the loop never waits; the window is [t0, t0 + window).
    private static final long T0 = System.nanoTime() - 3_600_000_000_000L;

    private static List<Probe> publish(double rate, long windowNanos, long maxMessages, int drivers, int shard,
            int shards) {
        List<Probe> sent = new ArrayList<>();
        long t0 = T0;
        Publisher publisher = new Publisher() {
            @Override
            public void send(Probe probe, Outcome outcome) {
                sent.add(probe);
            }

            @Override
            public String via() {
                return "test";
            }

            @Override
            public void close() {
            }
        };
        Publisher.Outcome ignore = new Publisher.Outcome() {
            @Override
            public void sent(Probe probe, long sendNanos) {
            }

            @Override
            public void failed(Probe probe, String reason) {
            }
        };
        new PublishLoop(new OpenModelSchedule(t0, rate), maxMessages, t0 + windowNanos, drivers, shard, shards,
                "run:" + shard, probe -> true, publisher, ignore).run();
        return sent;
    }

    @Test
    void theShardsTogetherPublishExactlyTheUnshardedRunsProbesAtTheSameOffsets() {
        // T031: 20/s for 300 s to 50 drivers, in 3 shards of 17, 17 and 16 drivers.
        for (long maxMessages : new long[] {Long.MAX_VALUE, 1003}) {
            List<Probe> whole = publish(20, 300_000_000_000L, maxMessages, 50, 0, 1);
            TreeMap<Long, Long> union = new TreeMap<>();
            int total = 0;
            for (int k = 0; k < 3; k++) {
                for (Probe p : publish(20, 300_000_000_000L, maxMessages, 50, k, 3)) {
                    int global = k + p.driver() * 3; // the shard's local driver back to the whole run's
                    assertThat(global).isEqualTo((int) (p.seq() % 50));
                    assertThat(global % 3).isEqualTo(k);
                    union.put(p.seq(), p.dueNanos());
                    total++;
                }
            }
            assertThat(total).isEqualTo(union.size()); // no probe published by two shards
            assertThat(union.keySet()).containsExactlyElementsOf(whole.stream().map(Probe::seq).toList());
            assertThat(whole).hasSize(maxMessages == 1003 ? 1003 : 6000);
            for (Probe p : whole) {
                assertThat(union.get(p.seq())).isEqualTo(p.dueNanos());
            }
        }
    }

    @Test
    void aShardsProbeIdsCarryTheShardAndTheWholeRunsSeq() {
        List<Probe> probes = publish(10, 2_000_000_000L, Long.MAX_VALUE, 4, 1, 2);
        // 20 probes in the window to drivers seq mod 4; shard 1 of 2 owns drivers 1 and 3 (local 0 and 1).
        assertThat(probes).extracting(Probe::seq).containsExactly(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L);
        assertThat(probes).extracting(Probe::driver).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
        assertThat(probes.get(2).id()).isEqualTo(Probe.id("run:1", 5));
    }
}
