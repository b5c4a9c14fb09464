package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.auth.Jwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/broadcast} on the stand-in's port (protocol.md §6), with the JDK HttpClient. */
class StandInRestBroadcastTest {
    private static final String SECRET = "rest-broadcast-test-secret-0123456789abcdef";
    private static final String ANON = Jwt.anonKey(SECRET);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandInServer server;
    private final List<WsTestClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private WsTestClient connect(String vsn) throws Exception {
        WsTestClient c = WsTestClient.connect(server.wsUrl() + "?apikey=" + ANON + "&vsn=" + vsn);
        clients.add(c);
        return c;
    }

    private static void joinV2(WsTestClient c, String topic, boolean isPrivate) throws Exception {
        c.send("[\"1\",\"1\",\"" + topic + "\",\"phx_join\",{\"config\":{\"broadcast\":{\"self\":false},"
                + "\"presence\":{\"enabled\":false},\"postgres_changes\":[],\"private\":" + isPrivate + "}}]");
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
    }

    private static void joinV1(WsTestClient c, String topic) throws Exception {
        c.send("{\"topic\":\"" + topic + "\",\"event\":\"phx_join\",\"payload\":{\"config\":{\"broadcast\":{},"
                + "\"private\":false}},\"ref\":\"1\",\"join_ref\":\"1\"}");
        assertThat(c.nextText()).contains("\"status\":\"ok\"");
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void batchMessagesFanOutAsTextBroadcastsToV2AndV1With202() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withJwtSecret(SECRET));
        WsTestClient v2 = connect("2.0.0");
        WsTestClient v1 = connect("1.0.0");
        WsTestClient privateV2 = connect("2.0.0");
        joinV2(v2, "realtime:room1", false);
        joinV1(v1, "realtime:room1");
        joinV2(privateV2, "realtime:room1", true);

        HttpResponse<String> res = post("/realtime/v1/api/broadcast",
                "{\"messages\":[{\"topic\":\"room1\",\"event\":\"order\",\"payload\":{\"b\":2,\"a\":1}},"
                        + "{\"topic\":\"room1\",\"event\":\"meta\",\"payload\":{},"
                        + "\"id\":\"00000000-0000-4000-8000-000000000001\"}]}",
                "apikey", ANON, "Authorization", "Bearer " + ANON);
        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(res.body()).isEmpty();

        assertThat(v2.nextText()).isEqualTo("[null,null,\"realtime:room1\",\"broadcast\","
                + "{\"event\":\"order\",\"payload\":{\"a\":1,\"b\":2},\"type\":\"broadcast\"}]");
        assertThat(v2.nextText()).isEqualTo("[null,null,\"realtime:room1\",\"broadcast\",{\"event\":\"meta\","
                + "\"meta\":{\"id\":\"00000000-0000-4000-8000-000000000001\"},\"payload\":{},\"type\":\"broadcast\"}]");
        assertThat(v1.nextText()).isEqualTo("{\"event\":\"broadcast\",\"payload\":{\"event\":\"order\","
                + "\"payload\":{\"a\":1,\"b\":2},\"type\":\"broadcast\"},\"ref\":null,\"topic\":\"realtime:room1\"}");
        assertThat(v1.nextText()).contains("\"meta\":{\"id\":\"00000000-0000-4000-8000-000000000001\"}");
        // A public message does not reach a private channel; a private one reaches only it.
        privateV2.expectNothing(200);

        assertThat(post("/api/broadcast", "{\"messages\":[{\"topic\":\"room1\",\"event\":\"p\",\"payload\":{},"
                + "\"private\":true}]}", "apikey", ANON).statusCode()).isEqualTo(202);
        assertThat(privateV2.nextText()).isEqualTo("[null,null,\"realtime:room1\",\"broadcast\","
                + "{\"event\":\"p\",\"payload\":{},\"type\":\"broadcast\"}]");
        v2.expectNothing(200);
        v1.expectNothing(0);
    }

    @Test
    void missingOrBadTokenGets401Unauthorized() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withJwtSecret(SECRET));
        String body = "{\"messages\":[{\"topic\":\"room1\",\"event\":\"e\",\"payload\":{}}]}";
        HttpResponse<String> none = post("/api/broadcast", body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        // The Authorization header is read first: a bad bearer fails even with a good apikey.
        HttpResponse<String> bad = post("/api/broadcast", body, "Authorization", "Bearer " + Jwt.anonKey("other"),
                "apikey", ANON);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(server.refusals(Refusal.REST_UNAUTHORIZED)).isEqualTo(2);
    }

    @Test
    void invalidBodyGets422WithChangesetErrors() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withJwtSecret(SECRET));
        HttpResponse<String> noMessages = post("/api/broadcast", "{}", "apikey", ANON);
        assertThat(noMessages.statusCode()).isEqualTo(422);
        assertThat(noMessages.body()).isEqualTo("{\"errors\":{\"messages\":[\"can't be blank\"]}}");
        HttpResponse<String> bad = post("/api/broadcast", "{\"messages\":[{\"topic\":\"a\",\"event\":\"e\","
                + "\"payload\":{}},{\"event\":\"e\",\"payload\":[1]}]}", "apikey", ANON);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).isEqualTo("{\"errors\":{\"messages\":[{},{\"topic\":[\"can't be blank\"],"
                + "\"payload\":[\"is invalid\"]}]}}");
        assertThat(post("/api/broadcast", "not json", "apikey", ANON).statusCode()).isEqualTo(400);
    }

    @Test
    void eventsRateTriggeredGets429AndDeliveriesCountAsEvents() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withJwtSecret(SECRET)
                .withLimits(new StandInLimits(100, 1, 1000, 100)).withRateTick(Duration.ofMillis(200)));
        WsTestClient v2 = connect("2.0.0");
        joinV2(v2, "realtime:room1", false);
        String body = "{\"messages\":[{\"topic\":\"room1\",\"event\":\"e\",\"payload\":{}}]}";
        assertThat(post("/api/broadcast", body, "apikey", ANON).statusCode()).isEqualTo(202);
        assertThat(v2.nextText()).startsWith("[null,null,\"realtime:room1\",\"broadcast\"");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!server.eventsLimited() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        HttpResponse<String> limited = post("/api/broadcast", body, "apikey", ANON);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo("{\"message\":\"Too many requests\"}");
        assertThat(server.refusals(Refusal.REST_EVENTS_RATE_LIMITED)).isEqualTo(1);
    }

    @Test
    void dropRatioOneDropsRestDeliveriesToo() throws Exception {
        server = StandInServer.start(StandInConfig.defaults().withDropRatio(1.0));
        WsTestClient v2 = connect("2.0.0");
        joinV2(v2, "realtime:room1", false);
        // Without a secret any token (or none) is accepted.
        assertThat(post("/api/broadcast", "{\"messages\":[{\"topic\":\"room1\",\"event\":\"e\",\"payload\":{}}]}")
                .statusCode()).isEqualTo(202);
        v2.expectNothing(300);
        assertThat(server.deliveriesDropped()).isEqualTo(1);
    }
}
