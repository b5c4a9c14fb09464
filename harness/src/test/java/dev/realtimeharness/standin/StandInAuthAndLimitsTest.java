package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.auth.Jwt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stand-in's refusals: JWT checks at connect, join and access_token, token expiry, and the tenant limits. */
class StandInAuthAndLimitsTest {
    private static final String SECRET = "test-secret-test-secret-test-secret";
    private static final Duration CONNECT_DELAY = Duration.ofMillis(300);
    private static final Duration JOIN_DELAY = Duration.ofMillis(200);
    private static final String BINDING = "{\"event\":\"*\",\"schema\":\"public\",\"table\":\"test\"}";

    private StandInServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WsTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private StandInServer start(StandInConfig config) {
        server = StandInServer.start(config);
        return server;
    }

    private static StandInConfig authConfig() {
        return StandInConfig.defaults().withJwtSecret(SECRET).withConnectErrorDelay(CONNECT_DELAY)
                .withJoinErrorDelay(JOIN_DELAY);
    }

    private static String token(String role, String sub, long expEpochSecond) {
        Map<String, Object> claims = new HashMap<>();
        if (role != null) {
            claims.put("role", role);
        }
        if (sub != null) {
            claims.put("sub", sub);
        }
        if (expEpochSecond != 0) {
            claims.put("exp", expEpochSecond);
        }
        return Jwt.sign(claims, SECRET);
    }

    private static long inSeconds(long s) {
        return Instant.now().getEpochSecond() + s;
    }

    private static final String ANON = token("anon", null, inSeconds(3600));

    private WsTestClient connect(String apikey) throws Exception {
        WsTestClient c = WsTestClient.connect(server.wsUrl() + "?apikey=" + apikey + "&vsn=2.0.0");
        clients.add(c);
        return c;
    }

    private RawUpgrade raw(String query) throws Exception {
        return RawUpgrade.request(server.port(), StandInServer.REALTIME_PATH + query, Map.of());
    }

    private static String joinPayload(String accessToken, String... bindings) {
        return "{\"config\":{\"broadcast\":{\"ack\":false,\"self\":false},\"presence\":{\"key\":\"\","
                + "\"enabled\":false},\"postgres_changes\":[" + String.join(",", bindings) + "],\"private\":false}"
                + (accessToken == null ? "" : ",\"access_token\":\"" + accessToken + "\"") + "}";
    }

    private static void join(WsTestClient c, String topic, String joinRef, String payload) {
        c.send("[\"" + joinRef + "\",\"" + joinRef + "\",\"" + topic + "\",\"phx_join\"," + payload + "]");
    }

    private static void joinOk(WsTestClient c, String topic, String joinRef, String accessToken) throws Exception {
        join(c, topic, joinRef, joinPayload(accessToken));
        assertThat(c.nextText()).startsWith("[\"" + joinRef + "\",\"" + joinRef + "\",\"" + topic + "\",\"phx_reply\"")
                .contains("\"status\":\"ok\"");
    }

    private static String joinError(String joinRef, String topic, String reason) {
        return "[\"" + joinRef + "\",\"" + joinRef + "\",\"" + topic + "\",\"phx_reply\",{\"response\":{\"reason\":\""
                + reason + "\"},\"status\":\"error\"}]";
    }

    private static String systemError(String joinRef, String topic, String message) {
        return "[\"" + joinRef + "\",null,\"" + topic + "\",\"system\",{\"channel\":\""
                + topic.substring("realtime:".length()) + "\",\"extension\":\"system\",\"message\":\"" + message
                + "\",\"status\":\"error\"}]";
    }

    private static String close(String joinRef, String topic) {
        return "[\"" + joinRef + "\",\"" + joinRef + "\",\"" + topic + "\",\"phx_close\",{}]";
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }

