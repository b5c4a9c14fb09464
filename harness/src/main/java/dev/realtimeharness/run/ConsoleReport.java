package dev.realtimeharness.run;

import dev.realtimeharness.gate.Verdict;
import dev.realtimeharness.results.RunDirectory;
import dev.realtimeharness.results.Summary;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import java.io.PrintStream;

/** The report a run prints when it ends: counts, the latency table, the harness's own health, the verdict. */
final class ConsoleReport {
    static final String INSECURE_WARNING = "WARNING: --insecure: the target's TLS certificate and host name were NOT"
            + " verified; do not use this against production";

    private ConsoleReport() {
    }

    static void print(PrintStream out, Summary s, Verdict verdict, long publishFailures, RunDirectory dir,
            boolean insecure, RunListener listener, String cdcNotice) {
        out.println();
        if (insecure) {
            out.println(INSECURE_WARNING);
        }
        if (cdcNotice != null) {
            // Next to the figures it qualifies: what the embedded target's latency stands for.
            out.println("NOTE: " + cdcNotice);
        }
        out.printf("connections  %d/%d succeeded (%.2f%%), %d reconnects%n", s.connections().succeeded(),
                s.connections().attempted(), 100 * s.connections().successRatio(), s.connections().reconnects());
        out.printf("channels     %d joined of %d attempts, %d failed %s%n", s.channels().joined(),
                s.channels().attempted(), s.channels().failed(),
                s.channels().failureReasons().isEmpty() ? "" : s.channels().failureReasons());
        Summary.Channels c = s.channels();
        if (c.ready() != null) {
            out.printf("             %d of %d ready (%.2f%%), %d never ready, %d closed by the server, %d rejoined%n",
                    c.ready(), s.subscriptions(), 100 * c.readyRatio(), orZero(c.neverReady()),
                    orZero(c.closedByServer()), orZero(c.rejoined()));
        }
        if (c.peakJoinsPerSecond() != null) {
            out.printf("             peak %d joins/s, %d rejoins/s (phx_join sent in the busiest second)%n",
                    c.peakJoinsPerSecond(), orZero(c.peakRejoinsPerSecond()));
        }
        out.printf("messages     published %d, expected %d, delivered %d, lost %d, duplicated %d, out of order %d%n",
                s.messages().published(), s.messages().expectedDeliveries(), s.messages().delivered(),
                s.messages().lost(), s.messages().duplicated(), s.messages().outOfOrder());
        Summary.Messages.LostByReason by = s.messages().lostByReason();
        if (by != null && s.messages().lost() > 0) {
            out.printf("             lost: %d in flight, %d channel down, %d never ready, %d publish failed%n",
                    by.inFlight(), by.channelDown(), by.neverReady(), by.publishFailed());
        }
        long late = orZero(s.messages().late());
        long unexpected = orZero(s.messages().unexpected());
        long otherChanges = orZero(s.messages().otherChanges());
        if (late + unexpected + otherChanges > 0) {
            out.printf("             %d late (after being counted lost), %d unexpected, %d other changes on probe rows%n",
                    late, unexpected, otherChanges);
        }
        if (s.warmup() != null) {
            out.printf("warm-up      %.1f s before t0, not in the verdict: %d probes, expected %d, delivered %d, lost %d%n",
                    s.warmup().seconds(), s.warmup().published(), s.warmup().expectedDeliveries(),
                    s.warmup().delivered(), s.warmup().lost());
        }
        if (publishFailures > 0) {
            out.printf("publish      %d probes failed to publish (their deliveries count as lost)%n", publishFailures);
        }
        out.println("latency (ms)      count      min      p50      p90      p95      p99     p999      max     mean");
        row(out, "pub-to-recv", s.latency());
        row(out, "pub-to-recv-raw", s.latencyRaw());
        row(out, "join", s.joinLatency());
        row(out, "ready", s.readyLatency());
        row(out, "connect", s.connectLatency());
        if (s.publisher() != null && s.publisher().lag() != null) {
            // The publisher's own lag behind the schedule: a due-time latency includes it.
            row(out, "publish-lag", s.publisher().lag());
        }
        if (s.warmup() != null) { // before t0, not in the verdict
            row(out, "warm-up", s.warmup().latency());
        }
        Summary.HarnessStats h = s.harness();
        out.printf("harness      heap max %d MiB, cpu max %.0f%%, hiccup p99 %.3f ms%s%s%n",
                h.heapMaxBytes() >> 20, 100 * h.cpuMaxRatio(), h.hiccupP99(),
                h.hiccupMax() == null ? "" : String.format(" (max %.3f ms)", h.hiccupMax()),
                h.threadCpuMaxName() == null ? "" : String.format(", busiest thread %s %.0f%% of a core",
                        h.threadCpuMaxName(), 100 * h.threadCpuMaxRatio()));
        if (h.eventLoopLagP99() != null || h.heapSlopeMiBPerHour() != null) {
            out.printf("            %s%s%n",
                    h.eventLoopLagP99() == null ? "" : String.format(" event-loop lag p99 %.3f ms (max %.3f ms)",
                            h.eventLoopLagP99(), h.eventLoopLagMax()),
                    h.heapSlopeMiBPerHour() == null ? "" : String.format(" heap after GC %+.1f MiB/hour",
                            h.heapSlopeMiBPerHour()));
        }
        if (h.saturated()) {
            out.printf("             WARNING: the harness was saturated%s; latencies include its own delay%n",
                    h.saturatedReason().isEmpty() ? "" : " (" + h.saturatedReason() + ")");
        }
        if (s.memory() != null && s.memory().postgresRssMaxBytes() >= 0) {
            out.printf("memory       harness heap max %d MiB (the embedded stand-in included), PostgreSQL RSS max %d MiB%n",
                    s.memory().harnessHeapMaxBytes() >> 20, s.memory().postgresRssMaxBytes() >> 20);
        }
        dev.realtimeharness.results.CaptureStats cap = s.capture();
        if (cap != null) {
            out.printf("capture      slot lag max %s, %.3f s; %d reconnects after losing PostgreSQL%s%n",
                    cap.slotLagBytesMax() < 0 ? "unknown" : cap.slotLagBytesMax() + " bytes", cap.slotLagSecondsMax(),
                    cap.reconnects(), cap.failure() == null ? "" : "; FAILED: " + cap.failure());
        }
        if (listener != null && listener.foreignProbes.sum() > 0) {
            // Rows or broadcasts of another run (or another tool) on the same table and topics: not this run's.
            out.printf("foreign      %d probes of other runs received (ignored; another load on the same target?)%n",
                    listener.foreignProbes.sum());
        }
        if (listener != null && listener.presenceStates.sum() + listener.presenceDiffs.sum() > 0) {
            out.printf("presence     %d presence_state and %d presence_diff received%n", listener.presenceStates.sum(),
                    listener.presenceDiffs.sum());
        }
        if (listener != null && listener.systemErrors.sum() > 0) {
            out.printf("system       %d system error messages (see harness.log)%n", listener.systemErrors.sum());
        }
        if (s.errors().protocol() > 0) {
            out.printf("errors       %d unparseable frames (see harness.log)%n", s.errors().protocol());
        }
        if (s.windows() != null) {
            long failed = s.windows().stream().filter(w -> !w.passed()).count();
            out.printf("windows      %d judged, %d failed%n", s.windows().size(), failed);
            s.windows().stream().filter(w -> !w.passed()).limit(10)
                    .forEach(w -> out.println("  FAIL " + w.describeFailure()));
        }
        if (s.stoppedEarly() != null) {
            out.printf("stopped      early, after %d s of publishing (gate.abortOnFail): %s%n",
                    s.stoppedEarly().elapsedSeconds(), s.stoppedEarly().line());
        }
        out.println();
        out.println("gate: " + verdict.label());
        out.println(verdict.describe());
        out.println("results: " + dir.path());
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static void row(PrintStream out, String name, Summary.LatencyStats l) {
        out.printf("%-15s %7d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%n", name, l.count(), l.min(), l.p50(),
                l.p90(), l.p95(), l.p99(), l.p999(), l.max(), l.mean());
    }


    /** How the publisher's pool was sized when publish.connections did not say: what the "publisher:" line adds. */
    static String sizedBy(Scenario s) {
        if (s.publish().connections() != null) {
            return "";
        }
        return s.publish().via() == PublishVia.BROADCAST
                ? " (the fewest dispatcher sockets that hold every topic at the target's maxChannelsPerClient)"
                : " (sized from the rate and the round trip)";
    }
}
