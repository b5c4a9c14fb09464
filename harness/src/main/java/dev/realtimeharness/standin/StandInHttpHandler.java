package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.protocol.Json;
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
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Routes a request to the REST broadcast endpoint ({@link RestBroadcastEndpoint}), or checks a WebSocket upgrade
 * request before the handshake: the path, the {@code vsn}, the {@code apikey} and the tenant limits. A valid
 * request is handed on to the WebSocket handshake with the Phoenix encoder, decoder and a {@link StandInConnection}
 * added behind it; this handler then leaves the pipeline.
 */
final class StandInHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String X_API_KEY = "x-api-key";
    static final String REST_BROADCAST_PATH = "/realtime/v1/api/broadcast";
    static final String API_BROADCAST_PATH = "/api/broadcast";

    private final StandInServer server;
    private final RestBroadcastEndpoint rest;

    StandInHttpHandler(StandInServer server) {
        super(false);
        this.server = server;
        this.rest = new RestBroadcastEndpoint(server);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String path = qs.path();
        if (path.equals(REST_BROADCAST_PATH) || path.equals(API_BROADCAST_PATH)) {
            rest.handle(ctx, req);
            return;
        }
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
        String token = req.headers().get(X_API_KEY);
        if (token == null) {
            token = first(params, "apikey");
        }
        Rejection r = check(token);
        if (r != null) {
            server.stats().refused(r.why);
            // UserSocket.connect's handle_error sleeps CONNECT_ERROR_BACKOFF_MS before every connect error; the
            // stand-in schedules the answer instead of blocking the event loop. The vsn 403 above is Phoenix's own,
            // answered before Realtime's connect runs, so it is not delayed.
            ObjectNode body = Json.object();
            body.put("error", r.message);
            respondLater(ctx, req, r.status, body.toString(), server.config().connectErrorDelay().toNanos());
            return;
        }
        // Behind the WebSocket frame aggregator: Phoenix frames out, Phoenix messages in, then the socket itself.
        ctx.pipeline()
                .addLast("phoenix-encoder", PhoenixFrameEncoder.INSTANCE)
                .addLast("phoenix-decoder", new PhoenixFrameDecoder(vsn, server.stats()))
                .addLast("phoenix", new StandInConnection(server, ctx.channel(), vsn, token));
        ctx.pipeline().remove(this);
        // The handshake handler takes ownership of the request and releases it.
        ctx.fireChannelRead(req);
    }

    private record Rejection(HttpResponseStatus status, String message, Refusal why) {
    }

    /**
     * UserSocket.connect's checks in the server's order: the apikey (an {@code x-api-key} header takes precedence
     * over the query parameter) must be a JWT signed with the tenant secret, with {@code role} and {@code exp},
     * not expired; then the tenant's concurrent users and joins per second. Null when the connect may proceed.
     */
    private Rejection check(String token) {
        StandInConfig config = server.config();
        if (config.authEnabled()) {
            if (token == null) {
                return new Rejection(HttpResponseStatus.UNAUTHORIZED, TokenErrors.API_KEY_MISSING,
                        Refusal.CONNECT_API_KEY_MISSING);
            }
            try {
                Jwt.verify(token, config.jwtSecret(), Instant.now());
            } catch (InvalidTokenException e) {
                return new Rejection(HttpResponseStatus.UNAUTHORIZED, TokenErrors.connectMessage(e),
                        TokenErrors.connectRefusal(e));
            }
        }
        if (server.tenantLimits().usersAtCap()) {
            return new Rejection(HttpResponseStatus.TOO_MANY_REQUESTS, "Too many connected users",
                    Refusal.CONNECT_TOO_MANY_USERS);
        }
        if (server.tenantLimits().joinsLimited()) {
            return new Rejection(HttpResponseStatus.TOO_MANY_REQUESTS, "Too many joins per second",
                    Refusal.CONNECT_TOO_MANY_JOINS);
        }
        return null;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
            String body) {
        respondLater(ctx, req, status, body, 0);
    }

    /** Releases the request now and answers after {@code delayNanos}, scheduled on the channel's event loop. */
    private static void respondLater(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
            String body, long delayNanos) {
        HttpVersion version = req.protocolVersion();
        req.release();
        if (delayNanos <= 0) {
            write(ctx, version, status, body);
        } else {
            ctx.executor().schedule(() -> write(ctx, version, status, body), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static void write(ChannelHandlerContext ctx, HttpVersion version, HttpResponseStatus status,
            String body) {
        if (!ctx.channel().isActive()) {
            return;
        }
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        // A rejected upgrade ends the connection: the client never gets to speak WebSocket on it.
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
