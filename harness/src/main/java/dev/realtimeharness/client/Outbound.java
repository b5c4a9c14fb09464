package dev.realtimeharness.client;

import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.RefCounter;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The sending side of one open socket: encodes pushes with the connection's codec and numbers them. A new one per
 * socket, so refs start again at 1 after a reconnect, as phoenix.js's do. Event-loop confined.
 */
final class Outbound {
    /**
     * How long a close waits for its close frame to be written before it closes the socket anyway (the WebSocket
     * handler's force-close timeout, {@link DriverChannelInitializer}).
     */
    static final long CLOSE_WAIT_MILLIS = 1000;

    private final Channel channel;
    private final PhoenixCodec codec;
    private final RefCounter refs = new RefCounter();

    Outbound(Channel channel, PhoenixCodec codec) {
        this.channel = channel;
        this.codec = codec;
    }

    String nextRef() {
        return refs.next();
    }

    void send(PhoenixMessage m) {
        WireFrame f = codec.encodeClientPush(m);
        // The frame's buffer is handed to the channel, which releases it once written (or failed).
        WebSocketFrame frame = f instanceof WireFrame.Text t ? new TextWebSocketFrame(t.text())
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(((WireFrame.Binary) f).bytes()));
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    /**
     * Sends a normal close frame (1000) with {@code reason} and closes the socket: Netty's WebSocket handler holds the
     * close until the frame is written, for at most {@link #CLOSE_WAIT_MILLIS} (a peer that stopped reading), as
     * phoenix.js gives up waiting.
     */
    void close(String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, reason));
        channel.close();
    }
}
