package dev.realtimeharness.results;

import dev.realtimeharness.results.Summary.LatencyStats;
import java.util.Map;

/** A summary like T030's, for tests. */
public final class SummaryFixtures {

    private SummaryFixtures() {
    }

    public static Summary t030(double p99Millis) {
        LatencyStats latency = new LatencyStats(50_000, 0.512, 20.125, 18.003, 40.0, 60.0, p99Millis, 400.0, 512.0);
        LatencyStats small = new LatencyStats(500, 1.0, 2.0, 2.0, 3.0, 3.5, 4.0, 5.0, 6.0);
        return new Summary("20261125-120000-t030-latency", "t030-latency", "embedded", "2026-11-25T12:00:00Z",
                "2026-11-25T12:00:30Z", 10, 50,
                Summary.Connections.of(10, 10, 0, 0),
                new Summary.Channels(500, 498, 2, Map.of("Unauthorized", 2L)),
                new Summary.Messages(1_000, 50_000, 49_999, 1, 3, 0),
                latency, latency, small, small, small,
                new Summary.HarnessStats(123_456_789L, 0.42, 0.123, false),
                new Summary.Errors(0),
                null);
    }
}
