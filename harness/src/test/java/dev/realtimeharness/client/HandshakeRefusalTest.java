package dev.realtimeharness.client;

import dev.realtimeharness.protocol.EventLoops;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.protocol.Vsn;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A refused upgrade is reported with its status and body; the TLS context verifies the host name. */
class HandshakeRefusalTest {

    @Test
    void recorderKeepsStatusAndBodyOfARefusalAndPassesTheResponseOn() {
        HandshakeResponseRecorder r = new HandshakeResponseRecorder();
        EmbeddedChannel ch = new EmbeddedChannel(r);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                Unpooled.copiedBuffer("{\"error\":\"Token has expired\"}\n", StandardCharsets.UTF_8));
        ch.writeInbound(res);
        assertThat(r.refusal()).isEqualTo("HTTP 401 {\"error\":\"Token has expired\"}");
        FullHttpResponse passed = ch.readInbound();
        assertThat(passed).isSameAs(res);
        passed.release();
        assertThat(ch.pipeline().get(HandshakeResponseRecorder.class)).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusalBodyIsTruncatedAndNeverCarriesAnApikey() {
        assertThat(HandshakeResponseRecorder.describe(403, "")).isEqualTo("HTTP 403");
        assertThat(HandshakeResponseRecorder.describe(400, "bad request to /ws?apikey=SECRET&vsn=2.0.0"))
                .doesNotContain("SECRET");
        assertThat(HandshakeResponseRecorder.describe(500, "x".repeat(1000))).hasSizeLessThan(220);
    }

    @Test
    void fleetReportsARefusedUpgradeWithTheServersBody() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1, "refusing-server");
        try {
            Channel server = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.UNAUTHORIZED, Unpooled.copiedBuffer(
                                                            "{\"error\":\"Token has expired\"}",
                                                            StandardCharsets.UTF_8));
                                            res.headers().set(HttpHeaderNames.CONTENT_LENGTH,
                                                    res.content().readableBytes());
                                            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            LinkedBlockingQueue<String> reasons = new LinkedBlockingQueue<>();
            FleetConfig config = new FleetConfig(URI.create("ws://127.0.0.1:" + port + "/realtime/v1/websocket"),
                    "key", Vsn.V2, Duration.ofSeconds(25), 100, 100, Duration.ofSeconds(10), "notes", 1);
            try (Fleet fleet = new Fleet(config, List.of(new DriverSpec(0, List.of())), new ClientListener() {
                @Override
                public void connectFailed(int driver, String reason) {
                    reasons.add(reason);
                }
            }, null)) {
                fleet.start();
                assertThat(reasons.poll(10, TimeUnit.SECONDS)).isEqualTo("HTTP 401 {\"error\":\"Token has expired\"}");
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void tlsContextVerifiesHostNamesUnlessInsecure() throws Exception {
        SslContext strict = TlsContexts.client(null, false);
        SslHandler h = strict.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "abc.supabase.co", 443);
        assertThat(h.engine().getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(h.engine().getPeerHost()).isEqualTo("abc.supabase.co");
        SslContext insecure = TlsContexts.client(null, true);
        SslHandler i = insecure.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "abc.supabase.co", 443);
        assertThat(i.engine().getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
        io.netty.util.ReferenceCountUtil.release(h.engine());
        io.netty.util.ReferenceCountUtil.release(i.engine());
    }
}
