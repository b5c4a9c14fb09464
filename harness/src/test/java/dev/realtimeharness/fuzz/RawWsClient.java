package dev.realtimeharness.fuzz;

import dev.realtimeharness.protocol.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hostile WebSocket client for the stand-in fuzz test: sends frames as fast as the socket takes them (flushing in
 * batches, waiting while the socket is not writable) and queues the text frames it receives.
 */
final class RawWsClient implements AutoCloseable {
    private final EventLoopGroup group = EventLoops.newGroup(1, "fuzz-client");
    private final Channel channel;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private int unflushed;

    RawWsClient(URI uri) throws Exception {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .maxFramePayloadLength(16 << 20).handleCloseFrames(true).build();
        Bootstrap b = new Bootstrap().group(group).channel(EventLoops.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new WebSocketClientProtocolHandler(config), new Inbound());
                    }
                });
        channel = b.connect(uri.getHost(), uri.getPort()).sync().channel();
        handshake.get(10, TimeUnit.SECONDS);
    }

    boolean open() {
        return channel.isActive();
    }

    /** Sends a String as a text frame, a byte[] as a binary frame. */
    void send(Object frame) throws InterruptedException {
        WebSocketFrame f = frame instanceof String s ? new TextWebSocketFrame(s)
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer((byte[]) frame));
        channel.write(f);
        if (++unflushed >= 256 || !channel.isWritable()) {
            channel.flush();
            unflushed = 0;
            while (!channel.isWritable() && channel.isActive()) {
                Thread.sleep(1);
            }
        }
    }

    void flush() {
        channel.flush();
        unflushed = 0;
    }

    /** The first received text frame that contains {@code marker}, within {@code seconds}; null if none. */
    String await(String marker, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() - deadline < 0) {
            String t = received.poll(100, TimeUnit.MILLISECONDS);
            if (t != null && t.contains(marker)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Inbound extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame t) {
                received.add(t.text());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }
}
