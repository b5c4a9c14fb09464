package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.protocol.Vsn;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A fleet on an event-loop group its caller owns. */
class FleetTest {

    @Test
    void fleetOnTheCallersGroupLeavesItRunningAndStartsNoConnectionAfterClose() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1, "caller-owned");
        try {
            LinkedBlockingQueue<Integer> attempts = new LinkedBlockingQueue<>();
            // Nothing listens on port 1: attempts fail at once. Two connects a second: the second driver is due
            // 500 ms after the first.
            FleetConfig config = new FleetConfig(URI.create("ws://127.0.0.1:1/realtime/v1/websocket"), "key",
                    Vsn.V2, Duration.ofSeconds(25), 2, 100, Duration.ofSeconds(10), "notes", 0);
            Fleet fleet = new Fleet(config, List.of(new DriverSpec(0, List.of()), new DriverSpec(1, List.of())),
                    new ClientListener() {
                        @Override
                        public void connectAttempted(int driver) {
                            attempts.add(driver);
                        }
                    }, null, group);
            fleet.start();
            assertThat(attempts.poll(5, TimeUnit.SECONDS)).isEqualTo(0);
            fleet.close();

            assertThat(group.isShuttingDown()).isFalse();
            assertThat(attempts.poll(1500, TimeUnit.MILLISECONDS)).as("driver 1, due after close, or a reconnect")
                    .isNull();
            assertThat(group.submit(() -> "still running").get(1, TimeUnit.SECONDS)).isEqualTo("still running");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
