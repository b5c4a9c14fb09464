package dev.realtimeharness.bench;

import dev.realtimeharness.protocol.EventLoops;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the receive-path load ({@link ReceiveLoad}): a minimal Phoenix vsn-1.0.0 server that accepts any
 * join (broadcast-only reply), answers heartbeats and sends the same user-broadcast frame, round robin over every
 * joined channel, at a fixed total rate. The frames carry a probe id of another run, so the client scans and drops
 * them, as in the measurement. Not part of the harness: a load source for measuring it.
 *
 * <p>{@code FanoutServer PORT DELIVERIES_PER_SECOND}
 */
public final class FanoutServer {
    private static final int TICKS_PER_SECOND = 100;

    private final List<Joined> joined = new CopyOnWriteArrayList<>();

    private record Joined(Channel channel, ByteBuf frame) {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        double rate = Double.parseDouble(args[1]);
        new FanoutServer().serve(port, rate);
    }

    private void serve(int port, double rate) throws InterruptedException {
        EventLoopGroup group = EventLoops.newGroup(1, "fanout");
        Channel server = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/socket/websocket").checkStartsWith(true).build()),
                                new Handler());
                    }
                }).bind(port).sync().channel();
        System.out.println("fanout server on " + server.localAddress() + " at " + rate + " deliveries/s");
        // The ticks run on the server's one event loop, which owns every socket: writes go straight to the
        // sockets and each socket is flushed once per tick, so the server keeps up on a loaded machine.
        long[] sent = {0};
        long start = System.nanoTime();
        List<Channel> touched = new ArrayList<>();
        server.eventLoop().scheduleAtFixedRate(() -> {
            // A snapshot: a write can close a socket at once, and its close removes it from the list.
            Joined[] channels = joined.toArray(new Joined[0]);
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            if (channels.length == 0) {
                // Nothing owed while no one listens: a client that joins later gets the rate, not a backlog.
                sent[0] = due;
                return;
            }
            int n = channels.length;
            while (sent[0] < due) {
                Joined j = channels[(int) (sent[0]++ % n)];
                if (j.channel().isActive()) {
                    j.channel().write(new TextWebSocketFrame(j.frame().duplicate()), j.channel().voidPromise());
                    touched.add(j.channel());
                }
            }
            for (Channel c : touched) {
                c.flush();
            }
            touched.clear();
        }, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
        server.closeFuture().sync();
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws ProtocolException {
            PhoenixMessage m = V1Codec.INSTANCE.decode(new WireFrame.Text(frame.text()));
            if (Events.JOIN.equals(m.event()) || Events.HEARTBEAT.equals(m.event())) {
                String reply = "{\"event\":\"phx_reply\",\"payload\":{\"response\":{},\"status\":\"ok\"},\"ref\":\""
                        + m.ref() + "\",\"topic\":\"" + m.topic() + "\"}";
                ctx.writeAndFlush(new TextWebSocketFrame(reply));
            }
            if (Events.JOIN.equals(m.event())) {
                String text = Frames.BROADCAST_V1.replace(Frames.TOPIC, m.topic())
                        .replace(Frames.RUN_ID, "another-run");
                Joined j = new Joined(ctx.channel(),
                        Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
                joined.add(j);
                ctx.channel().closeFuture().addListener(f -> joined.remove(j));
            }
        }
    }
}
