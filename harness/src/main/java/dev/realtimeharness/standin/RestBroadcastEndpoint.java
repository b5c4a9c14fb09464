package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.auth.InvalidTokenException;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.protocol.Json;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The REST broadcast endpoint, answered by {@link StandInHttpHandler} on its event loop: it checks the token and the
 * tenant's events rate, validates the body ({@link RestBroadcast}) and hands every message to the
 * {@link BroadcastRouter}.
 */
final class RestBroadcastEndpoint {
    private static final String BEARER = "bearer ";

    private final StandInServer server;

    RestBroadcastEndpoint(StandInServer server) {
        this.server = server;
    }

    /**
     * {@code POST /api/broadcast} (protocol.md §6): the token from {@code Authorization: Bearer} or else the
     * {@code apikey} header (401 when it fails verification), the tenant's events rate (429), the body (422), then
     * every message fans out and the answer is 202 with an empty body. The connection stays open when the client
     * asked for keep-alive.
     */
    void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean post = req.method().equals(HttpMethod.POST);
        String token = bearer(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (token == null) {
            token = req.headers().get("apikey");
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        req.release();
        if (!post) {
            // guess: the router has only the POST route, so anything else is Phoenix's NoRouteError, 404.
            writeRest(ctx, version, keepAlive, HttpResponseStatus.NOT_FOUND, "");
            return;
        }
        StandInConfig config = server.config();
        if (config.authEnabled()) {
            boolean ok = token != null;
            if (ok) {
                try {
                    Jwt.verify(token, config.jwtSecret(), Instant.now());
                } catch (InvalidTokenException e) {
                    ok = false;
                }
            }
            if (!ok) {
                server.stats().refused(Refusal.REST_UNAUTHORIZED);
                writeRest(ctx, version, keepAlive, HttpResponseStatus.UNAUTHORIZED, message("Unauthorized"));
                return;
            }
        }
        if (server.tenantLimits().eventsLimited()) {
            server.stats().refused(Refusal.REST_EVENTS_RATE_LIMITED);
            writeRest(ctx, version, keepAlive, HttpResponseStatus.TOO_MANY_REQUESTS, message("Too many requests"));
            return;
        }
        List<RestBroadcast.Message> messages;
        try {
            messages = RestBroadcast.parse(body);
        } catch (RestBroadcast.Malformed e) {
            // guess: Plug.Parsers' ParseError is a 400; its body is not Realtime's, so a short message stands in.
            writeRest(ctx, version, keepAlive, HttpResponseStatus.BAD_REQUEST, message("Malformed JSON body"));
            return;
        } catch (RestBroadcast.Invalid e) {
            writeRest(ctx, version, keepAlive, HttpResponseStatus.UNPROCESSABLE_ENTITY, e.body.toString());
            return;
        }
        for (RestBroadcast.Message m : messages) {
            server.broadcasts().fromRest(m);
        }
        writeRest(ctx, version, keepAlive, HttpResponseStatus.ACCEPTED, "");
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).trim();
    }

    private static String message(String text) {
        ObjectNode body = Json.object();
        body.put("message", text);
        return body.toString();
    }

    private static void writeRest(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
            HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        if (keepAlive) {
            HttpUtil.setKeepAlive(res, true);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
