package dev.realtimeharness.target;

import java.util.List;

/**
 * One channel joined on one socket. Immutable apart from {@code closed}, so the replication thread and other
 * connections' event loops may read it while its own event loop owns its lifecycle.
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

    JoinedChannel(StandInConnection connection, String topic, String joinRef, boolean self, boolean ack,
            List<PostgresBinding> bindings) {
        this.connection = connection;
        this.topic = topic;
        this.subTopic = topic.substring(dev.realtimeharness.protocol.Events.TOPIC_PREFIX.length());
        this.joinRef = joinRef;
        this.self = self;
        this.ack = ack;
        this.bindings = List.copyOf(bindings);
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
