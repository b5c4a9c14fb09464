package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.auth.Jwt;
import dev.realtimeharness.scenario.Drivers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official client, {@code @supabase/realtime-js} under node, against one {@code harness target} process:
 * postgres_changes with filters, RLS, broadcast with self/ack (text and binary frames), REST broadcast, presence,
 * setAuth's access_token pushes and the channel limit, each a scenario of src/test/js/realtime-js-check/scenarios.mjs
 * driven step by step from here. Every test uses its own topics and drivers, so none sees another's traffic.
 */
class RealtimeJsScenariosIT {
    private static final Path CHECK_DIR = NodeScenario.CHECK_DIR;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMIT_TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final int DRIVERS = 10;

    private static HarnessTargetProcess target;
    private static JsonNode info;

    @BeforeAll
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    static void startTarget() throws Exception {
        NodeScenario.assertRealtimeJsInstalled();
        // Its own `harness target` process, not the shared in-JVM target: the command and the jar are under test.
        target = HarnessTargetProcess.start(DRIVERS);
        info = target.info();
    }

    @AfterAll
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    static void stopTarget() throws Exception {
        if (target != null) {
            target.close();
        }
    }

    // ---- postgres_changes --------------------------------------------------------------------------------------

    /**
     * INSERT and UPDATE bindings with an eq filter and an in filter each, and an unfiltered DELETE binding, all on
     * one channel of driver D's client. Every change goes to exactly the bindings whose filter matches it; a DELETE
     * is not RLS-checked, so D also gets the DELETE of another driver's row, and its {@code old} is the primary key
     * only.
     */
    @ParameterizedTest(name = "vsn {0}")
    @ValueSource(strings = {"2.0.0", "1.0.0"})
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void postgresChangesReachOnlyTheBindingsWhoseFilterMatches(String vsn) throws Exception {
        String own = driver(vsn.equals("2.0.0") ? 1 : 2);
        String other = driver(vsn.equals("2.0.0") ? 3 : 4);
        try (NodeScenario node = start("changes", vsn, "--access-token", token(own), "--driver", own)) {
            node.awaitReady();
            long newOwn;
            long cancelledOwn;
            long newOther;
            // Step by step: the RLS check of an INSERT or UPDATE looks the row up when the change is processed (as
            // apply_rls does), so a row deleted before its INSERT was processed is invisible by then.
            try (Connection c = RealtimeJsIT.connectThroughDbUrl(info.get("dbUrl").asText())) {
                newOwn = insertOrder(c, own, "new", "own new " + vsn);
                cancelledOwn = insertOrder(c, own, "cancelled", "own cancelled " + vsn);
                newOther = insertOrder(c, other, "new", "other new " + vsn);
                node.await("the INSERT of " + cancelledOwn, l -> l.path("change").asText().equals("insert-own")
                        && l.path("payload").path("new").path("id").asLong() == cancelledOwn);
                setStatus(c, newOwn, "assigned");
                setStatus(c, newOwn, "picked_up");
                node.await("the UPDATE to picked_up", l -> l.path("change").asText().equals("update-status"));
                delete(c, cancelledOwn);
                delete(c, newOther);
            }
            // Changes reach a socket in commit order: the last DELETE comes after everything else.
            node.await("the DELETE of " + newOther, l -> l.path("change").asText().equals("delete")
                    && l.path("payload").path("old").path("id").asLong() == newOther);
            List<JsonNode> lines = node.finish();
            Instant now = Instant.now();

            List<JsonNode> insertOwn = changes(lines, "insert-own");
            assertThat(insertOwn).extracting(p -> p.path("new").path("id").asLong()).containsExactly(newOwn,
                    cancelledOwn);
            JsonNode first = insertOwn.get(0);
            assertThat(first.path("eventType").asText()).isEqualTo("INSERT");
            assertThat(first.path("schema").asText()).isEqualTo("public");
            assertThat(first.path("table").asText()).isEqualTo("orders");
            assertThat(first.has("errors") && first.get("errors").isNull()).as("errors is null: %s", first).isTrue();
            assertThat(first.path("old")).as("old of an INSERT").isEqualTo(JSON.createObjectNode());
            assertThat(first.path("new").path("driver_id").asText()).isEqualTo(own);
            assertThat(first.path("new").path("status").asText()).isEqualTo("new");
            assertThat(first.path("new").path("notes").asText()).isEqualTo("own new " + vsn);
            assertThat(first.path("new").path("id").isNumber()).as("new.id is a number: %s", first).isTrue();
            String commitTimestamp = first.path("commit_timestamp").asText();
            assertThat(commitTimestamp).matches(COMMIT_TIMESTAMP);
            assertThat(Duration.between(Instant.parse(commitTimestamp), now).abs()).isLessThan(Duration.ofSeconds(30));

            // status=in.(new,assigned): the new order, not the cancelled one.
            assertThat(changes(lines, "insert-status")).extracting(p -> p.path("new").path("id").asLong())
                    .containsExactly(newOwn);

            List<JsonNode> updateOwn = changes(lines, "update-own");
            assertThat(updateOwn).extracting(p -> p.path("eventType").asText()).containsOnly("UPDATE");
            assertThat(updateOwn).extracting(p -> p.path("new").path("id").asLong()).containsExactly(newOwn, newOwn);
            assertThat(updateOwn).extracting(p -> p.path("new").path("status").asText())
                    .containsExactly("assigned", "picked_up");
            for (JsonNode u : updateOwn) {
                // orders has the default replica identity: the old row of an UPDATE is its key at most.
                assertThat(u.path("old").path("id").asLong(newOwn)).as("old of an UPDATE: %s", u).isEqualTo(newOwn);
                assertThat(u.path("old").has("status")).as("old of an UPDATE: %s", u).isFalse();
                assertThat(u.path("commit_timestamp").asText()).matches(COMMIT_TIMESTAMP);
            }
            // status=in.(picked_up,delivered): only the second update.
            assertThat(changes(lines, "update-status")).extracting(p -> p.path("new").path("status").asText())
                    .containsExactly("picked_up");

            List<JsonNode> deletes = changes(lines, "delete");
            assertThat(deletes).extracting(p -> p.path("old").path("id").asLong()).containsExactly(cancelledOwn,
                    newOther);
            for (JsonNode d : deletes) {
                assertThat(d.path("eventType").asText()).isEqualTo("DELETE");
                assertThat(d.path("new")).as("new of a DELETE").isEqualTo(JSON.createObjectNode());
                // RLS table: the old record carries the primary key only (protocol.md §5).
                assertThat(d.path("old").size()).as("old of a DELETE: %s", d).isEqualTo(1);
                assertThat(d.has("errors") && d.get("errors").isNull()).as("errors is null: %s", d).isTrue();
                assertThat(d.path("commit_timestamp").asText()).matches(COMMIT_TIMESTAMP);
            }
            assertThat(lines).filteredOn(l -> l.has("change")).extracting(l -> l.get("change").asText())
                    .containsOnly("insert-own", "insert-status", "update-own", "update-status", "delete");

            // One frame per change and channel, its ids naming every matching binding (2 inserts, 2 updates, 2
            // deletes; the other driver's insert is hidden by RLS). Both serializers carry them as text: a JSON
            // array (2.0.0) or object (1.0.0).
            List<JsonNode> frames = wire(lines, w -> w.path("event").asText().equals("postgres_changes"));
            assertThat(frames).hasSize(6).allMatch(w -> w.path("frame").asText().equals("text")
                    && w.path("dir").asText().equals("in") && w.path("join_ref").isNull()
                    && w.path("ref").isNull());
            if (vsn.equals("1.0.0")) {
                assertThat(wire(lines, w -> true)).noneMatch(w -> w.path("frame").asText().equals("binary"));
            }
            node.passed();
        }
    }

