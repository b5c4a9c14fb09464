package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.WireFrame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The windows a fault schedule opens on the stand-in (delay, stall, drop, rejectJoins, malformedFrames): in force from
 * when they open until they end, in place of the fixed knob of their kind, and gone afterwards.
 */
class FaultWindowsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final StandInStats stats = new StandInStats();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private static JoinedChannel joined() {
        return new JoinedChannel(null, "realtime:a", "1", false, false, false, List.of());
    }

    @Test
    void aDelayWindowDelaysDeliveriesHandedOverWhileItLastsAndOnlyThen() {
        Faults f = new Faults(StandInConfig.defaults(), System.nanoTime());
        long now = System.nanoTime();
        assertThat(f.timed(now)).isFalse();
        f.windows().delay(250 * MS, now, 2_000 * MS);

        assertThat(f.timed(now)).isTrue();
        assertThat(f.dueNanos(now + 10 * MS, 0)).isEqualTo(now + 260 * MS);
        // After the window the fixed knob (no delay) is back.
        assertThat(f.dueNanos(now + 2_000 * MS, 0)).isEqualTo(now + 2_000 * MS);
        assertThat(f.timed(now + 2_001 * MS)).isFalse();
    }

    @Test
    void aStallHoldsWhatIsDueInsideItUntilItEnds() {
        Faults f = new Faults(StandInConfig.defaults().withDelay(java.time.Duration.ofMillis(5),
                java.time.Duration.ZERO), System.nanoTime());
        long now = System.nanoTime();
        f.windows().stall(now, 3_000 * MS);
        assertThat(f.dueNanos(now, 0)).isEqualTo(now + 3_000 * MS);
        assertThat(f.dueNanos(now + 2_999 * MS, 0)).as("due after the end: not held").isEqualTo(now + 3_004 * MS);
        assertThat(f.dueNanos(now + 4_000 * MS, 0)).isEqualTo(now + 4_005 * MS);
    }

    @Test
    void dropAndRejectWindowsTakeThePlaceOfTheirKnobsWhileOpen() {
        Faults f = new Faults(StandInConfig.defaults(), System.nanoTime());
        assertThat(f.drop()).isFalse();
        assertThat(f.rejectJoin()).isFalse();
        long now = System.nanoTime();
        f.windows().drop(1.0, now, 60_000 * MS);
        f.windows().rejectJoins(1.0, now, 60_000 * MS);
        assertThat(f.drop()).isTrue();
        assertThat(f.rejectJoin()).isTrue();
        // A window that already ended changes nothing.
        f.windows().drop(1.0, now - 2_000 * MS, 1_000 * MS);
        f.windows().rejectJoins(0.0, now, 60_000 * MS);
        assertThat(f.drop()).isFalse();
        assertThat(f.rejectJoin()).isFalse();
    }

    @Test
    void aMalformedFramesWindowReplacesDeliveriesWithTextThatIsNotJsonAndCountsThem() {
        Faults f = new Faults(StandInConfig.defaults(), System.nanoTime());
        DelayedDelivery d = new DelayedDelivery(channel, f, stats);
        d.deliver(joined(), new WireFrame.Text("[\"ok\"]"));
        assertThat((Object) channel.readOutbound()).isEqualTo(new WireFrame.Text("[\"ok\"]"));

        f.windows().malformed(1.0, System.nanoTime(), 60_000 * MS);
        d.deliver(joined(), new WireFrame.Text("[\"ok\"]"));
        WireFrame sent = channel.readOutbound();
        assertThat(sent).isEqualTo(new WireFrame.Text(FaultWindows.MALFORMED_TEXT));
        assertThat(f.windows().malformedSentCount()).isEqualTo(1);
        assertThat(stats.framesDelivered()).as("written, so counted as a frame sent").isEqualTo(2);
        assertThatIsNotJson(((WireFrame.Text) sent).text());
    }

    private static void assertThatIsNotJson(String text) {
        boolean parsed;
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
            parsed = true;
        } catch (java.io.IOException e) {
            parsed = false;
        }
        assertThat(parsed).as("'" + text + "' parses as JSON").isFalse();
    }
}
