package dev.realtimeharness.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a probe through Realtime's REST broadcast endpoint, {@code POST /realtime/v1/api/broadcast}, as a
 * backend service would: one request per probe carrying one message for each of the driver's topics,
 * {@code {"messages":[{"topic":"<sub-topic>","event":E,"payload":{"probe":ID},"private":false}]}}, with the
 * {@code apikey} and {@code Authorization: Bearer} headers. Success is 202 with an empty body (protocol.md §6); any
 * other answer fails the probe with its status and body. Requests are asynchronous, so the publish thread never
 * waits for the server: they run concurrently on the client's pooled connections, and nothing orders two of them but
 * the 202 of the first arriving before the second is sent (reported as its acknowledgement).
 */
public final class RestPublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(RestPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final ExecutorService executor;
    private final URI endpoint;
    private final String apikey;
    private final String bearer;
    private final String event;
    private final boolean isPrivate;
    private final IntFunction<List<String>> subTopicsOfDriver;

    /**
     * @param endpoint          the batch endpoint, {@code http(s)://HOST/realtime/v1/api/broadcast}
     * @param bearer            the token for {@code Authorization: Bearer} (the apikey when null)
     * @param subTopicsOfDriver the topics of driver d without the {@code realtime:} prefix
     */
    public RestPublisher(URI endpoint, String apikey, String bearer, String event, boolean isPrivate,
            IntFunction<List<String>> subTopicsOfDriver, SSLContext ssl) {
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "publisher-rest");
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder b = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.endpoint = endpoint;
        this.apikey = apikey;
        this.bearer = bearer != null ? bearer : apikey;
        this.event = event;
        this.isPrivate = isPrivate;
        this.subTopicsOfDriver = subTopicsOfDriver;
    }

    /** The REST endpoint realtime-js derives from a socket URL: ws→http, strip /websocket, add /api/broadcast. */
    public static URI endpointFor(URI socketUrl) {
        String s = socketUrl.toString();
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        s = s.replaceFirst("^ws", "http");
        if (s.endsWith("/websocket")) {
            s = s.substring(0, s.length() - "/websocket".length());
        }
        return URI.create(s + "/api/broadcast");
    }

    static String body(Probe probe, List<String> subTopics, String event, boolean isPrivate) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        for (String topic : subTopics) {
            ObjectNode m = messages.addObject();
            m.put("topic", topic);
            m.put("event", event);
            m.putObject("payload").put("probe", probe.id());
            m.put("private", isPrivate);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(Probe probe, Outcome outcome) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("apikey", apikey)
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(probe, subTopicsOfDriver.apply(probe.driver()), event,
                        isPrivate)))
                .build();
        outcome.sent(probe, System.nanoTime());
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                outcome.failed(probe, "REST broadcast failed: " + error);
            } else if (response.statusCode() != 202) {
                String reason = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
                log.debug("REST broadcast for {} refused: {}", probe.id(), reason);
                outcome.failed(probe, reason);
            } else {
                outcome.acknowledged(probe);
            }
        });
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public String via() {
        return "rest";
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