    // ---- RLS ---------------------------------------------------------------------------------------------------

    /**
     * The same unfiltered INSERT subscription for driver A's token (setAuth), driver B's token (the accessToken
     * callback) and the anon key: each driver gets its own order and not the other's, anon gets nothing.
     */
    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void rlsDeliversEachDriverItsOwnOrdersAndAnonNothing() throws Exception {
        String a = driver(5);
        String b = driver(6);
        try (NodeScenario node = start("rls", "2.0.0", "--token-a", token(a), "--token-b", token(b))) {
            node.awaitReady();
            long orderA;
            long orderB;
            try (Connection c = RealtimeJsIT.connectThroughDbUrl(info.get("dbUrl").asText())) {
                orderB = insertOrder(c, b, "new", "rls b");
                orderA = insertOrder(c, a, "new", "rls a");
            }
            node.await("a's order", l -> l.path("client").asText().equals("a") && l.has("change"));
            node.await("b's order", l -> l.path("client").asText().equals("b") && l.has("change"));
            List<JsonNode> lines = node.finish();

            assertThat(changesOf(lines, "a")).extracting(p -> p.path("new").path("id").asLong())
                    .containsExactly(orderA);
            assertThat(changesOf(lines, "a").get(0).path("new").path("driver_id").asText()).isEqualTo(a);
            assertThat(changesOf(lines, "b")).extracting(p -> p.path("new").path("id").asLong())
                    .containsExactly(orderB);
            assertThat(changesOf(lines, "anon")).as("anon's changes").isEmpty();
            // The anon client joined with no access_token (the apikey's role, anon); the others with theirs.
            assertThat(wire(lines, w -> w.path("event").asText().equals("phx_join")))
                    .extracting(w -> w.path("client").asText() + ":" + !w.path("access_token").isMissingNode())
                    .containsExactlyInAnyOrder("a:true", "b:true", "anon:false");
            node.passed();
        }
    }

