package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One channel joined on one socket. Immutable apart from {@code closed} and its token (replaced by an
 * {@code access_token} push), both volatile, so the replication thread and other connections' event loops may read
 * it while its own event loop owns its lifecycle.
 */
final class JoinedChannel {
    final StandInConnection connection;
    final String topic;
    final String joinRef;
    final boolean self;
    final boolean ack;
    /** config.private: private channels get only private broadcasts and public ones only public broadcasts. */
    final boolean isPrivate;
    /** Empty when none were requested or their filters did not parse (the server then subscribes nothing). */
    final List<PostgresBinding> bindings;
    volatile boolean closed;
    /** The postgres_changes subscription is in place: changes are routed to it (false while it subscribes). */
    volatile boolean pgSubscribed = true;
    /** The join's presence.key, or a generated uuid; set by the join before the channel is registered. */
    volatile String presenceKey;
    /** presence.enabled at join, or set by the first track: the channel gets presence_state and presence_diff. */
    volatile boolean presenceEnabled;
    // The channel's token and its claims (verified when the server has a JWT secret; read unverified, or empty,
    // when it has none). Written by the owning event loop only.
    // One volatile snapshot, so a reader on another thread never pairs one token's claims with another's JSON.
    private volatile Auth auth;
    // The pending token-expiry check (confirm_token); owned by the event loop, cancelled from unregister.
    private volatile ScheduledFuture<?> tokenCheck;

    JoinedChannel(StandInConnection connection, String topic, String joinRef, boolean self, boolean ack,
            boolean isPrivate, List<PostgresBinding> bindings) {
        this.connection = connection;
        this.topic = topic;
        this.joinRef = joinRef;
        this.self = self;
        this.ack = ack;
        this.isPrivate = isPrivate;
        this.bindings = List.copyOf(bindings);
        this.auth = new Auth(null, dev.realtimeharness.protocol.Json.object(), "{}");
    }

    /**
     * {@code claimsJson} is the claims serialized once: RLS checks group channels by it for every change. Immutable
     * and shared by the channels of one socket that joined with the same token.
     */
    record Auth(String token, ObjectNode claims, String claimsJson) {
        static Auth of(String token, ObjectNode verifiedClaims) {
            ObjectNode c = verifiedClaims == null ? dev.realtimeharness.protocol.Json.object() : verifiedClaims;
            return new Auth(token, c, c.toString());
        }

        String role() {
            return text(claims.get("role"));
        }
    }

    void authorize(String token, ObjectNode verifiedClaims) {
        authorize(Auth.of(token, verifiedClaims));
    }

    void authorize(Auth a) {
        this.auth = a;
    }

    /** The topic without "realtime:", as system messages name the channel; made when needed, not kept. */
    String subTopic() {
        return topic.substring(dev.realtimeharness.protocol.Events.TOPIC_PREFIX.length());
    }

    String accessToken() {
        return auth.token();
    }

    /** The token, claims and claims JSON as one consistent snapshot. */
    Auth auth() {
        return auth;
    }

    /** The claims of the channel's token: what RLS would run with. Never null; do not modify. */
    ObjectNode claims() {
        return auth.claims();
    }

    /** The {@code role} claim, or null. */
    String role() {
        return auth.role();
    }

    /** The {@code sub} claim, or null. */
    String sub() {
        return text(auth.claims().get("sub"));
    }

    /** The full claims as JSON, as the server sets {@code request.jwt.claims}. */
    String claimsJson() {
        return auth.claimsJson();
    }

    void tokenCheck(ScheduledFuture<?> f) {
        ScheduledFuture<?> old = tokenCheck;
        tokenCheck = f;
        if (old != null) {
            old.cancel(false);
        }
    }

    void cancelTokenCheck() {
        tokenCheck(null);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The ids of this channel's bindings that match the change, in binding order; empty when none. */
    List<Long> matchingIds(ChangeEvent e) {
        List<Long> ids = null;
        for (PostgresBinding b : bindings) {
            if (b.matches(e)) {
                if (ids == null) {
                    ids = new java.util.ArrayList<>(bindings.size());
                }
                ids.add(b.id());
            }
        }
        return ids == null ? List.of() : ids;
    }
}
