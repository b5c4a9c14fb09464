package dev.realtimeharness.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Sits before the WebSocket handshake handler and keeps the status and body of a refused upgrade (HTTP 401
 * {@code {"error":"Token has expired"}}): Netty's handshake exception carries the status and headers only. Passes
 * every message on untouched and leaves the pipeline at the first response.
 */
final class HandshakeResponseRecorder extends ChannelInboundHandlerAdapter {
    static final int MAX_BODY_CHARS = 200;

    private String refusal;

    /** "HTTP 401 {"error":...}" for a refused upgrade, null when none was seen. */
    String refusal() {
        return refusal;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpResponse r) {
            if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(r.status())) {
                refusal = describe(r.status().code(), r.content().toString(StandardCharsets.UTF_8));
            }
            ctx.fireChannelRead(msg);
            if (ctx.pipeline().context(this) != null) {
                ctx.pipeline().remove(this);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    static String describe(int status, String body) {
        // A gateway might echo the request: never let the apikey query parameter through.
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ")
                .replaceAll("(?i)apikey=[^&\\s\"]*", "apikey=<redacted>");
        if (text.length() > MAX_BODY_CHARS) {
            text = text.substring(0, MAX_BODY_CHARS) + "...";
        }
        return "HTTP " + status + (text.isEmpty() ? "" : " " + text);
    }
}