    // ---- broadcast ---------------------------------------------------------------------------------------------

    /**
     * Client a (self, ack) and client b (neither) on one topic. a's message reaches a and b, and a's send() resolves
     * 'ok' only after the server's ok reply; b's reaches a but not b, and resolves 'ok' at once with no reply on the
     * wire. Under 2.0.0 every send is binary kind 3 and every delivery kind 4 (a raw ArrayBuffer too, payload
     * encoding 0); under 1.0.0 everything is text.
     */
    @ParameterizedTest(name = "vsn {0}")
    @ValueSource(strings = {"2.0.0", "1.0.0"})
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void broadcastHonoursSelfAndAck(String vsn) throws Exception {
        String topic = topic("broadcast");
        boolean v2 = vsn.equals("2.0.0");
        try (NodeScenario node = start("broadcast", vsn, "--topic", topic)) {
            node.awaitReady();
            node.perform("send-a");
            node.await("b receiving from-a", l -> received(l, "b", "from-a"));
            node.perform("send-b");
            node.await("a receiving from-b", l -> received(l, "a", "from-b"));
            if (v2) {
                node.perform("send-a-bytes");
                node.await("b receiving bytes-a", l -> received(l, "b", "bytes-a"));
            }
            List<JsonNode> lines = node.finish();

            JsonNode expectedA = JSON.readTree(
                    "{\"type\":\"broadcast\",\"event\":\"from-a\",\"payload\":{\"from\":\"a\",\"n\":1}}");
            JsonNode expectedB = JSON.readTree(
                    "{\"type\":\"broadcast\",\"event\":\"from-b\",\"payload\":{\"from\":\"b\",\"n\":2}}");
            // a: its own (self) and b's; b: a's only (no self).
            assertThat(broadcasts(lines, "a")).filteredOn(p -> !p.has("bytes")).containsExactly(expectedA, expectedB);
            assertThat(broadcasts(lines, "b")).filteredOn(p -> !p.has("bytes")).containsExactly(expectedA);
            assertThat(lines).filteredOn(l -> l.has("sent")).extracting(l -> l.get("sent").asText())
                    .containsOnly("ok");

            String refA = pushRef(lines, "a");
            String refB = pushRef(lines, "b");
            // ack: a's send() resolves after the reply to its push; without ack, b's resolves with no reply at all.
            int replyA = indexOf(lines, l -> isReply(l, "a", refA, topic));
            int sentA = indexOf(lines, l -> l.path("client").asText().equals("a") && l.has("sent"));
            assertThat(replyA).as("the ok reply to a's broadcast").isNotNegative().isLessThan(sentA);
            assertThat(lines.get(replyA).path("wire").path("status").asText()).isEqualTo("ok");
            assertThat(indexOf(lines, l -> isReply(l, "b", refB, topic))).as("a reply to b's broadcast").isNegative();

            List<JsonNode> out = wire(lines, w -> w.path("dir").asText().equals("out") && isBroadcastFrame(w));
            List<JsonNode> in = wire(lines, w -> w.path("dir").asText().equals("in") && isBroadcastFrame(w));
            assertThat(out).hasSize(v2 ? 3 : 2);
            assertThat(in).as("deliveries: a gets 2 (3), b gets 1 (2)").hasSize(v2 ? 5 : 3);
            if (v2) {
                assertThat(out).allMatch(w -> w.path("frame").asText().equals("binary") && w.path("kind").asInt() == 3
                        && w.path("topic").asText().equals("realtime:" + topic)
                        && w.path("metadata_length").asInt() == 0);
                assertThat(in).allMatch(w -> w.path("frame").asText().equals("binary") && w.path("kind").asInt() == 4
                        && w.path("topic").asText().equals("realtime:" + topic));
                assertThat(out).extracting(w -> w.path("event").asText() + "/" + w.path("encoding").asInt())
                        .containsExactly("from-a/1", "from-b/1", "bytes-a/0");
                assertThat(in).filteredOn(w -> w.path("event").asText().equals("bytes-a"))
                        .hasSize(2).allMatch(w -> w.path("encoding").asInt() == 0);
                JsonNode bytes = JSON.readTree("{\"type\":\"broadcast\",\"event\":\"bytes-a\",\"bytes\":[1,2,3,250]}");
                assertThat(broadcasts(lines, "a")).filteredOn(p -> p.has("bytes")).containsExactly(bytes);
                assertThat(broadcasts(lines, "b")).filteredOn(p -> p.has("bytes")).containsExactly(bytes);
            } else {
                assertThat(out).allMatch(w -> w.path("frame").asText().equals("text"));
                assertThat(in).allMatch(w -> w.path("frame").asText().equals("text"));
                assertThat(wire(lines, w -> true)).noneMatch(w -> w.path("frame").asText().equals("binary"));
            }
            node.passed();
        }
    }

