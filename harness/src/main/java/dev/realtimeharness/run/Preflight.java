package dev.realtimeharness.run;

import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.TargetLimits;
import dev.realtimeharness.scenario.TopicTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Before every run: what the scenario will ask of the target, set against the target's tenant limits, the way
 * Supabase Realtime measures them (design/protocol.md §9). A scenario that must trip a limit is refused unless the
 * user accepts it: a team must know before the run that a default tenant allows 100 events/s, not after a run full
 * of refusals.
 *
 * <p>Rates are judged as the server judges them: rolling averages over 5-second buckets, triggered when the average
 * reaches the limit ({@code >=}). So 500 joins sent within one second average 100/s over their bucket, which is
 * exactly a default tenant's limit, and trip it.
 */
public final class Preflight {
    private static final double BUCKET_SECONDS = 5.0;

    /** One limit: what the scenario needs at its peak, the limit, and whether the server would refuse. */
    public record Row(String name, double needed, double limit, boolean trips, String note) {
    }

    public record Report(String limitsSource, List<Row> rows) {
        public boolean trips() {
            return rows.stream().anyMatch(Row::trips);
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append("pre-flight: the scenario's peak demand against the target's limits (").append(limitsSource)
                    .append(")\n");
            sb.append(String.format(Locale.ROOT, "  %-28s %12s %12s   %s%n", "limit", "scenario", "target", "verdict"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "  %-28s %12s %12s   %s%s%n", r.name(), number(r.needed()),
                        number(r.limit()), r.trips() ? "TRIPS" : "ok", r.note().isEmpty() ? "" : "  (" + r.note() + ")"));
            }
            return sb.toString();
        }

