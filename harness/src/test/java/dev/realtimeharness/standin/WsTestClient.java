package dev.realtimeharness.standin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client on the JDK's WebSocket: every received frame lands in a queue, text as String, binary as byte[]. */
public final class WsTestClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    // System.nanoTime() when each frame of `frames` was complete, in the same order: calibration tests measure
    // receive time here, in the listener, not when the test thread gets round to polling.
    final BlockingQueue<Long> arrivalNanos = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private WsTestClient(String url, Map<String, String> headers) throws Exception {
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        this.ws = b.buildAsync(URI.create(url), new Listener()).get(10, TimeUnit.SECONDS);
    }

    public static WsTestClient connect(String url) throws Exception {
        return new WsTestClient(url, Map.of());
    }

    public static WsTestClient connect(String url, Map<String, String> headers) throws Exception {
        return new WsTestClient(url, headers);
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    public void sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public Object next() throws InterruptedException {
        Object f = frames.poll(5, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 5 s");
        }
        return f;
    }

    public String nextText() throws InterruptedException {
        Object f = next();
        if (!(f instanceof String s)) {
            throw new AssertionError("expected a text frame, got " + ((byte[]) f).length + " binary bytes");
        }
        return s;
    }

    public byte[] nextBinary() throws InterruptedException {
        Object f = next();
        if (!(f instanceof byte[] b)) {
            throw new AssertionError("expected a binary frame, got " + f);
        }
        return b;
    }

    /**
     * The next text frame with the System.nanoTime() at which the listener received it. Use it for every frame of
     * this client, or the times pair with the wrong frames.
     */
    public Timed nextTimedText() throws InterruptedException {
        String text = nextText();
        Long at = arrivalNanos.poll(5, TimeUnit.SECONDS);
        if (at == null) {
            throw new AssertionError("a frame without its arrival time");
        }
        return new Timed(text, at);
    }

    public record Timed(String text, long arrivalNanos) {
    }

    /** Asserts that nothing arrives within {@code millis}. */
    public void expectNothing(long millis) throws InterruptedException {
        Object f = frames.poll(millis, TimeUnit.MILLISECONDS);
        if (f != null) {
            throw new AssertionError("unexpected frame " + (f instanceof byte[] b ? b.length + " bytes" : f));
        }
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                arrivalNanos.add(System.nanoTime());
                frames.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                arrivalNanos.add(System.nanoTime());
                frames.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
