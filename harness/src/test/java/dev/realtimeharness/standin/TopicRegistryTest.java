package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.capture.ChangeEvent;
import dev.realtimeharness.protocol.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicRegistryTest {
    private final StandInStats stats = new StandInStats();
    private final TopicRegistry topics = new TopicRegistry(stats);

    private static JoinedChannel joined(String topic, List<PostgresBinding> bindings) {
        return new JoinedChannel(null, topic, "1", false, false, false, bindings);
    }

    private static ChangeEvent insertInto(String table) {
        return new ChangeEvent("public", table, ChangeEvent.INSERT, List.of(), Map.of("id", 1L), null, null, 0);
    }

    @Test
    void registerAndUnregisterKeepTopicsChangeSubscribersAndTheCount() throws Exception {
        PostgresBinding b = PostgresBinding.of(Json.MAPPER.readTree("{\"event\":\"*\",\"table\":\"test\"}"), 1);
        JoinedChannel plain = joined("realtime:a", List.of());
        JoinedChannel changes = joined("realtime:a", List.of(b));
        topics.register(plain);
        topics.register(changes);
        assertThat(topics.channelsOf("realtime:a")).containsExactlyInAnyOrder(plain, changes);
        assertThat(topics.subscriptions().size()).isEqualTo(1);
        assertThat(topics.subscriptions().candidates(insertInto("test"))).containsExactly(changes);
        assertThat(stats.channelsJoined()).isEqualTo(2);

        topics.unregister(changes);
        assertThat(changes.closed).isTrue();
        assertThat(topics.channelsOf("realtime:a")).containsExactly(plain);
        assertThat(topics.subscriptions().size()).isZero();
        assertThat(topics.subscriptions().candidates(insertInto("test"))).isEmpty();
        topics.unregister(plain);
        assertThat(topics.channelsOf("realtime:a")).isEmpty();
        assertThat(topics.channelsOf("realtime:never")).isEmpty();
        assertThat(stats.channelsJoined()).isZero();
    }
}
