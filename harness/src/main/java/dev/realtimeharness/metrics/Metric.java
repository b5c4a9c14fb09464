package dev.realtimeharness.metrics;

/** The latency metrics, each one tag in latency.hlog. */
public enum Metric {
    /** receive − due time (corrected for coordinated omission). */
    PUB_TO_RECV("pub-to-recv"),
    /** receive − actual send time. */
    PUB_TO_RECV_RAW("pub-to-recv-raw"),
    CONNECT("connect"),
    JOIN("join"),
    /** join request → readiness ("Subscribed to PostgreSQL", or the join reply for broadcast-only channels). */
    READY("ready"),
    HEARTBEAT_RTT("heartbeat-rtt"),
    /** database commit_timestamp → receive; only when the clocks are known to agree. */
    COMMIT_TO_RECV("commit-to-recv"),
    /** the publisher's send − due time: how far behind the open-model schedule it ran (the harness's own lag). */
    PUBLISH_LAG("publish-lag"),
    /** receive − due time of the warm-up's unmeasured probes, before t0: shown apart, never in the verdict. */
    WARMUP("warmup");

    private final String tag;

    Metric(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    public static Metric ofTag(String tag) {
        for (Metric metric : values()) {
            if (metric.tag.equals(tag)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown metric tag '" + tag + "'");
    }
}
