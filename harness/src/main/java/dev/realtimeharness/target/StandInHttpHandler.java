package dev.realtimeharness.target;

import dev.realtimeharness.protocol.Vsn;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * Checks a WebSocket upgrade request before the handshake: the path, the {@code vsn} and (later) the
 * {@code apikey}. A valid request is handed on to the WebSocket handshake with a {@link StandInConnection} added
 * behind it; this handler then leaves the pipeline.
 */
final class StandInHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final StandInServer server;

    StandInHttpHandler(StandInServer server) {
        super(false);
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String path = qs.path();
        if (!path.equals(StandInServer.REALTIME_PATH) && !path.equals(StandInServer.SOCKET_PATH)) {
            respond(ctx, req, HttpResponseStatus.NOT_FOUND, "");
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            // guess: Phoenix answers a plain GET on the websocket path with 400.
            respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "");
            return;
        }
        Map<String, List<String>> params = qs.parameters();
        String vsnParam = first(params, "vsn");
        // Phoenix __connect__: a missing vsn means 1.0.0; a vsn no serializer accepts is :error → 403, empty body.
        Vsn vsn = vsnParam == null ? Vsn.V1 : Vsn.parseOrNull(vsnParam);
        if (vsn == null) {
            respond(ctx, req, HttpResponseStatus.FORBIDDEN, "");
            return;
        }
        String rejection = checkApiKey(first(params, "apikey"), req.headers());
        if (rejection != null) {
            // The real server delays every connect error by CONNECT_ERROR_BACKOFF_MS (2 s); see the hook below.
            respond(ctx, req, HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"" + rejection + "\"}");
            return;
        }
        ctx.pipeline().addLast("phoenix", new StandInConnection(server, vsn));
        ctx.pipeline().remove(this);
        // The handshake handler takes ownership of the request and releases it.
        ctx.fireChannelRead(req);
    }

    /**
     * Hook for the apikey check (a later issue adds JWT verification: role and exp claims, signature, 401 bodies
     * "API key is missing", "Token has expired", ...; an {@code x-api-key} header takes precedence over the query
     * parameter). Returns the error message to reject with, or null to accept. For now every value is accepted,
     * including none.
     */
    private static String checkApiKey(String apikey, HttpHeaders headers) {
        return null;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
            String body) {
        req.release();
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status,
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        // A rejected upgrade ends the connection: the client never gets to speak WebSocket on it.
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
