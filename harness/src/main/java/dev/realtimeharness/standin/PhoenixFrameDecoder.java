package dev.realtimeharness.standin;

import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.UserBroadcast;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * Decodes a client's text or binary frame with the socket's serializer into a {@link PhoenixMessage} or, for a
 * vsn 2.0.0 binary broadcast (kind 3), a {@link UserBroadcast}. A frame that is no valid message is counted, logged
 * (throttled) and dropped; the connection stays open, as Realtime's socket does (protocol.md §2).
 */
final class PhoenixFrameDecoder extends MessageToMessageDecoder<WebSocketFrame> {
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final StandInStats stats;

    PhoenixFrameDecoder(Vsn vsn, StandInStats stats) {
        super(WebSocketFrame.class);
        this.vsn = vsn;
        this.codec = PhoenixCodec.of(vsn);
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof TextWebSocketFrame t) {
            String text = t.text();
            try {
                out.add(codec.decode(new WireFrame.Text(text)));
            } catch (ProtocolException e) {
                stats.malformed(ctx.channel(), e.getMessage(), head(text));
            }
        } else if (frame instanceof BinaryWebSocketFrame b) {
            decodeBinary(ctx, ByteBufUtil.getBytes(b.content()), out);
        }
        // Ping, pong and close frames are handled by WebSocketServerProtocolHandler.
    }

    private void decodeBinary(ChannelHandlerContext ctx, byte[] bytes, List<Object> out) {
        if (vsn != Vsn.V2) {
            stats.malformed(ctx.channel(), "binary frame on a vsn 1.0.0 socket", bytes.length + " bytes");
            return;
        }
        UserBroadcast ub;
        try {
            ub = V2Codec.decodeBinary(bytes);
        } catch (ProtocolException e) {
            stats.malformed(ctx.channel(), e.getMessage(), bytes.length + " bytes");
            return;
        }
        if ((bytes[0] & 0xFF) != V2Codec.KIND_USER_BROADCAST_PUSH) {
            // guess: kind 4 is server→client only; the server's decoder has no clause for it from a client.
            stats.malformed(ctx.channel(), "binary kind " + (bytes[0] & 0xFF) + " from a client", "");
            return;
        }
        out.add(ub);
    }

    private static String head(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
