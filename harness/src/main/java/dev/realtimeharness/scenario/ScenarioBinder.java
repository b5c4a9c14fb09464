package dev.realtimeharness.scenario;

import static dev.realtimeharness.scenario.FieldReader.child;
import static dev.realtimeharness.scenario.FieldReader.describe;
import static dev.realtimeharness.scenario.FieldReader.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the merged YAML tree into a {@link Scenario}, checking every field. Defaults live here and only
 * here. Errors carry the path of the offending node; {@link Origins} turns that into file and line.
 */
final class ScenarioBinder {

    static final List<String> TOP_KEYS = List.of("name", "description", "drivers", "channelsPerDriver",
            "protocol", "channel", "publish", "ramp", "duration", "drainTimeout", "warmup", "target", "gate",
            "allowedHosts", "targetLimits");
    static final List<String> PROTOCOL_KEYS = List.of("vsn", "heartbeat");
    static final List<String> CHANNEL_KEYS = List.of("topic", "postgresChanges", "broadcast", "presence", "private");
    static final List<String> CHANGE_KEYS = List.of("event", "schema", "table", "filter");
    static final List<String> BROADCAST_KEYS = List.of("self", "ack");
    static final List<String> PRESENCE_KEYS = List.of("enabled", "track");
    static final List<String> PUBLISH_KEYS = List.of("via", "messages", "rate", "table", "probeColumn", "sql", "event",
            "connections");
    static final List<String> LIMIT_KEYS = List.of("maxConcurrentUsers", "maxEventsPerSecond", "maxJoinsPerSecond",
            "maxChannelsPerClient");
    static final List<String> RAMP_KEYS = List.of("connectRate", "joinRate");
    static final List<String> TARGET_KEYS = List.of("embedded");
    static final List<String> EMBEDDED_KEYS = List.of("delay", "jitter", "dropRatio", "stallAfter", "stallFor",
            "disconnectRatio", "rejectJoinRatio", "limits", "connectErrorDelay", "joinErrorDelay", "disconnectAfter",
            "withholdReadyRatio", "cdc", "poll", "faults");
    static final List<String> POLL_KEYS = List.of("interval", "maxChanges", "idleMultiplier", "subscribeDelay");

    static final long MAX_SUBSCRIPTIONS = Integer.MAX_VALUE - 8;
    // PostgreSQL's default max_connections is 100; more publisher connections than that cannot all open.
    private static final long MAX_PUBLISH_CONNECTIONS = 500;
    private static final long MAX_DISPATCHER_SOCKETS = 100_000; // broadcast: sockets, which open files bound
    private static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
    private static final List<String> EVENTS = List.of("*", "INSERT", "UPDATE", "DELETE");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FILTER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=(eq|neq|lt|lte|gt|gte|in)\\..+");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_TYPE =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private final Origins origins;
    private final FieldReader fields;

    ScenarioBinder(Origins origins) {
        this.origins = origins;
        this.fields = new FieldReader(origins);
    }

    Scenario bind(JsonNode root) throws ScenarioException {
        List<String> at = List.of();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw origins.error(at, "the file is empty; a scenario needs at least 'name' and 'publish'");
        }
        fields.object(at, root, TOP_KEYS);

