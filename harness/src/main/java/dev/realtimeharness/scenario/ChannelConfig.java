package dev.realtimeharness.scenario;

import java.util.List;
import java.util.Objects;

/**
 * What each channel joins with. {@code topic} is a {@link TopicTemplate} (without the {@code realtime:}
 * prefix, which the client adds); filters in {@code postgresChanges} may use the same placeholders.
 * {@code isPrivate} is the join's {@code config.private} (YAML key {@code private}).
 */
public record ChannelConfig(String topic, List<PostgresChangeSpec> postgresChanges,
        BroadcastConfig broadcast, PresenceConfig presence, boolean isPrivate) {

    public ChannelConfig(String topic, List<PostgresChangeSpec> postgresChanges, BroadcastConfig broadcast,
            PresenceConfig presence) {
        this(topic, postgresChanges, broadcast, presence, false);
    }

    public static final String DEFAULT_TOPIC = "driver-orders:{driver}:{channel}";

    public ChannelConfig {
        Objects.requireNonNull(topic, "topic");
        postgresChanges = List.copyOf(postgresChanges);
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(presence, "presence");
    }

    /** The topic of one channel, placeholders expanded. */
    public String topic(int driver, int channel) {
        return TopicTemplate.expand(topic, driver, channel);
    }
}
