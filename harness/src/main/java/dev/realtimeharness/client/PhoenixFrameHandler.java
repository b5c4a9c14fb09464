package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a driver's pipeline, after Netty's WebSocket handlers: stamps each inbound frame with
 * {@link System#nanoTime()} as soon as it is read, scans it ({@link InboundScan}) and hands probes to the channel
 * table and everything else, decoded, to the connection. Also tells the connection when the WebSocket handshake
 * completed or failed. One per socket; {@link SimpleChannelInboundHandler} releases each frame after it is read.
 */
final class PhoenixFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(PhoenixFrameHandler.class);
    private static final int HEAD_BYTES = 120;

    private final DriverConnection connection;
    private final HandshakeResponseRecorder handshake;
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final InboundScan scan;
    private byte[] scratch = new byte[4096];

    /** {@code handshake}: the recorder of this pipeline's upgrade response, null when there is none. */
    PhoenixFrameHandler(DriverConnection connection, HandshakeResponseRecorder handshake, Vsn vsn,
            PhoenixCodec codec, String probeColumn) {
        this.connection = connection;
        this.handshake = handshake;
        this.vsn = vsn;
        this.codec = codec;
        this.scan = new InboundScan(probeColumn);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long recvNanos = System.nanoTime();
        if (frame instanceof TextWebSocketFrame) {
            onText(frame.content(), recvNanos);
        } else if (frame instanceof BinaryWebSocketFrame) {
            onBinary(frame.content(), recvNanos);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection.opened();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!connection.isOpen()) {
            // Handshake refused (HTTP 401/403/429...) or failed: a failed connection attempt. A refusal is reported
            // with the server's body, which says why (realtime: {"error":"Token has expired"}).
            connection.connectFailed(cause instanceof WebSocketClientHandshakeException && handshake != null
                    && handshake.refusal() != null ? handshake.refusal() : DriverConnection.describe(cause));
        } else {
            log.debug("driver {}: {}", connection.index(), DriverConnection.describe(cause));
        }
        ctx.close();
    }

    private void onText(ByteBuf content, long recvNanos) {
        int len = content.readableBytes();
        byte[] bytes;
        int off;
        if (content.hasArray()) {
            bytes = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            content.getBytes(content.readerIndex(), scratch, 0, len);
            bytes = scratch;
            off = 0;
        }
        try {
            scan.scanText(vsn, bytes, off, len);
        } catch (ProtocolException e) {
            protocolError(e, bytes, off, len);
            return;
        }
        String event = scan.event();
        if (Events.POSTGRES_CHANGES.equals(event) || Events.BROADCAST.equals(event)) {
            connection.table().deliver(scan, recvNanos);
            return;
        }
        PhoenixMessage m;
        try {
            m = codec.decode(new WireFrame.Text(new String(bytes, off, len, StandardCharsets.UTF_8)));
        } catch (ProtocolException e) {
            protocolError(e, bytes, off, len);
            return;
        }
        connection.onControl(m, recvNanos);
    }

    private void onBinary(ByteBuf content, long recvNanos) {
        byte[] bytes = ByteBufUtil.getBytes(content);
        try {
            scan.scanBinary(bytes);
        } catch (ProtocolException e) {
            protocolError(e, bytes, 0, bytes.length);
            return;
        }
        connection.table().deliver(scan, recvNanos);
    }

    private void protocolError(ProtocolException e, byte[] b, int off, int len) {
        connection.listener().protocolError(connection.index(), e.getMessage(),
                new String(b, off, Math.min(len, HEAD_BYTES), StandardCharsets.UTF_8));
    }
}
