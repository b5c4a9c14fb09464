package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.Json;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The socket's Phoenix decoder and encoder on an EmbeddedChannel: what passes, what is dropped, who frees what. */
class PhoenixFrameCodecTest {
    private final StandInStats stats = new StandInStats();

    private static UserBroadcast broadcast(String joinRef, String ref) {
        return new UserBroadcast(joinRef, ref, "realtime:room", "e", new byte[0], true,
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    }

    private static BinaryWebSocketFrame binary(byte[] bytes) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void textFrameBecomesAPhoenixMessageAndIsReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new PhoenixFrameDecoder(Vsn.V2, stats));
        TextWebSocketFrame frame = new TextWebSocketFrame("[null,\"7\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(ch.writeInbound(frame)).isTrue();
        PhoenixMessage m = ch.readInbound();
        assertThat(m).isEqualTo(new PhoenixMessage(null, "7", "phoenix", "heartbeat", Json.object()));
        assertThat(frame.refCnt()).isZero();
        assertThat(stats.malformedFrames()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void malformedTextIsCountedDroppedAndReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new PhoenixFrameDecoder(Vsn.V2, stats));
        TextWebSocketFrame frame = new TextWebSocketFrame("{\"topic\":\"phoenix\"}");
        assertThat(ch.writeInbound(frame)).isFalse();
        assertThat(frame.refCnt()).isZero();
        assertThat(stats.malformedFrames()).isEqualTo(1);
        assertThat(ch.isActive()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void binaryKind3BecomesAUserBroadcastOnV2Only() {
        byte[] push = V2Codec.encodeUserBroadcastPush(broadcast("1", "2"));
        EmbeddedChannel v2 = new EmbeddedChannel(new PhoenixFrameDecoder(Vsn.V2, stats));
        assertThat(v2.writeInbound(binary(push))).isTrue();
        assertThat((UserBroadcast) v2.readInbound()).isEqualTo(broadcast("1", "2"));
        assertThat(v2.finish()).isFalse();

        EmbeddedChannel v1 = new EmbeddedChannel(new PhoenixFrameDecoder(Vsn.V1, stats));
        BinaryWebSocketFrame frame = binary(push);
        assertThat(v1.writeInbound(frame)).isFalse();
        assertThat(frame.refCnt()).isZero();
        assertThat(stats.malformedFrames()).isEqualTo(1);
        assertThat(v1.finish()).isFalse();
    }

    @Test
    void binaryKind4AndGarbageFromAClientAreMalformed() {
        EmbeddedChannel ch = new EmbeddedChannel(new PhoenixFrameDecoder(Vsn.V2, stats));
        WireFrame.Binary kind4 = (WireFrame.Binary) V2Codec.INSTANCE.encodeUserBroadcast(broadcast(null, null));
        assertThat(ch.writeInbound(binary(kind4.bytes()))).isFalse();
        assertThat(ch.writeInbound(binary(new byte[] {9, 9}))).isFalse();
        assertThat(ch.writeInbound(binary(new byte[0]))).isFalse();
        assertThat(stats.malformedFrames()).isEqualTo(3);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void encoderWritesTextAndBinaryWebSocketFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(PhoenixFrameEncoder.INSTANCE);
        ch.writeOutbound(new WireFrame.Text("[null,null,\"realtime:room\",\"broadcast\",{}]"),
                new WireFrame.Binary(new byte[] {4, 1, 2}));
        WebSocketFrame text = ch.readOutbound();
        WebSocketFrame bin = ch.readOutbound();
        try {
            assertThat(text).isInstanceOf(TextWebSocketFrame.class);
            assertThat(((TextWebSocketFrame) text).text()).isEqualTo("[null,null,\"realtime:room\",\"broadcast\",{}]");
            assertThat(bin).isInstanceOf(BinaryWebSocketFrame.class);
            assertThat(ByteBufUtil.getBytes(bin.content())).containsExactly(4, 1, 2);
        } finally {
            text.release();
            bin.release();
        }
        assertThat(ch.finish()).isFalse();
    }
}
