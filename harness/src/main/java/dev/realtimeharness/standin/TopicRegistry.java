package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every joined channel, by topic (broadcast and presence fan-out), plus the index of channels with postgres_changes
 * bindings (change routing), and the presence tracked on each topic. Thread-safe: channels are registered and
 * unregistered by their socket's event loop and read by every fan-out, on any thread.
 */
final class TopicRegistry {
    private final Map<String, Set<JoinedChannel>> byTopic = new ConcurrentHashMap<>();
    private final SubscriptionIndex subscriptions = new SubscriptionIndex();
    private final PresenceRegistry presence = new PresenceRegistry();
    private final StandInStats stats;

    TopicRegistry(StandInStats stats) {
        this.stats = stats;
    }

    void register(JoinedChannel ch) {
        byTopic.computeIfAbsent(ch.topic, t -> ConcurrentHashMap.newKeySet()).add(ch);
        subscriptions.add(ch);
        stats.channelJoined();
    }

    /** Marks the channel closed, so that nothing is delivered to it any more, and forgets it. */
    void unregister(JoinedChannel ch) {
        ch.closed = true;
        ch.cancelTokenCheck();
        byTopic.computeIfPresent(ch.topic, (t, set) -> {
            set.remove(ch);
            return set.isEmpty() ? null : set;
        });
        // Leave, close, shutdown and socket end all untrack: the others get a diff with it in leaves.
        presence.untrack(ch, byTopic.get(ch.topic));
        subscriptions.remove(ch);
        stats.channelLeft();
    }

    /** The channels joined to {@code topic}; empty when none. */
    Set<JoinedChannel> channelsOf(String topic) {
        return byTopic.getOrDefault(topic, Set.of());
    }

    /** The channels with postgres_changes bindings, indexed by what their bindings match. */
    SubscriptionIndex subscriptions() {
        return subscriptions;
    }

    /** A presence track from {@code ch}: a presence_diff to every channel on its topic with presence enabled. */
    void presenceTrack(JoinedChannel ch, ObjectNode meta) {
        presence.track(ch, meta, byTopic.get(ch.topic));
    }

    void presenceUntrack(JoinedChannel ch) {
        presence.untrack(ch, byTopic.get(ch.topic));
    }

    /** The presence_state payload for a channel joining {@code topic}. */
    ObjectNode presenceState(String topic) {
        return presence.state(topic);
    }
}
