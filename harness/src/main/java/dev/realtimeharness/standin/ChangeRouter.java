package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Routes database changes (protocol.md §5): realtime.messages rows become database broadcasts, every other change
 * goes as postgres_changes to the channels whose bindings match it, under row security when a data source was given.
 * Called from the change-capture thread only; it looks the candidate channels up in the registry's thread-safe
 * subscription index (not a scan of every subscription) and hands each frame to the subscriber's event loop.
 */
final class ChangeRouter implements AutoCloseable {
    private static final String ANON = "anon";
    private static final String REALTIME_SCHEMA = "realtime";
    private static final String MESSAGES_TABLE = "messages";
    private static final String ANON_CLAIMS = "{\"role\":\"anon\"}";

    private final boolean authEnabled;
    private final TopicRegistry topics;
    private final BroadcastRouter broadcasts;
    private final TenantLimits limits;
    private final StandInStats stats;
    // Set once before changes flow; used by the capture thread only.
    private volatile RowSecurity rowSecurity;

    ChangeRouter(boolean authEnabled, TopicRegistry topics, BroadcastRouter broadcasts, TenantLimits limits,
            StandInStats stats) {
        this.authEnabled = authEnabled;
        this.topics = topics;
        this.broadcasts = broadcasts;
        this.limits = limits;
        this.stats = stats;
    }

    /** Checks changes of tables with row-level security on a connection of its own from {@code dataSource}. */
    void useRowSecurity(DataSource dataSource) {
        this.rowSecurity = new RowSecurity(dataSource);
    }

    /**
     * Delivers one database change to every joined channel with a matching binding. It only reads immutable
     * subscription state and serializes {@code data} once.
     *
     * @return whether the change was for a subscriber (some subscription matched and, under RLS, could see it): what
     *         the server's poller counts to decide to poll again at once
     */
    boolean publish(ChangeEvent e) {
        if (REALTIME_SCHEMA.equals(e.schema()) && MESSAGES_TABLE.equals(e.table())) {
            // Broadcast from the database, never postgres_changes.
            broadcasts.fromDatabase(e);
            // Streamed on the server too, never polled: the answer only matters to the poller, so it is moot here.
            return true;
        }
        if (limits.eventsLimited()) {
            // The server's poller skips DB changes while the tenant's events rate is triggered
            // (MessagePerSecondRateLimitReached: Too many postgres changes messages per second): no frame, no
            // system message, the channels stay joined. guess: the server keeps a separate DB-events counter
            // with the same limit; the stand-in uses the one tenant events counter.
            stats.refused(Refusal.CHANGE_SKIPPED_EVENTS_RATE_LIMITED);
            // The server's SQL found its subscribers before the skip, so its poller polls again at once. guess: the
            // stand-in counts a change with a matching binding as one for subscribers, without asking RLS.
            return anyMatch(e);
        }
        RowSecurity rls = rowSecurity;
        RowSecurity.Table table = null;
        boolean check = false;
        Map<String, Boolean> verdicts = null;
        ChangePayload payload = null;
        boolean sent = false;
        for (JoinedChannel ch : topics.subscriptions().candidates(e)) {
            if (ch.closed || !ch.pgSubscribed) {
                continue;
            }
            List<Long> ids = ch.matchingIds(e);
            if (ids.isEmpty()) {
                continue;
            }
            if (payload == null) {
                ChangeEvent out = e;
                if (rls != null) {
                    table = rls.table(e.schema(), e.table());
                    if (table.rls()) {
                        if (ChangeEvent.DELETE.equals(e.type())) {
                            // apply_rls does not check DELETEs; it limits their old_record to the key instead.
                            out = table.limitOldRecordToKey(e);
                        } else {
                            check = true;
                            verdicts = new HashMap<>();
                        }
                    }
                }
                payload = ChangePayload.of(out);
            }
            if (check && !visible(rls, table, e, ch, verdicts)) {
                stats.countRlsHidden();
                continue;
            }
            // Every message delivered to a subscriber channel is an event.
            limits.countEvent();
            ch.connection.deliver(ch, payload.frame(ch.connection.codec(), ch.topic, ids));
            sent = true;
        }
        return sent;
    }

    private boolean anyMatch(ChangeEvent e) {
        for (JoinedChannel ch : topics.subscriptions().candidates(e)) {
            if (!ch.closed && ch.pgSubscribed && !ch.matchingIds(e).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One RLS query per change and distinct claims: the channels of one user (same token claims) share the verdict,
     * as apply_rls checks once per subscriber role and claims.
     */
    private boolean visible(RowSecurity rls, RowSecurity.Table table, ChangeEvent e, JoinedChannel ch,
            Map<String, Boolean> verdicts) {
        String role;
        String claimsJson;
        if (authEnabled) {
            JoinedChannel.Auth auth = ch.auth();
            role = auth.role();
            claimsJson = auth.claimsJson();
        } else {
            // Without a secret no token is trusted: every subscriber is anon.
            role = ANON;
            claimsJson = ANON_CLAIMS;
        }
        Boolean v = verdicts.get(claimsJson);
        if (v == null) {
            v = rls.visible(table, e, role, claimsJson);
            verdicts.put(claimsJson, v);
        }
        return v;
    }

    /** RLS visibility queries run so far: one per change and distinct subscriber claims. */
    long rlsQueries() {
        RowSecurity r = rowSecurity;
        return r == null ? 0 : r.queries();
    }

    /** RLS checks that had to wait for a streamed commit to become visible to queries. */
    long rlsCommitWaits() {
        RowSecurity r = rowSecurity;
        return r == null ? 0 : r.commitWaits();
    }

    @Override
    public void close() {
        RowSecurity r = rowSecurity;
        if (r != null) {
            // The capture that used it has stopped before the server closes (EmbeddedTarget closes it first).
            r.close();
        }
    }
}
