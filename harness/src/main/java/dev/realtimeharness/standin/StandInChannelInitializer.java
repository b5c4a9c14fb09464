package dev.realtimeharness.standin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of an accepted socket: idle timeout, HTTP, the connect checks and REST endpoint
 * ({@link StandInHttpHandler}, which adds the Phoenix handlers on a valid upgrade), the WebSocket handshake with
 * ping/pong/close, and frame aggregation.
 */
final class StandInChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(StandInChannelInitializer.class);
    private static final int MAX_HTTP_REQUEST_BYTES = 65536;

    private final StandInServer server;
    private final WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
            // StandInHttpHandler has already checked the path and vsn; every request reaching this is valid.
            .websocketPath("/")
            .checkStartsWith(true)
            .subprotocols(null)
            .maxFramePayloadLength(StandInServer.MAX_FRAME_BYTES)
            .allowExtensions(false)
            .handleCloseFrames(true)
            .dropPongFrames(true)
            // Realtime sets validate_utf8: false.
            .withUTF8Validator(false)
            .build();

    StandInChannelInitializer(StandInServer server) {
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(StandInServer.IDLE_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS) {
                    @Override
                    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                        log.debug("closing {}: no frame for {} s", ctx.channel(), StandInServer.IDLE_TIMEOUT_SECONDS);
                        ctx.close();
                    }
                })
                .addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
                .addLast("connect", new StandInHttpHandler(server))
                .addLast("websocket", new WebSocketServerProtocolHandler(ws))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(StandInServer.MAX_FRAME_BYTES));
    }
}