        private static String number(double d) {
            return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.1f", d);
        }
    }

    private Preflight() {
    }

    /**
     * Estimates the scenario's peaks: concurrent users (drivers, plus the broadcast publisher's dispatcher sockets),
     * channels per connection, joins per second as a 5-second average, and events per second, where every message
     * delivered to each subscribed channel counts, and so does every broadcast a client sends.
     */
    public static Report check(Scenario s, TargetLimits limits, String limitsSource) {
        boolean broadcast = s.publish().via() == PublishVia.BROADCAST;
        long channels = s.totalChannels();
        // The broadcast publisher joins every distinct topic once, from its pool of dispatcher sockets.
        long dispatcherChannels = broadcast ? distinctTopics(s) : 0;
        long dispatcherSockets = broadcast ? dispatcherSockets(s, limits) : 0;
        long users = s.drivers() + dispatcherSockets;
        long joins = channels + dispatcherChannels;

        double joinRate = s.ramp().joinRate().perSecond();
        // The first bucket holds at most joinRate × 5 s joins; the server divides by 5 s.
        double joinsPerSecond = Math.min(joinRate, joins / BUCKET_SECONDS);

        double rate = s.publish().rate().perSecond();
        double receiversPerProbe = receiversPerProbe(s);
        double sendsPerProbe = switch (s.publish().via()) {
            case BROADCAST -> distinctTopicsPerDriver(s);
            case REST, DB_BROADCAST -> 1;
            case POSTGRES -> 0;
        };
        // Over a run shorter than one bucket the average is over that bucket: a short burst still counts in full.
        double eventsPerSecond = rate * (receiversPerProbe + sendsPerProbe);

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("concurrent users", users, limits.maxConcurrentUsers(), users > limits.maxConcurrentUsers(),
                broadcast ? s.drivers() + " drivers + " + dispatcherSockets + " dispatcher sockets" : ""));
        rows.add(new Row("channels per connection", s.channelsPerDriver(), limits.maxChannelsPerClient(),
                s.channelsPerDriver() > limits.maxChannelsPerClient(), ""));
        rows.add(new Row("joins/s (5 s average)", round1(joinsPerSecond), limits.maxJoinsPerSecond(),
                joinsPerSecond >= limits.maxJoinsPerSecond(), joins + " joins at " + s.ramp().joinRate().format()));
        rows.add(new Row("events/s", round1(eventsPerSecond), limits.maxEventsPerSecond(),
                eventsPerSecond >= limits.maxEventsPerSecond(), s.publish().rate().format() + " x "
                        + number(receiversPerProbe) + " deliveries" + (sendsPerProbe > 0 ? " + "
                        + number(sendsPerProbe) + " sends" : "") + " per message"));
        return new Report(limitsSource, List.copyOf(rows));
    }

    // A probe for driver d goes to d's channels when the scenario's filter or topic names the driver, else to all.
    static double receiversPerProbe(Scenario s) {
        if (s.publish().via() == PublishVia.POSTGRES) {
            boolean perDriver = s.channel().postgresChanges().stream().anyMatch(pc -> pc.filter() != null
                    && (TopicTemplate.uses(pc.filter(), "driverId") || TopicTemplate.uses(pc.filter(), "driver")));
            return perDriver ? s.channelsPerDriver() : s.totalChannels();
        }
        boolean perDriverTopic = TopicTemplate.uses(s.channel().topic(), "driver")
                || TopicTemplate.uses(s.channel().topic(), "driverId");
        return perDriverTopic ? s.channelsPerDriver() : s.totalChannels();
    }

    /** The limits of the target a run connects to: the scenario's targetLimits for a remote one. */
    static TargetLimits limitsOf(Scenario s, boolean remote) {
        return remote ? s.targetLimits() : s.target().embedded().limits();
    }

    /**
     * The distinct topics the broadcast publisher joins: every driver's own when the topic names the driver, else the
     * ones all drivers share. An upper bound: two expansions that happen to spell the same topic count twice.
     */
    static long distinctTopics(Scenario s) {
        boolean perDriver = TopicTemplate.uses(s.channel().topic(), "driver")
                || TopicTemplate.uses(s.channel().topic(), "driverId");
        return distinctTopicsPerDriver(s) * (perDriver ? s.drivers() : 1);
    }

    /** The dispatcher sockets a broadcast run opens: publish.connections (at most one a topic), else the fewest. */
    static long dispatcherSockets(Scenario s, TargetLimits limits) {
        Integer given = s.publish().connections();
        long topics = distinctTopics(s);
        return given != null ? Math.min(given, topics) : DispatchPlan.fewestSockets(topics, limits.maxChannelsPerClient());
    }

    /**
     * Why a broadcast scenario's {@code publish.connections} cannot hold the topics at the target's
     * {@code maxChannelsPerClient} ({@code limitsName} says where that limit is set), or null when it can (or is
     * not given, or the scenario does not publish via broadcast). No {@code --accept-limits} helps: a socket cannot
     * send to a topic it has not joined.
     */
    static String dispatcherRefusal(Scenario s, TargetLimits limits, String limitsName) {
        Integer given = s.publish().connections();
        if (s.publish().via() != PublishVia.BROADCAST || given == null) {
            return null;
        }
        long topics = distinctTopics(s);
        int limit = limits.maxChannelsPerClient();
        if ((long) given * limit >= topics) {
            return null;
        }
        return given + " dispatcher socket" + (given == 1 ? "" : "s") + " of at most " + limit
                + " channels each (maxChannelsPerClient of " + limitsName + ") cannot join the " + topics
                + " distinct topics the broadcast publisher sends to; give at least "
                + DispatchPlan.fewestSockets(topics, limit) + ", or leave it out for the fewest that hold them";
    }

    /** {@link #dispatcherRefusal(Scenario, TargetLimits, String)} at the embedded or a remote target's limits. */
    public static String dispatcherRefusal(Scenario s, boolean remote) {
        return dispatcherRefusal(s, limitsOf(s, remote), remote ? "targetLimits" : "target.embedded.limits");
    }

    static long distinctTopicsPerDriver(Scenario s) {
        return TopicTemplate.uses(s.channel().topic(), "channel") ? s.channelsPerDriver() : 1;
    }

    private static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.1f", d);
    }
}
