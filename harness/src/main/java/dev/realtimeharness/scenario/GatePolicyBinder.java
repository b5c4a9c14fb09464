package dev.realtimeharness.scenario;

import static dev.realtimeharness.scenario.FieldReader.child;
import static dev.realtimeharness.scenario.FieldReader.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@code gate.window}, {@code gate.maxFailedWindows} and {@code gate.abortOnFail} (contract.md) into a
 * {@link GatePolicy}, checked against the gate's checks: a window needs a check to judge per window, an early stop
 * only names checks of this gate that cannot pass again once failed ({@link GateKeys#canStopEarly}).
 */
final class GatePolicyBinder {
    private final Origins origins;
    private final FieldReader fields;

    GatePolicyBinder(Origins origins, FieldReader fields) {
        this.origins = origins;
        this.fields = fields;
    }

    GatePolicy bind(List<String> at, JsonNode node, Map<String, Double> checks) throws ScenarioException {
        if (node == null || !node.isObject()) {
            return GatePolicy.none();
        }
        Duration window = fields.duration(at, node, "window", null, false);
        if (window != null && (window.toMillis() % 1000 != 0)) {
            throw origins.error(path(at, "window"), "must be whole seconds (windows are made of the run's seconds), got "
                    + Durations.format(window));
        }
        int maxFailed = (int) fields.integer(at, node, "maxFailedWindows", 0, 0, Integer.MAX_VALUE);
        if (window == null && child(node, "maxFailedWindows") != null) {
            throw origins.error(path(at, "maxFailedWindows"), "needs gate.window (e.g. window: 1m)");
        }
        if (window != null && checks.keySet().stream().noneMatch(GateKeys::windowed)) {
            throw origins.error(path(at, "window"), "no check to judge per window: add a latency or loss check "
                    + "(e.g. latency.p99: 200ms, messages.lost: 0)");
        }
        Set<String> abortOn = new LinkedHashSet<>();
        List<String> abortAt = path(at, "abortOnFail");
        JsonNode abort = child(node, "abortOnFail");
        boolean flag = abort != null && (abort.isBoolean() || abort.isTextual()
                && (abort.asText().strip().equals("true") || abort.asText().strip().equals("false")));
        if (flag) {
            if (abort.asText().strip().equals("true")) {
                abortOn.add(GatePolicy.ALL);
            }
        } else if (abort != null) {
            List<String> keys = new ArrayList<>();
            if (abort.isArray()) {
                for (JsonNode k : abort) {
                    keys.add(fields.scalar(abortAt, k, "a gate key"));
                }
            } else {
                for (String k : fields.scalar(abortAt, abort, "true, false or a list of gate keys").split(",")) {
                    keys.add(k.strip());
                }
            }
            for (String k : keys) {
                if (k.equals(GatePolicy.WINDOWS_FAILED)) {
                    if (window == null) {
                        throw origins.error(abortAt, "windows.failed needs gate.window (e.g. window: 1m)");
                    }
                } else if (!checks.containsKey(k)) {
                    throw origins.error(abortAt, "'" + k + "' is not a check of this gate (checks: "
                            + String.join(", ", checks.keySet()) + (window == null ? "" : ", windows.failed") + ")");
                } else if (!GateKeys.canStopEarly(k)) {
                    throw origins.error(abortAt, "'" + k + "' cannot stop a run early: a whole-run figure like it can"
                            + " still come back; judge it per window (gate.window) and abort on windows.failed");
                }
                abortOn.add(k);
            }
        }
        return new GatePolicy(window, maxFailed, abortOn);
    }
}