    private static void assertRefused(RawUpgrade r, int status, String error, Duration delay) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).isEqualTo("{\"error\":\"" + error + "\"}");
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(r.elapsedNanos()).isGreaterThanOrEqualTo(delay.toNanos());
    }

    // ---- connect -------------------------------------------------------------------------------------------

    @Test
    void connectWithoutApikeyGets401ApiKeyMissingAfterTheDelay() throws Exception {
        start(authConfig());
        assertRefused(raw("?vsn=2.0.0"), 401, "API key is missing", CONNECT_DELAY);
        assertThat(server.refusals(Refusal.CONNECT_API_KEY_MISSING)).isEqualTo(1);
    }

    @Test
    void connectWithMalformedTokenGets401NotAValidJwt() throws Exception {
        start(authConfig());
        assertRefused(raw("?apikey=not-a-jwt&vsn=2.0.0"), 401, "The token provided is not a valid JWT",
                CONNECT_DELAY);
        assertThat(server.refusals(Refusal.CONNECT_TOKEN_MALFORMED)).isEqualTo(1);
    }

    @Test
    void connectWithForeignSignatureGets401SignatureError() throws Exception {
        start(authConfig());
        String foreign = Jwt.sign(Map.of("role", "anon", "exp", inSeconds(60)), "another-secret");
        assertRefused(raw("?apikey=" + foreign + "&vsn=2.0.0"), 401, "Failed to validate JWT signature",
                CONNECT_DELAY);
        assertThat(server.refusals(Refusal.CONNECT_TOKEN_SIGNATURE)).isEqualTo(1);
    }

    @Test
    void connectWithoutRoleOrExpGets401FieldsRequired() throws Exception {
        start(authConfig());
        assertRefused(raw("?apikey=" + token(null, "u", inSeconds(60)) + "&vsn=2.0.0"), 401,
                "Fields `role` and `exp` are required in JWT", CONNECT_DELAY);
        assertRefused(raw("?apikey=" + token("anon", "u", 0) + "&vsn=2.0.0"), 401,
                "Fields `role` and `exp` are required in JWT", CONNECT_DELAY);
        assertThat(server.refusals(Refusal.CONNECT_TOKEN_MISSING_CLAIMS)).isEqualTo(2);
    }

    @Test
    void connectWithExpiredTokenGets401TokenHasExpired() throws Exception {
        start(authConfig());
        assertRefused(raw("?apikey=" + token("anon", null, inSeconds(-10)) + "&vsn=2.0.0"), 401,
                "Token has expired", CONNECT_DELAY);
        assertThat(server.refusals(Refusal.CONNECT_TOKEN_EXPIRED)).isEqualTo(1);
    }

    @Test
    void xApiKeyHeaderTakesPrecedenceOverTheQueryParameter() throws Exception {
        start(authConfig());
        RawUpgrade bad = RawUpgrade.request(server.port(), StandInServer.REALTIME_PATH + "?apikey=" + ANON
                + "&vsn=2.0.0", Map.of("x-api-key", "garbage"));
        assertRefused(bad, 401, "The token provided is not a valid JWT", CONNECT_DELAY);
        WsTestClient c = WsTestClient.connect(server.wsUrl() + "?apikey=garbage&vsn=2.0.0", Map.of("x-api-key", ANON));
        clients.add(c);
        c.send("[null,\"1\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(c.nextText()).contains("phx_reply");
    }

    @Test
    void goodTokenConnects() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        c.send("[null,\"1\",\"phoenix\",\"heartbeat\",{}]");
        assertThat(c.nextText()).isEqualTo("[null,\"1\",\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]");
        assertThat(server.refusals().values()).allMatch(n -> n == 0);
    }

    @Test
    void unknownVsnIs403WithoutTheConnectErrorDelay() throws Exception {
        start(authConfig().withConnectErrorDelay(Duration.ofSeconds(3)));
        RawUpgrade r = raw("?apikey=" + ANON + "&vsn=3.0.0");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).isEmpty();
        assertThat(r.elapsedNanos()).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    // ---- join tokens ---------------------------------------------------------------------------------------

    private void assertJoinRefused(String accessToken, String reason) throws Exception {
        WsTestClient c = connect(ANON);
        long t0 = System.nanoTime();
        join(c, "realtime:room1", "4", joinPayload(accessToken));
        assertThat(c.nextText()).isEqualTo(joinError("4", "realtime:room1", reason));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(JOIN_DELAY.toNanos());
        assertThat(server.channelsJoined()).isZero();
    }

    @Test
    void joinWithExpiredTokenGetsInvalidJwtTokenWithItsAgeAfterTheJoinDelay() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        long t0 = System.nanoTime();
        join(c, "realtime:room1", "4", joinPayload(token("authenticated", "u1", inSeconds(-30))));
        String reply = c.nextText();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(JOIN_DELAY.toNanos());
        assertThat(reply).matches("\\[\"4\",\"4\",\"realtime:room1\",\"phx_reply\",\\{\"response\":\\{\"reason\":"
                + "\"InvalidJWTToken: Token has expired 3[01] seconds ago\"},\"status\":\"error\"}]");
        assertThat(server.refusals(Refusal.JOIN_TOKEN_EXPIRED)).isEqualTo(1);
    }

    @Test
    void joinWithMissingClaimsGetsInvalidJwtTokenFieldsRequired() throws Exception {
        start(authConfig());
        assertJoinRefused(token(null, "u1", inSeconds(60)),
                "InvalidJWTToken: Fields `role` and `exp` are required in JWT");
        assertThat(server.refusals(Refusal.JOIN_TOKEN_MISSING_CLAIMS)).isEqualTo(1);
    }

    @Test
    void joinWithMalformedTokenGetsMalformedJwt() throws Exception {
        start(authConfig());
        assertJoinRefused("nonsense", "MalformedJWT: The token provided is not a valid JWT");
    }

    @Test
    void joinWithForeignSignatureGetsJwtSignatureError() throws Exception {
        start(authConfig());
        assertJoinRefused(Jwt.sign(Map.of("role", "anon", "exp", inSeconds(60)), "other"),
                "JwtSignatureError: Failed to validate JWT signature");
    }

    @Test
    void joinKeepsTheVerifiedClaimsOfAccessTokenUserTokenOrApikey() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        String user = token("authenticated", "driver-7", inSeconds(600));
        joinOk(c, "realtime:a", "1", user);
        join(c, "realtime:b", "2", "{\"config\":{},\"user_token\":\"" + token("authenticated", "driver-8",
                inSeconds(600)) + "\"}");
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
        joinOk(c, "realtime:c", "3", null);
        joinOk(c, "realtime:d", "4", "sb_publishable_abc");
        JoinedChannel a = server.topics().channelsOf("realtime:a").iterator().next();
        assertThat(a.role()).isEqualTo("authenticated");
        assertThat(a.sub()).isEqualTo("driver-7");
        assertThat(a.claimsJson()).contains("\"sub\":\"driver-7\"");
        assertThat(server.topics().channelsOf("realtime:b").iterator().next().sub()).isEqualTo("driver-8");
        for (String t : List.of("realtime:c", "realtime:d")) {
            JoinedChannel ch = server.topics().channelsOf(t).iterator().next();
            assertThat(ch.role()).isEqualTo("anon");
            assertThat(ch.sub()).isNull();
            assertThat(ch.accessToken()).isEqualTo(ANON);
        }
    }

    // ---- access_token and expiry ---------------------------------------------------------------------------

    @Test
    void validAccessTokenReplacesClaimsWithoutReply() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        joinOk(c, "realtime:room1", "1", token("authenticated", "old", inSeconds(600)));
        String fresh = token("authenticated", "new", inSeconds(900));
        c.send("[\"1\",\"2\",\"realtime:room1\",\"access_token\",{\"access_token\":\"" + fresh + "\"}]");
        c.send("[\"1\",\"3\",\"realtime:room1\",\"access_token\",{\"access_token\":null}]");
        c.send("[\"1\",\"4\",\"realtime:room1\",\"access_token\",{\"access_token\":\"sb_secret_x\"}]");
        c.expectNothing(300);
        JoinedChannel ch = server.topics().channelsOf("realtime:room1").iterator().next();
        assertThat(ch.sub()).isEqualTo("new");
        assertThat(ch.accessToken()).isEqualTo(fresh);
    }

    @Test
    void badAccessTokenClosesOnlyThatChannelWithSystemErrorThenPhxClose() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        joinOk(c, "realtime:room1", "1", token("authenticated", "u", inSeconds(600)));
        joinOk(c, "realtime:room2", "2", token("authenticated", "u", inSeconds(600)));
        c.send("[\"1\",\"3\",\"realtime:room1\",\"access_token\",{\"access_token\":\""
                + token("authenticated", "u", inSeconds(-5)) + "\"}]");
        assertThat(c.nextText()).matches("\\[\"1\",null,\"realtime:room1\",\"system\",\\{\"channel\":\"room1\","
                + "\"extension\":\"system\",\"message\":\"Token has expired [56] seconds ago\",\"status\":\"error\"}]");
        assertThat(c.nextText()).isEqualTo(close("1", "realtime:room1"));
        c.send("[\"2\",\"4\",\"realtime:room2\",\"access_token\",{\"access_token\":\""
                + token(null, "u", inSeconds(600)) + "\"}]");
        assertThat(c.nextText()).isEqualTo(systemError("2", "realtime:room2",
                "Fields `role` and `exp` are required in JWT"));
        assertThat(c.nextText()).isEqualTo(close("2", "realtime:room2"));
        assertThat(server.refusals(Refusal.ACCESS_TOKEN_INVALID)).isEqualTo(2);
        assertThat(server.channelsJoined()).isZero();
        assertThat(c.closed).isNotDone();
    }

    @Test
    void badAccessTokenLeavesTheOtherChannelJoined() throws Exception {
        start(authConfig());
        WsTestClient c = connect(ANON);
        WsTestClient peer = connect(ANON);
        joinOk(c, "realtime:room1", "1", null);
        joinOk(c, "realtime:room2", "2", null);
        joinOk(peer, "realtime:room2", "1", null);
        c.send("[\"1\",\"3\",\"realtime:room1\",\"access_token\",{\"access_token\":\"garbage\"}]");
        assertThat(c.nextText()).isEqualTo(systemError("1", "realtime:room1",
                "The token provided is not a valid JWT"));
        assertThat(c.nextText()).isEqualTo(close("1", "realtime:room1"));
        peer.send("[\"1\",\"2\",\"realtime:room2\",\"broadcast\",{\"type\":\"broadcast\",\"event\":\"e\","
                + "\"payload\":{}}]");
        assertThat(c.nextText()).startsWith("[null,null,\"realtime:room2\",\"broadcast\"");
    }

    @Test
    void tokenExpiringWhileJoinedClosesThatChannelOnly() throws Exception {
        start(authConfig().withTokenCheckInterval(Duration.ofMillis(500)));
        WsTestClient c = connect(ANON);
        joinOk(c, "realtime:short", "1", token("authenticated", "u", inSeconds(3)));
        joinOk(c, "realtime:long", "2", token("authenticated", "u", inSeconds(600)));
        // exp is in whole seconds: 3 s from now expires 2-3 s from now, so the first second stays quiet even when the
        // joins are slow on a loaded machine.
        c.expectNothing(1000);
        assertThat(c.nextText()).matches("\\[\"1\",null,\"realtime:short\",\"system\",\\{\"channel\":\"short\","
                + "\"extension\":\"system\",\"message\":\"Token has expired [01] seconds ago\",\"status\":\"error\"}]");
        assertThat(c.nextText()).isEqualTo(close("1", "realtime:short"));
        c.expectNothing(700);
        assertThat(server.topics().channelsOf("realtime:long")).hasSize(1);
        assertThat(server.refusals(Refusal.TOKEN_EXPIRED_WHILE_JOINED)).isEqualTo(1);
    }

    // ---- limits --------------------------------------------------------------------------------------------

    private static StandInConfig limited(StandInLimits limits) {
        return StandInConfig.defaults().withLimits(limits).withConnectErrorDelay(CONNECT_DELAY)
                .withJoinErrorDelay(JOIN_DELAY);
    }

    @Test
    void concurrentUsersAtMaxRefuseConnectWith429AndJoinWithConnectionRateLimitReached() throws Exception {
        start(limited(new StandInLimits(1, 1000, 1000, 100)));
        WsTestClient a = connect("anon");
        WsTestClient b = connect("anon");
        // Connected but not joined: not a user yet.
        assertThat(server.concurrentUsers()).isZero();
        joinOk(a, "realtime:room1", "1", null);
        assertThat(server.concurrentUsers()).isEqualTo(1);
        assertRefused(raw("?apikey=anon&vsn=2.0.0"), 429, "Too many connected users", CONNECT_DELAY);
        long t0 = System.nanoTime();
        join(b, "realtime:room1", "1", joinPayload(null));
        assertThat(b.nextText()).isEqualTo(joinError("1", "realtime:room1",
                "ConnectionRateLimitReached: Too many connected users"));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(JOIN_DELAY.toNanos());
        assertThat(server.refusals(Refusal.CONNECT_TOO_MANY_USERS)).isEqualTo(1);
        assertThat(server.refusals(Refusal.JOIN_TOO_MANY_USERS)).isEqualTo(1);
        a.close();
        await(() -> server.concurrentUsers() == 0);
        joinOk(b, "realtime:room1", "2", null);
    }

    @Test
    void joinBeyondChannelsPerClientGetsChannelRateLimitReached() throws Exception {
        start(limited(new StandInLimits(100, 1000, 1000, 3)));
        WsTestClient c = connect("anon");
        joinOk(c, "realtime:a", "1", null);
        joinOk(c, "realtime:b", "2", null);
        joinOk(c, "realtime:c", "3", null);
        long t0 = System.nanoTime();
        join(c, "realtime:d", "4", joinPayload(null));
        assertThat(c.nextText()).isEqualTo(joinError("4", "realtime:d", "ChannelRateLimitReached: Too many channels"));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(JOIN_DELAY.toNanos());
        assertThat(server.channelsJoined()).isEqualTo(3);
        // Another socket has its own allowance.
        joinOk(connect("anon"), "realtime:d", "1", null);
        assertThat(server.refusals(Refusal.JOIN_TOO_MANY_CHANNELS)).isEqualTo(1);
    }

    @Test
    void joinsPerSecondLimitRefusesJoinThenClosesTheSocketAndRefusesConnects() throws Exception {
        start(limited(new StandInLimits(100, 1000, 1, 100)).withRateTick(Duration.ofMillis(200)));
        WsTestClient c = connect("anon");
        joinOk(c, "realtime:a", "1", null);
        joinOk(c, "realtime:b", "2", null);
        joinOk(c, "realtime:c", "3", null);
        // A burst passes; the next tick sees 3 joins in 0.2 s = 15/s >= 1.
        await(() -> server.tenantLimits().joinsLimited());
        assertThat(server.joinsPerSecond()).isGreaterThanOrEqualTo(1.0);
        join(c, "realtime:d", "4", joinPayload(null));
        assertThat(c.nextText()).isEqualTo(joinError("4", "realtime:d",
                "ClientJoinRateLimitReached: Too many joins per second"));
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        assertRefused(raw("?apikey=anon&vsn=2.0.0"), 429, "Too many joins per second", CONNECT_DELAY);
        assertThat(server.refusals(Refusal.JOIN_TOO_MANY_JOINS)).isEqualTo(1);
        assertThat(server.refusals(Refusal.CONNECT_TOO_MANY_JOINS)).isEqualTo(1);
    }

    @Test
    void eventsPerSecondLimitClosesBroadcastChannelWithSystemErrorAndSkipsChanges() throws Exception {
        start(limited(new StandInLimits(100, 1, 1000, 100)).withRateTick(Duration.ofMillis(200)));
        WsTestClient sender = connect("anon");
        WsTestClient peer = connect("anon");
        WsTestClient watcher = connect("anon");
        joinOk(sender, "realtime:room1", "1", null);
        joinOk(peer, "realtime:room1", "7", null);
        join(watcher, "realtime:db", "1", joinPayload(null, BINDING));
        assertThat(watcher.nextText()).contains("\"status\":\"ok\"");
        assertThat(watcher.nextText()).contains("Subscribed to PostgreSQL");
        String send = "[\"1\",\"2\",\"realtime:room1\",\"broadcast\",{\"type\":\"broadcast\",\"event\":\"e\","
                + "\"payload\":{}}]";
        sender.send(send);
        // Before the limit triggers, the burst passes.
        assertThat(peer.nextText()).startsWith("[null,null,\"realtime:room1\",\"broadcast\"");
        await(server::eventsLimited);
        sender.send(send);
        // guess (see StandInServer.broadcast): the frame still goes out on the fastlane, then system + phx_close.
        assertThat(peer.nextText()).startsWith("[null,null,\"realtime:room1\",\"broadcast\"");
        assertThat(peer.nextText()).isEqualTo(systemError("7", "realtime:room1", "Too many messages per second"));
        assertThat(peer.nextText()).isEqualTo(close("7", "realtime:room1"));
        assertThat(server.refusals(Refusal.CHANNEL_EVENTS_RATE_LIMITED)).isEqualTo(1);
        // Database changes are skipped silently while the limit holds: no frame, the channel stays.
        server.publishChange(new ChangeEvent("public", "test", "INSERT",
                List.of(new ChangeEvent.Column("id", "int8")), Map.of("id", 1L), null, Instant.now(), 0));
        watcher.expectNothing(300);
        assertThat(server.refusals(Refusal.CHANGE_SKIPPED_EVENTS_RATE_LIMITED)).isEqualTo(1);
        assertThat(server.topics().channelsOf("realtime:db")).hasSize(1);
    }

    @Test
    void defaultsAreTheSelfHostedLimitsAndAuthIsOff() {
        StandInConfig c = StandInConfig.defaults();
        assertThat(c.limits()).isEqualTo(new StandInLimits(200, 100, 100, 100));
        assertThat(c.jwtSecret()).isNull();
        assertThat(c.connectErrorDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.rateTick()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.withJwtSecret("s3cret").toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> new StandInLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrentUsers");
        assertThatThrownBy(() -> c.withRateTick(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateTick");
    }
}
