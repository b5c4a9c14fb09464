package dev.realtimeharness.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated scenario, as loaded by {@link ScenarioLoader}. {@code gate} maps gate keys ({@link GateKeys})
 * to limits in canonical units (latency in milliseconds), in file order; it is empty when there is no gate.
 * {@code source} is the file the scenario was read from. {@code allowedHosts} are the non-loopback hosts this
 * scenario may load (the production guard); {@code targetLimits} are the remote target's tenant limits used by the
 * pre-flight check. {@code gatePolicy} says how the gate judges a long run: windows and early stop.
 */
public record Scenario(String name, String description, int drivers, int channelsPerDriver,
        ProtocolConfig protocol, ChannelConfig channel, PublishConfig publish, RampConfig ramp,
        Duration duration, Duration drainTimeout, TargetConfig target, Map<String, Double> gate,
        Path source, List<String> allowedHosts, TargetLimits targetLimits, GatePolicy gatePolicy, Duration warmup,
        Shard shard) {

    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Unmeasured probes before t0, through the same paths, so that the JIT, pools and the target are hot. */
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(10);

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(ramp, "ramp");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(target, "target");
        // Keep file order: checks are reported in the order the author wrote them.
        gate = Collections.unmodifiableMap(new LinkedHashMap<>(gate));
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        targetLimits = targetLimits == null ? TargetLimits.supabaseDefaults() : targetLimits;
        gatePolicy = gatePolicy == null ? GatePolicy.none() : gatePolicy;
        warmup = warmup == null ? DEFAULT_WARMUP : warmup;
    }

    /** Without allowed hosts and with Supabase's default limits. */
    public Scenario(String name, String description, int drivers, int channelsPerDriver, ProtocolConfig protocol,
            ChannelConfig channel, PublishConfig publish, RampConfig ramp, Duration duration, Duration drainTimeout,
            TargetConfig target, Map<String, Double> gate, Path source) {
        this(name, description, drivers, channelsPerDriver, protocol, channel, publish, ramp, duration, drainTimeout,
                target, gate, source, List.of(), TargetLimits.supabaseDefaults(), GatePolicy.none(), DEFAULT_WARMUP,
                null);
    }

    /** Unsharded. */
    public Scenario(String name, String description, int drivers, int channelsPerDriver, ProtocolConfig protocol,
            ChannelConfig channel, PublishConfig publish, RampConfig ramp, Duration duration, Duration drainTimeout,
            TargetConfig target, Map<String, Double> gate, Path source, List<String> allowedHosts,
            TargetLimits targetLimits, GatePolicy gatePolicy, Duration warmup) {
        this(name, description, drivers, channelsPerDriver, protocol, channel, publish, ramp, duration, drainTimeout,
                target, gate, source, allowedHosts, targetLimits, gatePolicy, warmup, null);
    }

    /** Channels in the whole run: drivers × channelsPerDriver. */
    public long totalChannels() {
        return (long) drivers * channelsPerDriver;
    }

    /** The same scenario with another duration (the CLI's {@code --duration}); must be positive. */
    public Scenario withDuration(Duration newDuration) {
        if (newDuration.isNegative() || newDuration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + newDuration);
        }
        return new Scenario(name, description, drivers, channelsPerDriver, protocol, channel, publish, ramp,
                newDuration, drainTimeout, target, gate, source, allowedHosts, targetLimits, gatePolicy, warmup,
                shard == null ? null : new Shard(shard.index(), shard.count(), shard.whole().withDuration(newDuration)));
    }

    /**
     * Shard {@code index} of {@code count} of this (whole) scenario: its drivers (those with index mod count =
     * index, counted from 0), publishing their probes at their share of the rate (and of {@code publish.messages}),
     * so that each driver is sent what it would be sent in the unsharded run. See {@link Shard}.
     */
    public Scenario shard(int index, int count) {
        if (shard != null) {
            throw new IllegalStateException("scenario " + name + " is already shard " + shard.index() + "/"
                    + shard.count());
        }
        int mine = Shard.driversOf(drivers, index, count);
        if (mine == 0) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " has no drivers: the scenario has "
                    + drivers + " driver" + (drivers == 1 ? "" : "s") + "; use at most " + drivers + " shards");
        }
        PublishConfig p = new PublishConfig(publish.via(),
                publish.messages() == null ? null : Shard.messagesOf(publish.messages(), drivers, index, count),
                new Rate(publish.rate().perSecond() * mine / drivers), publish.table(), publish.probeColumn(),
                publish.sql(), publish.event(), publish.connections());
        return new Scenario(name, description, mine, channelsPerDriver, protocol, channel, p, ramp, duration,
                drainTimeout, target, gate, source, allowedHosts, targetLimits, gatePolicy, warmup,
                new Shard(index, count, this));
    }

    /** The whole run's index of driver {@code d} (d itself unless sharded). */
    public int globalDriver(int d) {
        return shard == null ? d : shard.globalDriver(d);
    }

    /** The whole run's scenario (this one unless sharded). */
    public Scenario whole() {
        return shard == null ? this : shard.whole();
    }
}
