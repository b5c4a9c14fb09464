package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.Utf8;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.FastThreadLocal;
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
    // The copy buffer for direct frames, one per event-loop thread (a frame is scanned and handed on before the
    // next is read, so the sockets of one loop can share it; one per connection cost 4 KiB each): this size is kept;
    // a larger one, grown for a big frame, is dropped after that frame, so one 5 MB frame does not pin 5 MB.
    static final int SCRATCH_BYTES = 4096;
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[][] {new byte[SCRATCH_BYTES]};
        }
    };

    private final DriverConnection connection;
    private final HandshakeResponseRecorder handshake;
    private final Vsn vsn;
    private final PhoenixCodec codec;
    private final InboundScan scan;
    private final int attempt;

    /** {@code handshake}: the recorder of this pipeline's upgrade response, null when there is none. */
    PhoenixFrameHandler(DriverConnection connection, HandshakeResponseRecorder handshake, Vsn vsn,
            PhoenixCodec codec, String probeColumn) {
        this.connection = connection;
        this.handshake = handshake;
        this.vsn = vsn;
        this.codec = codec;
        this.scan = new InboundScan(probeColumn);
        // Created while the connection opens this socket: its events belong to that attempt.
        this.attempt = connection.attempt();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long recvNanos = System.nanoTime();
        if (!connection.isCurrent(attempt)) {
            // A frame still read from a socket the connection has given up on: its channels are someone else's now.
            return;
        }
        boolean text = frame instanceof TextWebSocketFrame;
        if (!text && !(frame instanceof BinaryWebSocketFrame)) {
            return;
        }
        byte[][] scratch = SCRATCH.get();
        try {
            if (text) {
                onText(ctx, frame.content(), recvNanos, scratch);
            } else {
                onBinary(frame.content(), recvNanos, scratch);
            }
        } finally {
            if (scratch[0].length > SCRATCH_BYTES) {
                scratch[0] = new byte[SCRATCH_BYTES];
            }
        }
    }

    /** The size of the calling thread's copy buffer now (tests). */
    int scratchBytes() {
        return SCRATCH.get()[0].length;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection.opened(attempt);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before the WebSocket opened: a refused (HTTP 401/403/429...) or failed handshake, reported with the
        // server's body, which says why (realtime: {"error":"Token has expired"}). After it opened (a protocol error
        // such as an oversize frame or invalid UTF-8, whose close Netty may already have run): only logged. Either
        // way the socket closes and its close, once, schedules the reconnect.
        connection.connectFailed(attempt, cause instanceof WebSocketClientHandshakeException && handshake != null
                && handshake.refusal() != null ? handshake.refusal() : DriverConnection.describe(cause));
        connection.closing(attempt, DriverConnection.describe(cause));
        log.debug("driver {} attempt {}: {}", connection.index(), attempt, DriverConnection.describe(cause));
        ctx.close();
    }

    private void onText(ChannelHandlerContext ctx, ByteBuf content, long recvNanos, byte[][] scratch) {
        int len = content.readableBytes();
        byte[] bytes;
        int off;
        if (content.hasArray()) {
            bytes = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            if (scratch[0].length < len) {
                scratch[0] = new byte[len];
            }
            bytes = scratch[0];
            content.getBytes(content.readerIndex(), bytes, 0, len);
            off = 0;
        }
        if (!Utf8.isValid(bytes, off, len)) {
            invalidUtf8(ctx);
            return;
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

    // What Netty's validator (switched off in DriverChannelInitializer: it cost a quarter of the receive path) does
    // with a text frame that is not UTF-8: close 1007, then the protocol error, which closes the socket.
    private void invalidUtf8(ChannelHandlerContext ctx) {
        CorruptedWebSocketFrameException e = new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8");
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(e.closeStatus().code(), e.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        exceptionCaught(ctx, e);
    }

    private void onBinary(ByteBuf content, long recvNanos, byte[][] scratch) {
        int len = content.readableBytes();
        if (scratch[0].length < len) {
            scratch[0] = new byte[len];
        }
        byte[] bytes = scratch[0];
        content.getBytes(content.readerIndex(), bytes, 0, len);
        try {
            scan.scanBinary(bytes, 0, len);
        } catch (ProtocolException e) {
            protocolError(e, bytes, 0, len);
            return;
        }
        connection.table().deliver(scan, recvNanos);
    }

    private void protocolError(ProtocolException e, byte[] b, int off, int len) {
        connection.listener().protocolError(connection.index(), e.getMessage(),
                new String(b, off, Math.min(len, HEAD_BYTES), StandardCharsets.UTF_8));
    }
}
