package dev.realtimeharness.protocol;

/** Phoenix and Supabase Realtime event names and fixed topics, as they appear on the wire. */
public final class Events {
    public static final String PHOENIX_TOPIC = "phoenix";
    public static final String TOPIC_PREFIX = "realtime:";

    public static final String HEARTBEAT = "heartbeat";
    public static final String JOIN = "phx_join";
    public static final String REPLY = "phx_reply";
    public static final String LEAVE = "phx_leave";
    public static final String CLOSE = "phx_close";
    public static final String ERROR = "phx_error";
    public static final String ACCESS_TOKEN = "access_token";
    public static final String BROADCAST = "broadcast";
    public static final String POSTGRES_CHANGES = "postgres_changes";
    public static final String SYSTEM = "system";
    public static final String PRESENCE = "presence";
    public static final String PRESENCE_STATE = "presence_state";
    public static final String PRESENCE_DIFF = "presence_diff";

    private Events() {
    }
}