    /**
     * POST restUrl/api/broadcast with the apikey (and Bearer) → 202 with an empty body, and both subscribed
     * clients get the message as a text broadcast frame under either vsn; a key that is no valid JWT of the
     * tenant → 401 {"message":"Unauthorized"} and nothing is delivered.
     */
    @ParameterizedTest(name = "vsn {0}")
    @ValueSource(strings = {"2.0.0", "1.0.0"})
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void restBroadcastIsDeliveredAndABadKeyIsRefused(String vsn) throws Exception {
        String topic = topic("rest");
        String apikey = info.get("apikey").asText();
        try (NodeScenario node = start("broadcast", vsn, "--topic", topic)) {
            node.awaitReady();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String wrongSecret = Jwt.userToken(driver(7), Jwt.randomSecret(), Instant.now(),
                    Instant.now().plusSeconds(3600));
            for (String bad : List.of("not-a-jwt", wrongSecret)) {
                HttpResponse<String> refused = postBroadcast(http, bad, null, topic, "from-bad-key");
                assertThat(refused.statusCode()).as("status with key %s", bad).isEqualTo(401);
                assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("{\"message\":\"Unauthorized\"}"));
            }
            HttpResponse<String> accepted = postBroadcast(http, apikey, null, topic, "from-rest");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.body()).isEmpty();
            HttpResponse<String> bearer = postBroadcast(http, apikey, apikey, topic, "from-rest-bearer");
            assertThat(bearer.statusCode()).isEqualTo(202);
            for (String client : List.of("a", "b")) {
                node.await(client + " receiving from-rest-bearer", l -> received(l, client, "from-rest-bearer"));
            }
            List<JsonNode> lines = node.finish();

