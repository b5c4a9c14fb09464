package dev.realtimeharness.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Vsn;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Token renewal on the driver's event loop: an EmbeddedChannel with frozen time, and a wall clock moved by hand. */
class TokenRefreshTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "test-secret";

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    EmbeddedChannel ch;

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    void open(TokenProvider tokens, int channels) {
        List<ChannelSpec> specs = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            specs.add(new ChannelSpec(i, "realtime:t:" + i, new JoinConfig(false, false, "", false, List.of(), false,
                    tokens.current())));
        }
        FleetConfig config = new FleetConfig(URI.create("ws://127.0.0.1:1/realtime/v1/websocket"), "key", Vsn.V2,
                Duration.ofDays(1000), 0, 0, Duration.ofHours(1), "notes", 1);
        ch = new EmbeddedChannel();
        ch.freezeTime();
        DriverConnection c = new DriverConnection(new DriverSpec(0, specs, tokens), config, new ClientListener() {
        }, new Pacer(0), ch.eventLoop(), null, clock, EmbeddedSockets.opener(ch));
        EmbeddedSockets.startAndCompleteHandshake(c, ch);
    }

    JsonNode next() throws Exception {
        WebSocketFrame f = ch.readOutbound();
        if (f == null) {
            return null;
        }
        try {
            return JSON.readTree(((TextWebSocketFrame) f).text());
        } finally {
            f.release();
        }
    }

    void advance(long seconds) {
        clock.now = clock.now.plusSeconds(seconds);
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runPendingTasks();
    }

    void in(String text) {
        ch.writeInbound(new TextWebSocketFrame(text));
        ch.runPendingTasks();
    }

    /** Joins both channels (ok replies) and returns the token their joins carried. */
    String joinAll(int channels) throws Exception {
        String token = null;
        for (int i = 0; i < channels; i++) {
            JsonNode join = next();
            assertThat(join.get(3).asText()).isEqualTo("phx_join");
            token = join.get(4).get("access_token").asText();
            String ref = join.get(0).asText();
            in("[\"" + ref + "\",\"" + ref + "\",\"realtime:t:" + i + "\",\"phx_reply\",{\"status\":\"ok\","
                    + "\"response\":{\"postgres_changes\":[]}}]");
        }
        return token;
    }

    @Test
    void mintedTokenIsRenewedSixtySecondsBeforeExpiryAndPushedToEveryJoinedChannel() throws Exception {
        TokenProvider tokens = TokenProvider.minted("driver-0", SECRET, Duration.ofMinutes(10), clock);
        String first = tokens.current();
        open(tokens, 2);
        assertThat(joinAll(2)).isEqualTo(first);

        advance(600 - 61);
        assertThat(next()).as("nothing before exp - 60 s").isNull();
        advance(2);
        JsonNode a = next();
        JsonNode b = next();
        String renewed = tokens.current();
        assertThat(renewed).isNotEqualTo(first);
        for (JsonNode push : List.of(a, b)) {
            assertThat(push.get(3).asText()).isEqualTo("access_token");
            assertThat(push.get(4).get("access_token").asText()).isEqualTo(renewed);
            // [join_ref, ref, topic, "access_token", payload]: join_ref is the channel's.
            assertThat(push.get(0).asText()).isNotEqualTo(push.get(1).asText());
        }
        assertThat(List.of(a.get(2).asText(), b.get(2).asText())).containsExactly("realtime:t:0", "realtime:t:1");
        assertThat(next()).isNull();

        // The renewed token has its own schedule: about 10 min later, again.
        advance(600 - 59);
        assertThat(next().get(4).get("access_token").asText()).isEqualTo(tokens.current()).isNotEqualTo(renewed);
    }

    @Test
    void rejoinAfterRenewalCarriesTheNewToken() throws Exception {
        TokenProvider tokens = TokenProvider.minted("driver-0", SECRET, Duration.ofMinutes(2), clock);
        open(tokens, 1);
        joinAll(1);
        advance(61);
        JsonNode push = next();
        assertThat(push.get(3).asText()).isEqualTo("access_token");
        String joinRef = push.get(0).asText();
        in("[\"" + joinRef + "\",\"" + joinRef + "\",\"realtime:t:0\",\"phx_error\",{}]");
        advance(2);
        JsonNode rejoin = next();
        assertThat(rejoin.get(3).asText()).isEqualTo("phx_join");
        assertThat(rejoin.get(4).get("access_token").asText()).isEqualTo(tokens.current());
    }

    @Test
    void shortLifetimeRenewsAtHalfItsLife() throws Exception {
        TokenProvider tokens = TokenProvider.minted("driver-0", SECRET, Duration.ofSeconds(30), clock);
        open(tokens, 1);
        joinAll(1);
        advance(14);
        assertThat(next()).isNull();
        advance(2);
        assertThat(next().get(3).asText()).isEqualTo("access_token");
    }

    @Test
    void preIssuedTokenThatCannotBeRenewedSendsNothing() throws Exception {
        String token = dev.realtimeharness.auth.Jwt.userToken("d", SECRET, clock.instant(),
                clock.instant().plusSeconds(120));
        AtomicBoolean warned = new AtomicBoolean();
        open(TokenProvider.preIssued(token, warned), 1);
        joinAll(1);
        advance(70);
        assertThat(next()).isNull();
        assertThat(warned).isTrue();
        advance(600);
        assertThat(next()).isNull();
    }

    @Test
    void opaqueApikeyIsNeverRenewed() throws Exception {
        open(TokenProvider.fixed("sb_publishable_xyz"), 1);
        joinAll(1);
        advance(24 * 3600);
        assertThat(next()).isNull();
    }
}
