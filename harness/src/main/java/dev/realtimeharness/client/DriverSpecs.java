package dev.realtimeharness.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.protocol.JoinConfig;
import dev.realtimeharness.protocol.Messages;
import dev.realtimeharness.scenario.PostgresChangeSpec;
import dev.realtimeharness.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** A scenario's drivers as the client sees them: each driver's channels, topics and join configs. */
public final class DriverSpecs {
    private DriverSpecs() {
    }

    /** Every join carries {@code accessToken}. */
    public static List<DriverSpec> of(Scenario s, String accessToken) {
        return of(s, null, accessToken);
    }

    /**
     * The drivers' channels. With {@code tokens}, driver i's provider supplies its join token (and renews it);
     * otherwise every join carries {@code accessToken}.
     */
    public static List<DriverSpec> of(Scenario s, IntFunction<TokenProvider> tokens, String accessToken) {
        JsonNode track = s.channel().presence().track() == null ? null
                : new ObjectMapper().valueToTree(s.channel().presence().track());
        List<DriverSpec> specs = new ArrayList<>(s.drivers());
        for (int d = 0; d < s.drivers(); d++) {
            int g = s.globalDriver(d); // a shard's driver d is the whole run's driver g: its id, topics, rows
            TokenProvider provider = tokens == null ? null : tokens.apply(g);
            String token = provider == null ? accessToken : provider.current();
            List<ChannelSpec> channels = new ArrayList<>(s.channelsPerDriver());
            JoinConfig previous = null;
            for (int c = 0; c < s.channelsPerDriver(); c++) {
                List<JoinConfig.PostgresChangeFilter> filters = new ArrayList<>();
                for (PostgresChangeSpec pc : s.channel().postgresChanges()) {
                    filters.add(new JoinConfig.PostgresChangeFilter(pc.event(), pc.schema(), pc.table(),
                            pc.filter() == null ? null : pc.filter(g, c)));
                }
                JoinConfig join = new JoinConfig(s.channel().broadcast().ack(), s.channel().broadcast().self(), "",
                        s.channel().presence().enabled(), filters, s.channel().isPrivate(), token);
                // A driver's channels usually join with the same config (a filter on the driver, not the channel):
                // one shared instance instead of one per channel (750,000 at 15,000 x 50, all live for the run).
                join = join.equals(previous) ? previous : join;
                previous = join;
                channels.add(new ChannelSpec(d * s.channelsPerDriver() + c, Messages.topic(s.channel().topic(g, c)),
                        join, track));
            }
            specs.add(new DriverSpec(d, channels, provider));
        }
        return specs;
    }

}
