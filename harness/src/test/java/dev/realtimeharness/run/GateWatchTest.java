package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Gate;
import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.metrics.LatencyRecorders;
import dev.realtimeharness.metrics.Metric;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.results.SummaryFixtures;
import dev.realtimeharness.scenario.GatePolicy;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows judged on a synthetic run of six seconds (windows of 2 s, drainTimeout 1 s): one bad second of latency and
 * one lost delivery fall in the second window, which alone fails; each window is judged only once its probes'
 * deliveries are decided (drainTimeout plus a second after its end); abortOnFail on windows.failed stops then.
 */
class GateWatchTest {
    static final long S = 1_000_000_000L;
    static final long T0 = 5_000 * S;

    @TempDir
    Path dir;

    Scenario scenario(String gate) throws Exception {
        Path file = dir.resolve("w.yaml");
        Files.writeString(file, "name: w\nchannel:\n  postgresChanges:\n"
                + "    - {event: INSERT, schema: public, table: orders, filter: \"driver_id=eq.{driverId}\"}\n"
                + "publish:\n  rate: 1/s\ndrainTimeout: 1s\ngate:\n" + gate);
        return ScenarioLoader.load(file, List.of());
    }

    static LatencyRecorders.Interval interval(long millis, int samples) {
        Histogram h = LatencyRecorders.newHistogram();
        h.recordValueWithCount(millis * 1000, samples);
        return new LatencyRecorders.Interval(Map.of(Metric.PUB_TO_RECV, h));
    }

    // Second k: probe k due at its start, owed to 2 subscriptions, delivered to both but probe 3 to subscription 1;
    // its latency interval is 5 ms, second 2's is 500 ms. Returns the windows judged at each second's end.
    List<List<Summary.Window>> drive(GateWatch watch, ProbeLedger ledger) {
        watch.publishingStarts(ledger, T0);
        List<List<Summary.Window>> judged = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            long due = T0 + k * S + S / 10;
            ledger.register(k, due, new int[] {0, 1});
            ledger.markSent(k, due);
            ledger.recordDelivery(k, 0, due + 5_000_000);
            if (k != 3) {
                ledger.recordDelivery(k, 1, due + 5_000_000);
            }
            long now = T0 + (k + 1) * S;
            ledger.expireOlderThan(now - S);
            judged.add(watch.tick(interval(k == 2 ? 500 : 5, 10), now, null));
        }
        return judged;
    }

    @Test
    void onlyTheWindowWithTheBadSecondAndTheLostDeliveryFails() throws Exception {
        GateWatch watch = new GateWatch(scenario("  latency.p99: 100ms\n  messages.lost: 0\n  window: 2s\n"),
                Instant.parse("2026-12-01T12:00:00Z"), T0);
        ProbeLedger ledger = new ProbeLedger(2);
        List<List<Summary.Window>> judged = drive(watch, ledger);

        // Window 0 ends at 2 s and is decided 2 s later (drainTimeout 1 s + 1 s): judged at the end of second 4.
        assertThat(judged.subList(0, 3)).allMatch(List::isEmpty);
        assertThat(judged.get(3)).hasSize(1);
        assertThat(judged.get(3).get(0).passed()).isTrue();
        assertThat(judged.get(3).get(0).start()).isEqualTo("2026-12-01T12:00:00Z");
        // Window 1 ends at 4 s: judged at the end of second 6.
        assertThat(judged.get(5)).hasSize(1);
        Summary.Window bad = judged.get(5).get(0);
        assertThat(bad.passed()).isFalse();
        assertThat(bad.start()).isEqualTo("2026-12-01T12:00:02Z");
        assertThat(bad.checks()).extracting(Check::name, Check::passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("latency.p99", false),
                        org.assertj.core.groups.Tuple.tuple("messages.lost", false));
        assertThat(bad.checks().get(1).actual()).isEqualTo(1.0);
        // What the loss was judged on is kept with the window (harness merge adds the shards' windows from it):
        // probes 2 and 3 due in it, owed to 2 subscriptions each, probe 3's second delivery lost in flight.
        assertThat(bad.loss().expected()).isEqualTo(4);
        assertThat(bad.loss().lostByReason()).isEqualTo(new Summary.Messages.LostByReason(1, 0, 0, 0));
        assertThat(judged.get(3).get(0).loss().lost()).isZero();
        assertThat(bad.describeFailure()).startsWith("12:00:02-12:00:04Z")
                .contains("latency.p99").contains("messages.lost: 1 > 0");

        Summary.Window last = watch.finish(SummaryFixtures.t030(5), T0 + 8 * S).windows().get(2);
        assertThat(last.passed()).isTrue();
        assertThat(watch.stopping()).as("no abortOnFail").isFalse();
        assertThat(ledger.lost()).isEqualTo(1);
    }

    @Test
    void abortOnWindowsFailedStopsOnceTheFailedWindowIsDecided() throws Exception {
        GateWatch watch = new GateWatch(scenario("  latency.p99: 100ms\n  window: 2s\n  abortOnFail: true\n"),
                Instant.now(), T0);
        List<List<Summary.Window>> judged = drive(watch, new ProbeLedger(2));
        assertThat(judged.get(5).get(0).passed()).isFalse();
        assertThat(watch.stopping()).isTrue();
        assertThat(watch.stopped().check()).isEqualTo("windows.failed");
        assertThat(watch.stopped().elapsedSeconds()).isEqualTo(6);
        assertThat(watch.stopped().line()).startsWith("FAIL windows.failed: 1 > 0 failed windows");

        // The whole-run figures pass (p99 5 ms), one window failed: the verdict fails on windows.failed, which says
        // that it stopped the run.
        Summary end = watch.finish(SummaryFixtures.t030(5), T0 + 8 * S);
        assertThat(end.stoppedEarly().check()).isEqualTo("windows.failed");
        Verdict v = watch.verdict(Gate.evaluate(Map.of("latency.p99", 100.0),
                new GatePolicy(Duration.ofSeconds(2), 0, Set.of(GatePolicy.ALL)), end));
        assertThat(v.passed()).isFalse();
        assertThat(v.failures()).extracting(Check::name).containsExactly("windows.failed");
        assertThat(v.failures().get(0).describe()).startsWith("FAIL windows.failed: 1 > 0 failed windows")
                .endsWith("stopped the run after 6 s of publishing)");
    }

    @Test
    void aWindowedGateThatJudgedNothingCannotPass() throws Exception {
        GateWatch watch = new GateWatch(scenario("  latency.p99: 100ms\n  window: 2s\n"), Instant.now(), T0);
        // Publishing never started: no window was judged.
        Summary end = watch.finish(SummaryFixtures.t030(5), T0 + 8 * S);
        assertThat(end.windows()).isEmpty();
        Verdict v = Gate.evaluate(Map.of("latency.p99", 100.0),
                new GatePolicy(Duration.ofMinutes(1), 0, Set.of()), end);
        assertThat(v.passed()).isFalse();
        assertThat(v.failures().get(0).describe()).isEqualTo("FAIL windows.failed: no window was judged");
    }
}
