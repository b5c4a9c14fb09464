package dev.realtimeharness.standin;

import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;

/** Turns an encoded Phoenix message ({@link WireFrame}) into its WebSocket frame, on the socket's event loop. */
@ChannelHandler.Sharable
final class PhoenixFrameEncoder extends MessageToMessageEncoder<WireFrame> {
    static final PhoenixFrameEncoder INSTANCE = new PhoenixFrameEncoder();

    private PhoenixFrameEncoder() {
        super(WireFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WireFrame frame, List<Object> out) {
        // The ByteBuf is created here, on the event loop, and owned by the write from then on.
        if (frame instanceof WireFrame.Text t) {
            out.add(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), t.text())));
        } else {
            out.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(((WireFrame.Binary) frame).bytes())));
        }
    }
}
