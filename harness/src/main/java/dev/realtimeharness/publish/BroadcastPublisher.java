package dev.realtimeharness.publish;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Publishes a probe as a Realtime broadcast over WebSocket, the way a dispatcher app using realtime-js's
 * {@code channel.send({type:'broadcast', event, payload})} would: from connections of its own (the dispatcher pool,
 * sockets joined to the topics the probes go to), one broadcast per topic with the payload
 * {@code {"probe": "<runId>:<seq>"}}. Under vsn 2.0.0 each is a binary kind-3 frame, under 1.0.0 a JSON object.
 */
public final class BroadcastPublisher implements Publisher {
    public static final String EVENT = "order";

    private final BroadcastSender dispatchers;
    private final IntFunction<List<String>> topicsOfDriver;

    /**
     * @param dispatchers    the dispatcher connections, which between them have joined every topic probes go to
     * @param topicsOfDriver the full topics ({@code realtime:...}) a probe for driver {@code d} is sent to
     */
    public BroadcastPublisher(BroadcastSender dispatchers, IntFunction<List<String>> topicsOfDriver) {
        this.dispatchers = dispatchers;
        this.topicsOfDriver = topicsOfDriver;
    }

    @Override
    public int connections() {
        return dispatchers.connections();
    }

    @Override
    public void send(Probe probe, Outcome outcome) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("probe", probe.id());
        dispatchers.broadcast(probe.driver(), topicsOfDriver.apply(probe.driver()), EVENT, payload,
                (sendNanos, frames, lane) -> {
                    if (frames > 0 && lane >= 0) {
                        // One socket keeps its frames in order and acknowledges none: its own lane.
                        outcome.sentOnLane(probe, sendNanos, lane);
                    } else if (frames > 0) {
                        outcome.sent(probe, sendNanos); // over several sockets: no order to keep
                    } else {
                        outcome.failed(probe, "no dispatcher channel joined for driver " + probe.driver());
                    }
                });
    }

    @Override
    public String via() {
        return "broadcast";
    }

    @Override
    public void close() {
        // The dispatcher connections are owned and closed by the run.
    }
}
