package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.WireFrame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deliveries without timed faults, on an EmbeddedChannel (whose event loop is the test thread). */
class DelayedDeliveryTest {
    private final StandInStats stats = new StandInStats();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private DelayedDelivery delivery(StandInConfig config) {
        return new DelayedDelivery(channel, new Faults(config, System.nanoTime()), stats);
    }

    private static JoinedChannel joined(String topic) {
        // The connection is not needed to deliver.
        return new JoinedChannel(null, topic, "1", false, false, false, List.of());
    }

    @Test
    void withoutFaultsFramesAreWrittenAtOnceInOrderAndCounted() {
        DelayedDelivery d = delivery(StandInConfig.defaults());
        JoinedChannel ch = joined("realtime:a");
        d.deliver(ch, new WireFrame.Text("1"));
        d.deliver(ch, new WireFrame.Text("2"));
        assertThat((Object) channel.readOutbound()).isEqualTo(new WireFrame.Text("1"));
        assertThat((Object) channel.readOutbound()).isEqualTo(new WireFrame.Text("2"));
        assertThat(stats.framesDelivered()).isEqualTo(2);
        assertThat(stats.deliveriesDropped()).isZero();
    }

    @Test
    void aClosedChannelGetsNothing() {
        DelayedDelivery d = delivery(StandInConfig.defaults());
        JoinedChannel ch = joined("realtime:a");
        ch.closed = true;
        d.deliver(ch, new WireFrame.Text("1"));
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(stats.framesDelivered()).isZero();
    }

    @Test
    void dropRatioOneDropsEveryDeliveryAndCountsIt() {
        DelayedDelivery d = delivery(StandInConfig.defaults().withDropRatio(1.0));
        d.deliver(joined("realtime:a"), new WireFrame.Text("1"));
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(stats.deliveriesDropped()).isEqualTo(1);
        assertThat(stats.framesDelivered()).isZero();
    }
}
