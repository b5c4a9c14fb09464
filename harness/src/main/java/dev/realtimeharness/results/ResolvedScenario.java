package dev.realtimeharness.results;

import dev.realtimeharness.scenario.Durations;
import dev.realtimeharness.scenario.EmbeddedConfig;
import dev.realtimeharness.scenario.FaultSpec;
import dev.realtimeharness.scenario.PostgresChangeSpec;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.GatePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** run.json's {@code scenario}: the scenario as it ran, in the scenario file's own vocabulary. */
public final class ResolvedScenario {
    private ResolvedScenario() {
    }

    /** After defaults and --set overrides; {@code transport} is the event-loop transport (epoll or nio). */
    public static Map<String, Object> of(Scenario scenario, String transport) {
        // A shard records the whole run's scenario (every shard the same, as merge checks); run.json's shard says
        // which part of it this one ran.
        Scenario s = scenario.whole();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("description", s.description());
        m.put("source", String.valueOf(s.source()));
        m.put("drivers", s.drivers());
        m.put("channelsPerDriver", s.channelsPerDriver());
        m.put("protocol", ordered("vsn", s.protocol().vsn(), "heartbeat", Durations.format(s.protocol().heartbeat())));
        List<Map<String, Object>> pcs = new ArrayList<>();
        for (PostgresChangeSpec pc : s.channel().postgresChanges()) {
            pcs.add(ordered("event", pc.event(), "schema", pc.schema(), "table", pc.table(), "filter", pc.filter()));
        }
        m.put("channel", ordered("topic", s.channel().topic(), "postgresChanges", pcs,
                "broadcast", ordered("self", s.channel().broadcast().self(), "ack", s.channel().broadcast().ack()),
                "presence", ordered("enabled", s.channel().presence().enabled())));
        m.put("publish", ordered("via", s.publish().via().wireName(), "messages", s.publish().messages(),
                "rate", s.publish().rate().format(), "table", s.publish().table(),
                "probeColumn", s.publish().probeColumn()));
        m.put("ramp", ordered("connectRate", s.ramp().connectRate().format(),
                "joinRate", s.ramp().joinRate().format()));
        m.put("duration", Durations.format(s.duration()));
        m.put("drainTimeout", Durations.format(s.drainTimeout()));
        m.put("warmup", Durations.format(s.warmup()));
        EmbeddedConfig e = s.target().embedded().resolvedFor(s);
        m.put("target", ordered("embedded", ordered("delay", Durations.format(e.delay()),
                "jitter", Durations.format(e.jitter()), "dropRatio", e.dropRatio(),
                "stallAfter", Durations.format(e.stallAfter()), "stallFor", Durations.format(e.stallFor()),
                "disconnectRatio", e.disconnectRatio(), "disconnectAfter", Durations.format(e.disconnectAfter()),
                "withholdReadyRatio", e.withholdReadyRatio(), "rejectJoinRatio", e.rejectJoinRatio(),
                "cdc", e.cdc().mode().key(), "poll", ordered("interval", Durations.format(e.cdc().interval()),
                        "maxChanges", e.cdc().maxChanges(), "idleMultiplier", e.cdc().idleMultiplier(),
                        "subscribeDelay", Durations.format(e.cdc().subscribeDelay())), "faults", faults(e))));
        Map<String, Object> gate = new LinkedHashMap<>(s.gate());
        GatePolicy policy = s.gatePolicy();
        if (policy.windowed()) {
            gate.put("window", Durations.format(policy.window()));
            gate.put("maxFailedWindows", policy.maxFailedWindows());
        }
        if (!policy.abortOn().isEmpty()) {
            gate.put("abortOnFail", policy.abortOn().contains(GatePolicy.ALL) ? true : List.copyOf(policy.abortOn()));
        }
        m.put("gate", gate);
        m.put("transport", transport);
        return m;
    }

    // target.embedded.faults as written: [{at: 2m, disconnect: 10%}, {at: 14m, delay: 250ms, for: 2s}]
    private static List<Map<String, Object>> faults(EmbeddedConfig e) {
        List<Map<String, Object>> faults = new ArrayList<>();
        for (FaultSpec f : e.faults()) {
            Map<String, Object> m = ordered(f.at() != null ? "at" : "every", Durations.format(f.first()),
                    f.kind().key(), f.kind() == FaultSpec.Kind.RESTART_DATABASE ? (Object) true : f.value());
            if (f.window() != null) {
                m.put("for", Durations.format(f.window()));
            }
            faults.add(m);
        }
        return faults;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

}
