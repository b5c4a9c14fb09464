package dev.realtimeharness.target;

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
    final String subTopic;
    final String joinRef;
    final boolean self;
    final boolean ack;
    /** Empty when none were requested or their filters did not parse (the server then subscribes nothing). */
    final List<PostgresBinding> bindings;
    volatile boolean closed;
    // The channel's token and its claims (verified when the server has a JWT secret; read unverified, or empty,
    // when it has none). Written by the owning event loop only.
    private volatile String accessToken;
    private volatile ObjectNode claims;
    // The pending token-expiry check (confirm_token); owned by the event loop, cancelled from unregister.
    private volatile ScheduledFuture<?> tokenCheck;

    JoinedChannel(StandInConnection connection, String topic, String joinRef, boolean self, boolean ack,
            List<PostgresBinding> bindings) {
        this.connection = connection;
        this.topic = topic;
        this.subTopic = topic.substring(dev.realtimeharness.protocol.Events.TOPIC_PREFIX.length());
        this.joinRef = joinRef;
        this.self = self;
        this.ack = ack;
        this.bindings = List.copyOf(bindings);
        this.claims = dev.realtimeharness.protocol.Json.object();
    }

    void authorize(String token, ObjectNode verifiedClaims) {
        this.accessToken = token;
        this.claims = verifiedClaims == null ? dev.realtimeharness.protocol.Json.object() : verifiedClaims;
    }

    String accessToken() {
        return accessToken;
    }

    /** The claims of the channel's token: what RLS would run with. Never null; do not modify. */
    ObjectNode claims() {
        return claims;
    }

    /** The {@code role} claim, or null. */
    String role() {
        return text(claims.get("role"));
    }

    /** The {@code sub} claim, or null. */
    String sub() {
        return text(claims.get("sub"));
    }

    /** The full claims as JSON, as the server sets {@code request.jwt.claims}. */
    String claimsJson() {
        return claims.toString();
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