        String name = fields.string(at, root, "name", null);
        if (name == null || name.isBlank()) {
            throw origins.error(path(at, "name"), "required");
        }
        String description = fields.string(at, root, "description", "");
        int drivers = (int) fields.integer(at, root, "drivers", 1, 1, Integer.MAX_VALUE);
        int channelsPerDriver = (int) fields.integer(at, root, "channelsPerDriver", 1, 1, Integer.MAX_VALUE);
        if ((long) drivers * channelsPerDriver > MAX_SUBSCRIPTIONS) {
            // Every subscription has a slot in the run's books, indexed by an int.
            throw origins.error(path(at, "channelsPerDriver"), "drivers x channelsPerDriver is "
                    + (long) drivers * channelsPerDriver + " subscriptions, more than the harness can count ("
                    + MAX_SUBSCRIPTIONS + ")");
        }
        ProtocolConfig protocol = protocol(path(at, "protocol"), child(root, "protocol"));
        ChannelConfig channel = channel(path(at, "channel"), child(root, "channel"), channelsPerDriver);
        List<String> publishAt = path(at, "publish");
        JsonNode publishNode = child(root, "publish");
        if (publishNode == null) {
            throw origins.error(publishAt, "required (at least 'rate', e.g. publish: {via: postgres, rate: 50/s})");
        }
        PublishConfig publish = publish(publishAt, publishNode, channel);
        RampConfig ramp = ramp(path(at, "ramp"), child(root, "ramp"));
        Duration duration = fields.duration(at, root, "duration", Scenario.DEFAULT_DURATION, false);
        // 0 would count every delivery lost the moment its probe is sent.
        Duration drainTimeout = fields.duration(at, root, "drainTimeout", Scenario.DEFAULT_DRAIN_TIMEOUT, false);
        TargetConfig target = target(path(at, "target"), child(root, "target"), duration);
        Duration warmup = fields.duration(at, root, "warmup", Scenario.DEFAULT_WARMUP, true); // 0: no warm-up
        Map<String, Double> gate = gate(path(at, "gate"), child(root, "gate"));
        GatePolicy gatePolicy = new GatePolicyBinder(origins, fields).bind(path(at, "gate"), child(root, "gate"), gate);
        List<String> allowedHosts = hosts(path(at, "allowedHosts"), child(root, "allowedHosts"));
        TargetLimits targetLimits = limits(path(at, "targetLimits"), child(root, "targetLimits"));
        return new Scenario(name, description, drivers, channelsPerDriver, protocol, channel, publish, ramp,
                duration, drainTimeout, target, gate, origins.file(), allowedHosts, targetLimits, gatePolicy, warmup);
    }

    private ProtocolConfig protocol(List<String> at, JsonNode node) throws ScenarioException {
        ProtocolConfig d = ProtocolConfig.defaults();
        if (node == null) {
            return d;
        }
        fields.object(at, node, PROTOCOL_KEYS);
        String vsn = fields.string(at, node, "vsn", d.vsn());
        if (!vsn.equals(ProtocolConfig.VSN_1) && !vsn.equals(ProtocolConfig.VSN_2)) {
            throw origins.error(path(at, "vsn"), "must be \"1.0.0\" or \"2.0.0\", got '" + vsn + "'");
        }
        Duration heartbeat = fields.duration(at, node, "heartbeat", d.heartbeat(), false);
        if (heartbeat.compareTo(MIN_HEARTBEAT) < 0) {
            // Below a second the heartbeats are load of their own, and no real client sends them that often.
            throw origins.error(path(at, "heartbeat"), "must be at least 1s (realtime-js sends one every 25s), got "
                    + Durations.format(heartbeat));
        }
        return new ProtocolConfig(vsn, heartbeat);
    }

    private ChannelConfig channel(List<String> at, JsonNode node, int channelsPerDriver) throws ScenarioException {
        if (node != null) {
            fields.object(at, node, CHANNEL_KEYS);
        }
        String topic = fields.string(at, node, "topic", ChannelConfig.DEFAULT_TOPIC);
        fields.template(path(at, "topic"), topic);
        if (topic.isBlank()) {
            throw origins.error(path(at, "topic"), "must not be empty");
        }
        // Phoenix keeps one channel per topic on a socket: a second join of the same topic replaces the first.
        if (channelsPerDriver > 1 && !TopicTemplate.uses(topic, "channel")) {
            throw origins.error(path(at, "topic"), "must contain {channel} when channelsPerDriver is "
                    + channelsPerDriver + ", or the channels of one driver share one topic");
        }
        List<PostgresChangeSpec> changes = new ArrayList<>();
        JsonNode list = child(node, "postgresChanges");
        List<String> listAt = path(at, "postgresChanges");
        if (list != null) {
            if (!list.isArray()) {
                throw origins.error(listAt, "must be a list of {event, schema, table, filter}, got " + describe(list));
            }
            for (int i = 0; i < list.size(); i++) {
                changes.add(change(path(listAt, Integer.toString(i)), list.get(i)));
            }
        }
        BroadcastConfig broadcast = BroadcastConfig.defaults();
        JsonNode b = child(node, "broadcast");
        if (b != null) {
            List<String> bAt = path(at, "broadcast");
            fields.object(bAt, b, BROADCAST_KEYS);
            broadcast = new BroadcastConfig(fields.bool(bAt, b, "self", false), fields.bool(bAt, b, "ack", false));
        }
        PresenceConfig presence = PresenceConfig.defaults();
        JsonNode p = child(node, "presence");
        if (p != null) {
            List<String> pAt = path(at, "presence");
            fields.object(pAt, p, PRESENCE_KEYS);
            Map<String, Object> track = null;
            JsonNode t = child(p, "track");
            if (t != null) {
                if (!t.isObject()) {
                    throw origins.error(path(pAt, "track"), "must be a mapping (the presence payload), got "
                            + describe(t));
                }
                track = JSON.convertValue(t, MAP_TYPE);
            }
            // Tracking enables presence on the real server whatever the join config says.
            presence = new PresenceConfig(fields.bool(pAt, p, "enabled", false) || track != null, track);
        }
        return new ChannelConfig(topic, changes, broadcast, presence, fields.bool(at, node, "private", false));
    }

    private PostgresChangeSpec change(List<String> at, JsonNode node) throws ScenarioException {
        fields.object(at, node, CHANGE_KEYS);
        String event = fields.string(at, node, "event", "*").toUpperCase(Locale.ROOT);
        if (!EVENTS.contains(event)) {
            throw origins.error(path(at, "event"), "must be one of \"*\", INSERT, UPDATE, DELETE, got '"
                    + node.get("event").asText() + "'");
        }
        String schema = fields.string(at, node, "schema", "public");
        if (!IDENT.matcher(schema).matches()) {
            throw origins.error(path(at, "schema"), "must be an SQL identifier, got '" + schema + "'");
        }
        String table = fields.string(at, node, "table", null);
        if (table == null) {
            throw origins.error(path(at, "table"), "required");
        }
        if (!table.equals("*") && !IDENT.matcher(table).matches()) {
            throw origins.error(path(at, "table"), "must be an SQL identifier or \"*\", got '" + table + "'");
        }
        String filter = fields.string(at, node, "filter", null);
        if (filter != null) {
            if (!FILTER.matcher(filter).matches()) {
                throw origins.error(path(at, "filter"),
                        "must look like COLUMN=OP.VALUE with OP one of eq, neq, lt, lte, gt, gte, in; got '" + filter + "'");
            }
            fields.template(path(at, "filter"), filter);
        }
        return new PostgresChangeSpec(event, schema, table, filter);
    }

    private PublishConfig publish(List<String> at, JsonNode node, ChannelConfig channel) throws ScenarioException {
        fields.object(at, node, PUBLISH_KEYS);
        PublishVia via = PublishVia.POSTGRES;
        JsonNode viaNode = child(node, "via");
        if (viaNode != null) {
            try {
                via = PublishVia.parse(fields.scalar(path(at, "via"), viaNode, "one of " + PublishVia.allowed()));
            } catch (IllegalArgumentException e) {
                throw origins.error(path(at, "via"), e.getMessage());
            }
        }
        Long messages = null;
        if (child(node, "messages") != null) {
            messages = fields.integer(at, node, "messages", 0, 1, Long.MAX_VALUE);
        }
        Rate rate = fields.rate(at, node, "rate", null);
        if (rate == null) {
            throw origins.error(path(at, "rate"), "required (N/s or N/m, e.g. 50/s)");
        }
        String table = fields.string(at, node, "table", PublishConfig.DEFAULT_TABLE);
        if (!QUALIFIED.matcher(table).matches()) {
            throw origins.error(path(at, "table"), "must be an SQL table name (optionally schema.table), got '" + table + "'");
        }
        String probeColumn = fields.string(at, node, "probeColumn", PublishConfig.DEFAULT_PROBE_COLUMN);
        if (!IDENT.matcher(probeColumn).matches()) {
            throw origins.error(path(at, "probeColumn"), "must be an SQL column name, got '" + probeColumn + "'");
        }
        String sql = fields.string(at, node, "sql", null);
        if (sql != null) {
            if (via != PublishVia.POSTGRES) {
                throw origins.error(path(at, "sql"), "only applies to via: postgres (this scenario publishes via "
                        + via.wireName() + ")");
            }
            try {
                SqlTemplate.parse(sql);
            } catch (IllegalArgumentException e) {
                throw origins.error(path(at, "sql"), e.getMessage());
            }
        }
        String event = fields.string(at, node, "event", PublishConfig.DEFAULT_EVENT);
        if (event.isBlank() || event.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw origins.error(path(at, "event"), "must be 1 to 255 bytes, got '" + event + "'");
        }
        Integer connections = null;
        if (child(node, "connections") != null) {
            connections = (int) fields.integer(at, node, "connections", 0, 1,
                    via == PublishVia.BROADCAST ? MAX_DISPATCHER_SOCKETS : MAX_PUBLISH_CONNECTIONS);
        }
        // A custom statement may write any table; the subscription check only applies to the default INSERT.
        if (via == PublishVia.POSTGRES && sql == null) {
            checkSubscribed(at, node, channel, table);
        }
        return new PublishConfig(via, messages, rate, table, probeColumn, sql, event, connections);
    }

    // Publishing rows nobody subscribed to would report every probe lost; say so before the run instead.
    private void checkSubscribed(List<String> at, JsonNode node, ChannelConfig channel, String table)
            throws ScenarioException {
        if (channel.postgresChanges().isEmpty()) {
            List<String> where = child(node, "via") != null ? path(at, "via") : at;
            throw origins.error(where, "publishing via postgres needs at least one channel.postgresChanges entry");
        }
        int dot = table.indexOf('.');
        String schema = dot < 0 ? "public" : table.substring(0, dot);
        String bare = dot < 0 ? table : table.substring(dot + 1);
        for (PostgresChangeSpec spec : channel.postgresChanges()) {
            if (spec.schema().equals(schema) && (spec.table().equals("*") || spec.table().equals(bare))) {
                return;
            }
        }
        List<String> where = child(node, "table") != null ? path(at, "table") : at;
        throw origins.error(where, "table '" + schema + "." + bare
                + "' is not subscribed by any channel.postgresChanges entry, so no probe would be delivered");
    }

    private RampConfig ramp(List<String> at, JsonNode node) throws ScenarioException {
        RampConfig d = RampConfig.defaults();
        if (node == null) {
            return d;
        }
        fields.object(at, node, RAMP_KEYS);
        return new RampConfig(fields.rate(at, node, "connectRate", d.connectRate()), fields.rate(at, node, "joinRate", d.joinRate()));
    }

    private TargetConfig target(List<String> at, JsonNode node, Duration duration) throws ScenarioException {
        if (node == null) {
            return TargetConfig.defaults();
        }
        fields.object(at, node, TARGET_KEYS);
        JsonNode e = child(node, "embedded");
        if (e == null) {
            return TargetConfig.defaults();
        }
        List<String> eAt = path(at, "embedded");
        fields.object(eAt, e, EMBEDDED_KEYS);
        return new TargetConfig(new EmbeddedConfig(
                fields.duration(eAt, e, "delay", Duration.ZERO, true),
                fields.duration(eAt, e, "jitter", Duration.ZERO, true),
                fields.ratio(eAt, e, "dropRatio"),
                fields.duration(eAt, e, "stallAfter", Duration.ZERO, true),
                fields.duration(eAt, e, "stallFor", Duration.ZERO, true),
                fields.ratio(eAt, e, "disconnectRatio"),
                fields.ratio(eAt, e, "rejectJoinRatio"),
                limits(path(eAt, "limits"), child(e, "limits")),
                fields.duration(eAt, e, "connectErrorDelay", EmbeddedConfig.DEFAULT_CONNECT_ERROR_DELAY, true),
                fields.duration(eAt, e, "joinErrorDelay", EmbeddedConfig.DEFAULT_JOIN_ERROR_DELAY, true),
                // Absent: halfway through publishing (EmbeddedConfig.resolvedFor), from the first delivery.
                fields.duration(eAt, e, "disconnectAfter", null, true),
                fields.ratio(eAt, e, "withholdReadyRatio"), cdc(eAt, e),
                new FaultScheduleBinder(origins, fields).bind(path(eAt, "faults"), child(e, "faults"), duration)));
    }

    /** {@code cdc: stream | poll} and the poller's knobs, which default to Supabase's (CdcConfig). */
    private CdcConfig cdc(List<String> at, JsonNode e) throws ScenarioException {
        String mode = fields.string(at, e, "cdc", CdcConfig.Mode.STREAM.key());
        if (!mode.equals(CdcConfig.Mode.STREAM.key()) && !mode.equals(CdcConfig.Mode.POLL.key())) {
            throw origins.error(path(at, "cdc"), "must be stream or poll, got \"" + mode + "\"");
        }
        JsonNode p = child(e, "poll");
        List<String> pAt = path(at, "poll");
        if (p != null) {
            fields.object(pAt, p, POLL_KEYS);
        }
        return new CdcConfig(CdcConfig.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                fields.duration(pAt, p, "interval", CdcConfig.DEFAULT_INTERVAL, false),
                (int) fields.integer(pAt, p, "maxChanges", CdcConfig.DEFAULT_MAX_CHANGES, 1, 1_000_000),
                (int) fields.integer(pAt, p, "idleMultiplier", CdcConfig.DEFAULT_IDLE_MULTIPLIER, 1, 1_000),
                fields.duration(pAt, p, "subscribeDelay", CdcConfig.DEFAULT_SUBSCRIBE_DELAY, true));
    }

    private TargetLimits limits(List<String> at, JsonNode node) throws ScenarioException {
        TargetLimits d = TargetLimits.supabaseDefaults();
        if (node == null) {
            return d;
        }
        fields.object(at, node, LIMIT_KEYS);
        return new TargetLimits(
                (int) fields.integer(at, node, "maxConcurrentUsers", d.maxConcurrentUsers(), 1, Integer.MAX_VALUE),
                positive(at, node, "maxEventsPerSecond", d.maxEventsPerSecond()),
                positive(at, node, "maxJoinsPerSecond", d.maxJoinsPerSecond()),
                (int) fields.integer(at, node, "maxChannelsPerClient", d.maxChannelsPerClient(), 1, Integer.MAX_VALUE));
    }

    private double positive(List<String> at, JsonNode parent, String key, double dflt) throws ScenarioException {
        JsonNode n = child(parent, key);
        if (n == null) {
            return dflt;
        }
        if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw origins.error(path(at, key), "must be a positive number, got " + describe(n));
        }
        return n.doubleValue();
    }

    private List<String> hosts(List<String> at, JsonNode node) throws ScenarioException {
        if (node == null) {
            return List.of();
        }
        // A list in the file; from --set allowedHosts=a,b a comma-separated string.
        List<JsonNode> items = new ArrayList<>();
        boolean list = node.isArray();
        if (list) {
            node.forEach(items::add);
        } else if (node.isTextual()) {
            for (String h : node.asText().split(",")) {
                items.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(h.trim()));
            }
        } else {
            throw origins.error(at, "must be a list of host names, got " + describe(node));
        }
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<String> itemAt = list ? path(at, Integer.toString(i)) : at;
            String h = fields.scalar(itemAt, items.get(i), "a host name");
            if (h.isBlank() || h.contains("/") || h.contains(":") && !h.startsWith("[")) {
                throw origins.error(itemAt, "must be a bare host name (no scheme, port or path),"
                        + " got '" + h + "'");
            }
            hosts.add(h.toLowerCase(Locale.ROOT));
        }
        return hosts;
    }

    private Map<String, Double> gate(List<String> at, JsonNode node) throws ScenarioException {
        Map<String, Double> gate = new LinkedHashMap<>();
        if (node == null) {
            return gate;
        }
        if (!node.isObject()) {
            throw origins.error(at, "must be a mapping of gate key to limit, got " + describe(node));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            List<String> keyAt = path(at, e.getKey());
            if (GatePolicy.KEYS.contains(e.getKey())) {
                continue; // how the gate judges, not a check: see gatePolicy
            }
            if (!GateKeys.isKnown(e.getKey())) {
                throw origins.error(keyAt, GateKeys.unknownMessage(e.getKey()));
            }
            JsonNode v = e.getValue();
            if (v == null || v.isNull()) {
                throw origins.error(keyAt, "needs a limit");
            }
            String text = fields.scalar(keyAt, v, "a limit");
            try {
                gate.put(e.getKey(), GateKeys.parseLimit(e.getKey(), text));
            } catch (IllegalArgumentException ex) {
                throw origins.error(keyAt, ex.getMessage());
            }
        }
        return gate;
    }

}
