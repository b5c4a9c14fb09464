package dev.realtimeharness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;

class TopicTemplateTest {

    @Test
    void expandsDriverAndChannelIndexes() {
        assertThat(TopicTemplate.expand("driver-orders:{driver}:{channel}", 3, 17)).isEqualTo("driver-orders:3:17");
    }

    @Test
    void expandsDriverIdAndRepeatedPlaceholders() {
        assertThat(TopicTemplate.expand("driver_id=eq.{driverId}", 1, 0))
                .isEqualTo("driver_id=eq.d0000000-0000-4000-8000-000000000001");
        assertThat(TopicTemplate.expand("{driver}-{driver}", 2, 0)).isEqualTo("2-2");
    }

    @Test
    void leavesTextWithoutPlaceholdersAlone() {
        assertThat(TopicTemplate.expand("room:lobby", 5, 5)).isEqualTo("room:lobby");
        assertThat(TopicTemplate.expand("a{b", 0, 0)).isEqualTo("a{b");
        assertThat(TopicTemplate.expand("$1\\", 0, 0)).isEqualTo("$1\\");
    }

    @Test
    void unknownPlaceholderIsAnError() {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.expand("x:{drvier}", 0, 0))
                .withMessage("unknown placeholder {drvier} (allowed: {driver}, {channel}, {driverId})");
        assertThatIllegalArgumentException().isThrownBy(() -> TopicTemplate.validate("x:{}"));
        assertThatNoException().isThrownBy(() -> TopicTemplate.validate("x:{driver}:{channel}:{driverId}"));
    }

    @Test
    void channelConfigExpandsTopicAndFilter() {
        ChannelConfig c = new ChannelConfig("o:{driver}:{channel}",
                java.util.List.of(new PostgresChangeSpec("*", "public", "orders", "driver_id=eq.{driverId}")),
                BroadcastConfig.defaults(), PresenceConfig.defaults());
        assertThat(c.topic(1, 2)).isEqualTo("o:1:2");
        assertThat(c.postgresChanges().get(0).filter(0, 9)).isEqualTo("driver_id=eq." + Drivers.id(0));
    }
}
