package dev.realtimeharness.client;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;

/**
 * Runs a {@link DriverConnection} over an {@link EmbeddedChannel}: its socket opener "connects" to the embedded
 * channel, whose pipeline gets the connection's real Phoenix frame handler (no TLS, HTTP or WebSocket codecs, so
 * tests write and read {@code WebSocketFrame}s), and the test completes the WebSocket handshake by firing Netty's
 * event.
 */
final class EmbeddedSockets {
    private EmbeddedSockets() {
    }

    static DriverConnection.SocketOpener opener(EmbeddedChannel ch) {
        return initializer -> {
            initializer.addPhoenixHandler(ch.pipeline(), null);
            return ch.newSucceededFuture();
        };
    }

    /** Starts the connection (one connect, onto {@code ch}) and opens it as the WebSocket handshake would. */
    static void startAndCompleteHandshake(DriverConnection c, EmbeddedChannel ch) {
        c.start();
        ch.runPendingTasks();
        ch.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        ch.runPendingTasks();
    }
}
