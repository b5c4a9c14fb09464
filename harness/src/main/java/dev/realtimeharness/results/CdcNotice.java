package dev.realtimeharness.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.scenario.CdcConfig;
import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.EmbeddedConfig;

/**
 * What an embedded run's latency stands for, said on the console and in report.html: with {@code cdc: stream} a
 * floor of the harness's own measurement, with {@code cdc: poll} a rehearsal of Supabase's poller.
 */
public final class CdcNotice {
    static final String FLOOR = "embedded target, cdc: stream: the stand-in streams each change as it commits, so"
            + " postgres_changes latency here is the FLOOR of the harness's own measurement, not a prediction of"
            + " Supabase's; the real server polls its slot (100 ms, 500 ms when idle, 100 changes a poll). To rehearse"
            + " it: --set target.embedded.cdc=poll";

    private CdcNotice() {
    }

    /** The notice for an embedded run with these settings. */
    public static String of(EmbeddedConfig e) {
        CdcConfig c = e.cdc();
        if (!c.polling()) {
            return FLOOR;
        }
        return "embedded target, cdc: poll: changes are read the way Supabase's poller reads them (interval "
                + Durations.format(c.interval()) + ", " + Durations.format(c.idleInterval()) + " when the slot was"
                + " empty, at most " + c.maxChanges() + " changes a poll, subscribed "
                + Durations.format(c.subscribeDelay()) + " after the join): a rehearsal of a real project's"
                + " postgres_changes latency";
    }

    /**
     * The notice for a finished run from its run.json; null for a remote target. A run.json written before cdc
     * existed was streamed, the only mode then.
     */
    static String fromRunInfo(JsonNode runInfo) {
        if (runInfo == null || !"embedded".equals(runInfo.path("target").asText())) {
            return null;
        }
        JsonNode e = runInfo.path("scenario").path("target").path("embedded");
        if (!CdcConfig.Mode.POLL.key().equals(e.path("cdc").asText())) {
            return FLOOR;
        }
        JsonNode p = e.path("poll");
        return "embedded target, cdc: poll: changes are read the way Supabase's poller reads them (interval "
                + p.path("interval").asText() + ", idle x" + p.path("idleMultiplier").asText() + ", at most "
                + p.path("maxChanges").asText() + " changes a poll, subscribed " + p.path("subscribeDelay").asText()
                + " after the join): a rehearsal of a real project's postgres_changes latency";
    }
}
