package dev.realtimeharness.client;

import dev.realtimeharness.protocol.Vsn;
import java.net.URI;
import java.time.Duration;

/**
 * How the fleet connects: the socket URL (without query), apikey, serializer, heartbeat interval, pacing, and the
 * probe column the receive path scans for. Rates are per second across the whole fleet.
 */
public record FleetConfig(URI endpoint, String apikey, Vsn vsn, Duration heartbeat, double connectRatePerSecond,
        double joinRatePerSecond, Duration joinTimeout, String probeColumn, int eventLoopThreads) {

    @Override
    public String toString() {
        // The apikey stays out of logs: only the endpoint, which has no query.
        return "FleetConfig[" + endpoint + ", vsn " + vsn.wire() + ", heartbeat " + heartbeat + ", connect "
                + connectRatePerSecond + "/s, join " + joinRatePerSecond + "/s]";
    }

    /** The URL realtime-js builds: user params first, {@code vsn} last. */
    public URI socketUri() {
        StringBuilder q = new StringBuilder();
        if (apikey != null) {
            q.append("apikey=").append(java.net.URLEncoder.encode(apikey, java.nio.charset.StandardCharsets.UTF_8))
                    .append('&');
        }
        q.append("vsn=").append(vsn.wire());
        String base = endpoint.toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + q);
    }
}
