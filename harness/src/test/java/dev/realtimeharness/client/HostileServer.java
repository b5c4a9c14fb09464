package dev.realtimeharness.client;

import dev.realtimeharness.protocol.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real WebSocket server (Netty, on 127.0.0.1) that misbehaves the way a test asks, and counts what the client
 * does to it: sockets accepted, open at once, heartbeats, joins and close frames, each with its arrival time.
 */
final class HostileServer implements AutoCloseable {

    enum Mode {
        /** After the handshake, a text frame that is not valid UTF-8. */
        INVALID_UTF8,
        /** After the handshake, a binary frame one byte over the client's limit. */
        OVERSIZE,
        /** Accepts TCP and never answers the HTTP upgrade. */
        SILENT,
        /** Refuses the upgrade with HTTP 401 and a body, then closes, as Realtime does for an expired token. */
        REFUSE,
        /** Replies to joins; closes the first socket once it has seen {@code dropAfterJoins} joins. */
        JOIN_THEN_DROP,
        /** Replies to the first {@code answeredHeartbeats} heartbeats after {@code replyDelayMillis}, then never. */
        SLOW_HEARTBEAT
    }

    private static final Pattern V2_HEAD = Pattern.compile("^\\[(null|\"[^\"]*\"),\"([^\"]*)\",\"([^\"]*)\",\"([^\"]*)\"");

    final Mode mode;
    int dropAfterJoins = Integer.MAX_VALUE;
    int answeredHeartbeats = Integer.MAX_VALUE;
    long replyDelayMillis;

    private final EventLoopGroup group = EventLoops.newGroup(1, "hostile-server");
    private final ChannelGroup active = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger maxOpenAtOnce = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    /** nanoTime of each accepted socket. */
    final List<Long> acceptNanos = new CopyOnWriteArrayList<>();
    /** nanoTime of each heartbeat received, and of each reply sent. */
    final List<Long> heartbeatNanos = new CopyOnWriteArrayList<>();
    final List<Long> replyNanos = new CopyOnWriteArrayList<>();
    /** {socket index, nanoTime} per phx_join received. */
    final List<long[]> joins = new CopyOnWriteArrayList<>();
    final List<String> closeFrames = new CopyOnWriteArrayList<>();
    final List<Long> closeNanos = new CopyOnWriteArrayList<>();

    HostileServer(Mode mode) throws InterruptedException {
        this.mode = mode;
        // A small receive buffer (inherited by accepted sockets): a server that stops reading soon stops the
        // client's writes.
        this.server = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                .option(io.netty.channel.ChannelOption.SO_RCVBUF, 16 * 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int index = accepted.getAndIncrement();
                        acceptNanos.add(System.nanoTime());
                        active.add(ch);
                        maxOpenAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
                        ch.closeFuture().addListener(f -> {
                            open.decrementAndGet();
                            closeNanos.add(System.nanoTime());
                        });
                        if (mode == Mode.SILENT) {
                            return;
                        }
                        if (mode == Mode.REFUSE) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.UNAUTHORIZED, Unpooled.copiedBuffer(
                                                            "{\"error\":\"Token has expired 12 seconds ago\"}",
                                                            StandardCharsets.UTF_8));
                                            res.headers().set(HttpHeaderNames.CONTENT_LENGTH,
                                                    res.content().readableBytes());
                                            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                                        }
                                    });
                            return;
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/realtime/v1/websocket").checkStartsWith(true)
                                        .handleCloseFrames(false).maxFramePayloadLength(1 << 26).build()),
                                new Misbehaviour(index));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort()
                + "/realtime/v1/websocket");
    }

    /** Stops reading from every client socket open now: their sends pile up in the client's buffers. */
    void stopReading() {
        // On each socket's event loop, and waited for: no read of the server's is still under way afterwards.
        active.forEach(ch -> ch.eventLoop().submit(() -> ch.config().setAutoRead(false)).syncUninterruptibly());
    }

    /** Sockets of clients open at the server now. */
    int openNow() {
        return open.get();
    }

    /** Waits up to {@code millis} for every client socket to be closed; returns how many are still open. */
    int awaitAllClosed(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open.get() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return open.get();
    }

    @Override
    public void close() throws InterruptedException {
        active.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private final class Misbehaviour extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final int socket;
        private int heartbeats;
        private int joinsSeen;

        Misbehaviour(int socket) {
            this.socket = socket;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                if (mode == Mode.INVALID_UTF8) {
                    ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(
                            new byte[] {'[', (byte) 0xC3, 0x28, ']'})));
                } else if (mode == Mode.OVERSIZE) {
                    ctx.writeAndFlush(new BinaryWebSocketFrame(
                            Unpooled.wrappedBuffer(new byte[DriverChannelInitializer.MAX_FRAME_BYTES + 1])));
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame c) {
                closeFrames.add(c.statusCode() + " " + c.reasonText());
                ctx.close();
                return;
            }
            if (!(frame instanceof TextWebSocketFrame t)) {
                return;
            }
            Matcher m = V2_HEAD.matcher(t.text());
            if (!m.find()) {
                return;
            }
            String ref = m.group(2);
            String topic = m.group(3);
            String event = m.group(4);
            if ("heartbeat".equals(event)) {
                heartbeatNanos.add(System.nanoTime());
                if (heartbeats++ < answeredHeartbeats) {
                    ctx.executor().schedule(() -> {
                        replyNanos.add(System.nanoTime());
                        ctx.writeAndFlush(new TextWebSocketFrame("[null,\"" + ref
                                + "\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]"));
                    }, replyDelayMillis, TimeUnit.MILLISECONDS);
                }
            } else if ("phx_join".equals(event)) {
                joins.add(new long[] {socket, System.nanoTime()});
                ctx.writeAndFlush(new TextWebSocketFrame("[\"" + ref + "\",\"" + ref + "\",\"" + topic
                        + "\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]"));
                if (mode == Mode.JOIN_THEN_DROP && socket == 0 && ++joinsSeen >= dropAfterJoins) {
                    ctx.close();
                }
            }
        }
    }
}