            for (String client : List.of("a", "b")) {
                assertThat(broadcasts(lines, client)).extracting(p -> p.path("event").asText())
                        .containsExactly("from-rest", "from-rest-bearer");
                JsonNode first = broadcasts(lines, client).get(0);
                assertThat(first.path("type").asText()).isEqualTo("broadcast");
                assertThat(first.path("payload")).isEqualTo(JSON.readTree("{\"via\":\"rest\",\"n\":7}"));
            }
            // A REST broadcast is a Phoenix Broadcast: text under both serializers.
            assertThat(wire(lines, w -> w.path("dir").asText().equals("in") && isBroadcastFrame(w))).hasSize(4)
                    .allMatch(w -> w.path("frame").asText().equals("text"));
            node.passed();
        }
    }

    // ---- presence ----------------------------------------------------------------------------------------------

    /**
     * Clients a and b track on one topic: after a sync each sees both in presenceState(); b untracks → a gets a
     * leave for b; b tracks again → a gets the join; b leaves the channel → a gets the leave.
     */
    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void presenceSyncsBetweenTwoClients() throws Exception {
        try (NodeScenario node = start("presence", "2.0.0", "--topic", topic("presence"))) {
            node.awaitReady();
            node.perform("track");
            for (String client : List.of("a", "b")) {
                JsonNode sync = node.await(client + "'s sync with a and b",
                        l -> isPresence(l, client, "sync") && l.path("state").has("a") && l.path("state").has("b"));
                for (String key : List.of("a", "b")) {
                    JsonNode metas = sync.path("state").path(key);
                    assertThat(metas.size()).as("%s's metas in %s", key, sync).isEqualTo(1);
                    assertThat(metas.get(0).path("user").asText()).isEqualTo(key);
                    assertThat(metas.get(0).path("online_at").asText()).isEqualTo("now");
                    assertThat(metas.get(0).path("presence_ref").asText()).isNotEmpty();
                }
            }
            node.perform("untrack-b");
            JsonNode leave = node.await("a's leave of b", l -> isPresence(l, "a", "leave"));
            assertThat(leave.path("key").asText()).isEqualTo("b");
            assertThat(leave.path("presences").get(0).path("user").asText()).isEqualTo("b");
            // A sync that node printed with the earlier join can reach us after the action was sent, so look for the
            // sync without b: it must come (or the wait fails), and a must still be in it.
            JsonNode sync = node.await("a's sync without b after the leave",
                    l -> isPresence(l, "a", "sync") && !l.path("state").has("b"));
            assertThat(sync.path("state").has("a")).as("a in %s", sync).isTrue();

            node.perform("track-b");
            JsonNode join = node.await("a's join of b", l -> isPresence(l, "a", "join"));
            assertThat(join.path("key").asText()).isEqualTo("b");
            assertThat(join.path("presences").get(0).path("online_at").asText()).isEqualTo("again");

            node.perform("leave-b");
            leave = node.await("a's leave of b after b left", l -> isPresence(l, "a", "leave"));
            assertThat(leave.path("key").asText()).isEqualTo("b");
            sync = node.await("a's sync without b after b left",
                    l -> isPresence(l, "a", "sync") && !l.path("state").has("b"));
            assertThat(sync.path("state").has("a")).as("a in %s", sync).isTrue();
            List<JsonNode> lines = node.finish();
            assertThat(lines).filteredOn(l -> l.has("tracked") || l.has("untracked") || l.has("left"))
                    .extracting(l -> l.path("client").asText() + ":" + (l.has("tracked") ? "tracked:"
                            + l.get("tracked").asText() : l.has("untracked") ? "untracked:"
                            + l.get("untracked").asText() : "left:" + l.get("left").asText()))
                    .containsExactlyInAnyOrder("a:tracked:ok", "b:tracked:ok", "b:untracked:ok", "b:tracked:ok",
                            "b:left:ok");
            node.passed();
        }
    }

    // ---- setAuth -----------------------------------------------------------------------------------------------

    /**
     * setAuth(newToken) after two channels are joined: realtime-js pushes access_token with the new token to each,
     * under the channel's join_ref; the server replies nothing, both stay joined, and the change subscription now
     * follows the new token's claims (driver Y's orders instead of driver X's).
     */
    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void setAuthPushesAccessTokenToEveryJoinedChannel() throws Exception {
        String x = driver(8);
        String y = driver(9);
        String oldToken = token(x);
        String newToken = token(y);
        String topic = topic("set-auth");
        try (NodeScenario node = start("set-auth", "2.0.0", "--topic", topic, "--access-token", oldToken,
                "--new-access-token", newToken)) {
            node.awaitReady();
            node.perform("set-auth");
            // Time for a reply or a close that must not come.
            Thread.sleep(300);
            node.perform("states");
            long orderX;
            long orderY;
            try (Connection c = RealtimeJsIT.connectThroughDbUrl(info.get("dbUrl").asText())) {
                orderX = insertOrder(c, x, "new", "set-auth x");
                orderY = insertOrder(c, y, "new", "set-auth y");
            }
            node.await("y's order", l -> l.has("change") && l.path("payload").path("new").path("id").asLong() == orderY);
            List<JsonNode> lines = node.finish();

            List<String> topics = List.of("realtime:" + topic + "-changes", "realtime:" + topic + "-plain");
            for (String t : topics) {
                JsonNode join = wire(lines, w -> isOut(w, t, "phx_join")).get(0);
                assertThat(join.path("access_token").asText()).isEqualTo(oldToken);
                List<JsonNode> pushes = wire(lines, w -> isOut(w, t, "access_token"));
                assertThat(pushes).as("access_token pushes to %s", t).hasSize(1);
                JsonNode push = pushes.get(0);
                assertThat(push.path("frame").asText()).isEqualTo("text");
                assertThat(push.path("access_token").asText()).isEqualTo(newToken);
                assertThat(push.path("join_ref").asText()).isEqualTo(join.path("join_ref").asText());
                String ref = push.path("ref").asText();
                assertThat(wire(lines, w -> w.path("dir").asText().equals("in") && w.path("topic").asText().equals(t)
                        && ref.equals(w.path("ref").asText()))).as("the server's answer to the access_token push")
                        .isEmpty();
                // Stayed joined: nothing on the topic from the server between the push and our own leave (no reply,
                // close, error or system message), and the channel says it is joined.
                int pushed = indexOf(lines, l -> isOut(l.path("wire"), t, "access_token"));
                int leave = indexOf(lines, l -> isOut(l.path("wire"), t, "phx_leave"));
                assertThat(leave).as("our phx_leave of %s", t).isGreaterThan(pushed);
                assertThat(lines.subList(pushed, leave)).as("frames from the server on %s after access_token", t)
                        .noneMatch(l -> l.path("wire").path("dir").asText().equals("in")
                                && l.path("wire").path("topic").asText().equals(t)
                                && !l.path("wire").path("event").asText().equals("postgres_changes"));
                String sub = t.substring("realtime:".length());
                assertThat(lines).filteredOn(l -> l.path("channel").asText().equals(sub) && l.has("state"))
                        .extracting(l -> l.get("state").asText()).containsExactly("joined");
                assertThat(lines).filteredOn(l -> l.path("channel").asText().equals(sub) && l.has("status"))
                        .extracting(l -> l.get("status").asText()).containsExactly("SUBSCRIBED", "CLOSED");
            }
            // The server re-evaluates RLS with the new claims.
            assertThat(lines).filteredOn(l -> l.has("change")).extracting(l -> l.path("payload").path("new")
                    .path("id").asLong()).as("orders delivered (x's is %d)", orderX).containsExactly(orderY);
            node.passed();
        }
    }

    // ---- limits ------------------------------------------------------------------------------------------------

    /**
     * 100 channels on one client join; the 101st gets CHANNEL_ERROR with the server's reason as err.message, after
     * the 5 s join error delay.
     */
    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void the101stChannelOfAClientIsRefusedWithTheRealReason() throws Exception {
        String topic = topic("limit");
        try (NodeScenario node = start("channel-limit", "2.0.0", "--topic", topic, "--channels", "100")) {
            node.awaitReady();
            node.perform("extra");
            List<JsonNode> lines = node.finish();
            assertThat(lines).filteredOn(l -> l.has("joined")).extracting(l -> l.get("joined").asInt())
                    .containsExactly(100);
            assertThat(lines).filteredOn(l -> "SUBSCRIBED".equals(l.path("status").asText())).hasSize(100);
            JsonNode extra = lines.stream().filter(l -> l.has("extra")).findFirst().orElseThrow();
            assertThat(extra.path("extra").path("status").asText()).isEqualTo("CHANNEL_ERROR");
            assertThat(extra.path("extra").path("error").asText()).isEqualTo("ChannelRateLimitReached: Too many channels");
            assertThat(extra.path("elapsedMs").asLong()).as("ms until the error").isGreaterThanOrEqualTo(4900);
            String t = "realtime:" + topic + "-100";
            assertThat(wire(lines, w -> w.path("dir").asText().equals("in") && w.path("topic").asText().equals(t)
                    && w.path("event").asText().equals("phx_reply"))).extracting(w -> w.path("status").asText())
                    .first().isEqualTo("error");
            node.passed();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static NodeScenario start(String scenario, String vsn, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--ws-url", info.get("wsUrl").asText(),
                "--apikey", info.get("apikey").asText(), "--vsn", vsn, "--timeout-ms", "30000"));
        all.addAll(List.of(args));
        return NodeScenario.start(CHECK_DIR, scenario, all);
    }

    private static String driver(int index) {
        assertThat(index).isBetween(1, DRIVERS);
        return Drivers.id(index).toString();
    }

    private static String token(String driver) {
        Instant now = Instant.now();
        return Jwt.userToken(driver, info.get("jwtSecret").asText(), now, now.plusSeconds(3600));
    }

    private static String topic(String what) {
        return "rtjs-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpResponse<String> postBroadcast(HttpClient http, String apikey, String bearer, String topic,
            String event) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(JSON.createObjectNode().set("messages", JSON.createArrayNode().add(
                JSON.createObjectNode().put("topic", topic).put("event", event)
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("payload",
                                JSON.createObjectNode().put("via", "rest").put("n", 7)))));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(info.get("restUrl").asText() + "/api/broadcast"))
                .timeout(Duration.ofSeconds(10))
                .header("apikey", apikey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> changes(List<JsonNode> lines, String label) {
        return lines.stream().filter(l -> l.path("change").asText().equals(label)).map(l -> l.get("payload"))
                .toList();
    }

    private static List<JsonNode> changesOf(List<JsonNode> lines, String client) {
        return lines.stream().filter(l -> l.has("change") && l.path("client").asText().equals(client))
                .map(l -> l.get("payload")).toList();
    }

    private static List<JsonNode> broadcasts(List<JsonNode> lines, String client) {
        return lines.stream().filter(l -> l.has("broadcast") && l.path("client").asText().equals(client))
                .map(l -> l.get("broadcast")).toList();
    }

    private static List<JsonNode> wire(List<JsonNode> lines, Predicate<JsonNode> p) {
        return lines.stream().filter(l -> l.has("wire")).map(l -> l.get("wire")).filter(p).toList();
    }

    private static boolean received(JsonNode l, String client, String event) {
        return l.path("client").asText().equals(client) && l.path("broadcast").path("event").asText().equals(event);
    }

    private static boolean isPresence(JsonNode l, String client, String event) {
        return l.path("client").asText().equals(client) && l.path("presence").asText().equals(event);
    }

    private static boolean isOut(JsonNode w, String topic, String event) {
        return w.path("dir").asText().equals("out") && w.path("topic").asText().equals(topic)
                && w.path("event").asText().equals(event);
    }

    /** A broadcast frame: text with event "broadcast", or binary kind 3 / 4. */
    private static boolean isBroadcastFrame(JsonNode w) {
        return w.path("frame").asText().equals("binary") ? w.path("kind").asInt() == 3 || w.path("kind").asInt() == 4
                : w.path("event").asText().equals("broadcast");
    }

    /** The ref of the client's first broadcast push. */
    private static String pushRef(List<JsonNode> lines, String client) {
        return wire(lines, w -> w.path("client").asText().equals(client) && w.path("dir").asText().equals("out")
                && isBroadcastFrame(w)).get(0).path("ref").asText();
    }

    private static boolean isReply(JsonNode l, String client, String ref, String topic) {
        JsonNode w = l.path("wire");
        return w.path("client").asText().equals(client) && w.path("dir").asText().equals("in")
                && w.path("event").asText().equals("phx_reply") && w.path("ref").asText().equals(ref)
                && w.path("topic").asText().equals("realtime:" + topic);
    }

    private static int indexOf(List<JsonNode> lines, Predicate<JsonNode> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static long insertOrder(Connection c, String driver, String status, String notes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into public.orders (driver_id, status, notes) values (?::uuid, ?, ?) returning id")) {
            ps.setString(1, driver);
            ps.setString(2, status);
            ps.setString(3, notes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setStatus(Connection c, long id, String status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update public.orders set status = ? where id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from public.orders where id = ?")) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
