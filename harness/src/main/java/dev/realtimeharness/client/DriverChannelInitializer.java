package dev.realtimeharness.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import java.net.URI;

/**
 * A driver socket's pipeline: TLS (wss), HTTP codec and aggregator, the upgrade-response recorder, Netty's WebSocket
 * client protocol handler (handshake, ping/pong, close), the frame aggregator, and our {@link PhoenixFrameHandler}.
 * One per connection, shared by its sockets across reconnects.
 */
final class DriverChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_FRAME_BYTES = 5_000_000;
    static final int MAX_HTTP_RESPONSE_BYTES = 65536;
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final DriverConnection connection;
    private final FleetConfig config;
    private final SslContext ssl;

    /** {@code ssl} null for ws:// endpoints. */
    DriverChannelInitializer(DriverConnection connection, FleetConfig config, SslContext ssl) {
        this.connection = connection;
        this.config = config;
        this.ssl = ssl;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        URI uri = config.socketUri();
        if (ssl != null) {
            p.addLast(ssl.newHandler(ch.alloc(), uri.getHost(), port(uri)));
        }
        p.addLast(new HttpClientCodec());
        p.addLast(new HttpObjectAggregator(MAX_HTTP_RESPONSE_BYTES));
        HandshakeResponseRecorder handshake = new HandshakeResponseRecorder();
        p.addLast(handshake);
        p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .dropPongFrames(true)
                // PhoenixFrameHandler checks each (aggregated) text frame with Utf8.isValid instead: Netty's
                // validator calls back once per byte.
                .withUTF8Validator(false)
                // A close waits for the close frame to be written, but no longer than this: a peer that stopped
                // reading must not keep a socket (and its reconnect) hanging. Netty's default is 10 s.
                .forceCloseTimeoutMillis(Outbound.CLOSE_WAIT_MILLIS)
                .build()));
        p.addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES));
        addPhoenixHandler(p, handshake);
    }

    /**
     * Adds the Phoenix frame handler at the end of {@code p}, behind handlers that deliver WebSocket frames and fire
     * {@code HANDSHAKE_COMPLETE}; {@code handshake} is this pipeline's upgrade-response recorder, or null.
     */
    void addPhoenixHandler(ChannelPipeline p, HandshakeResponseRecorder handshake) {
        p.addLast(new PhoenixFrameHandler(connection, handshake, config.vsn(), connection.codec(),
                config.probeColumn()));
    }

    static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
