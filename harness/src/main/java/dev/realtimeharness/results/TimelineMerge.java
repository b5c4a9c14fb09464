package dev.realtimeharness.results;

import dev.realtimeharness.metrics.TimelineWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shards' {@code timeline.csv}s as one: each shard's rows placed on the wall clock (its start plus the row's
 * elapsed second), then one row per wall-clock second from the earliest shard's start. Counts (connections open,
 * channels joined, published, delivered, lost so far, errors) are added, each shard contributing its latest row at
 * or before that second (nothing before its first row); the harness's own heap and CPU, PostgreSQL's memory and the
 * slot lag are the highest of the shards (they describe machines, not load); p50/p99 are those of the merged
 * pub-to-recv histogram of the second (exact, from the merged hlog), not an average of the shards'.
 */
final class TimelineMerge {
    private static final String[] SUMMED = {"connectionsOpen", "channelsJoined", "published", "delivered", "lost",
        "errors"};
    private static final String[] HIGHEST = {"heapUsedBytes", "cpuRatio", "pgRssBytes", "slotLagBytes",
        "slotLagSeconds"};

    private TimelineMerge() {
    }

    /** One shard's timeline and the wall-clock second its elapsed seconds count from. */
    record Part(Path csv, long startSecond) {
    }

    static void merge(List<Part> parts, long startSecond, Map<Long, double[]> pubToRecvBySecond, Path out)
            throws IOException {
        List<ReportWriter.Timeline> timelines = new ArrayList<>();
        List<double[]> seconds = new ArrayList<>();
        long last = startSecond;
        for (Part p : parts) {
            ReportWriter.Timeline t = ReportWriter.Timeline.read(p.csv());
            timelines.add(t);
            double[] secs = t.seconds();
            seconds.add(secs);
            if (secs.length > 0 && !Double.isNaN(secs[secs.length - 1])) {
                last = Math.max(last, p.startSecond() + (long) secs[secs.length - 1]);
            }
        }
        int[] cursor = new int[parts.size()];
        try (TimelineWriter writer = new TimelineWriter(out)) {
            for (long wall = startSecond + 1; wall <= last; wall++) {
                double[] sum = new double[SUMMED.length];
                double[] high = new double[HIGHEST.length];
                java.util.Arrays.fill(high, Double.NaN);
                boolean any = false;
                for (int i = 0; i < parts.size(); i++) {
                    ReportWriter.Timeline t = timelines.get(i);
                    double[] secs = seconds.get(i);
                    while (cursor[i] < secs.length && parts.get(i).startSecond() + (long) secs[cursor[i]] <= wall) {
                        cursor[i]++;
                    }
                    if (cursor[i] == 0) {
                        continue; // this shard has no row yet
                    }
                    any = true;
                    double[] row = t.rows().get(cursor[i] - 1);
                    for (int c = 0; c < SUMMED.length; c++) {
                        sum[c] += cell(t, row, SUMMED[c], 0);
                    }
                    for (int c = 0; c < HIGHEST.length; c++) {
                        double v = cell(t, row, HIGHEST[c], Double.NaN);
                        if (!Double.isNaN(v) && (Double.isNaN(high[c]) || v > high[c])) {
                            high[c] = v;
                        }
                    }
                }
                if (!any) {
                    continue;
                }
                // Row "elapsed e" closes the second that began at e - 1: the merged interval that starts there.
                double[] p = pubToRecvBySecond.get(wall - 1);
                writer.write(new TimelineWriter.Row(wall - startSecond, (long) sum[0], (long) sum[1], (long) sum[2],
                        (long) sum[3], (long) sum[4], p == null ? Double.NaN : p[0], p == null ? Double.NaN : p[1],
                        (long) sum[5], Double.isNaN(high[0]) ? 0 : (long) high[0], high[1],
                        Double.isNaN(high[2]) ? -1 : (long) high[2], Double.isNaN(high[3]) ? -1 : (long) high[3],
                        high[4]));
            }
        }
    }

    private static double cell(ReportWriter.Timeline t, double[] row, String column, double absent) {
        int i = t.header().indexOf(column);
        return i < 0 || Double.isNaN(row[i]) ? absent : row[i];
    }
}
