package dev.realtimeharness.run;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.TopicTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which subscriptions must receive a probe published for driver {@code d}; only ready subscriptions count
 * (measurement.md, "Readiness").
 *
 * <ul>
 * <li>postgres: the probe's row has {@code driver_id} = d's uuid. When the scenario's postgres_changes filter names
 * the driver ({@code {driverId}} or {@code {driver}}), exactly d's channels match; with no driver in the filter every
 * subscription to the table does.</li>
 * <li>broadcast: the probe is sent on each of d's topics, and reaches every subscription joined to one of those
 * topics (other drivers' channels too, when topics are shared).</li>
 * </ul>
 */
final class Expectations {
    private final ReadyBoard board;
    private final boolean broadcast;
    private final boolean perDriverFilter;
    private final List<List<String>> topicsOfDriver = new ArrayList<>();
    private final List<int[]> broadcastReceivers = new ArrayList<>();

    Expectations(Scenario scenario, List<DriverSpec> specs, ReadyBoard board) {
        this.board = board;
        // Every path but postgres publishes on topics: WebSocket, REST and database broadcasts alike.
        this.broadcast = scenario.publish().via() != PublishVia.POSTGRES;
        this.perDriverFilter = scenario.channel().postgresChanges().stream()
                .anyMatch(pc -> pc.filter() != null && (TopicTemplate.uses(pc.filter(), "driverId")
                        || TopicTemplate.uses(pc.filter(), "driver")));
        Map<String, List<Integer>> byTopic = new HashMap<>();
        for (DriverSpec d : specs) {
            for (ChannelSpec c : d.channels()) {
                byTopic.computeIfAbsent(c.topic(), k -> new ArrayList<>()).add(c.subscription());
            }
        }
        for (DriverSpec d : specs) {
            Set<String> topics = new LinkedHashSet<>();
            Set<Integer> receivers = new LinkedHashSet<>();
            for (ChannelSpec c : d.channels()) {
                topics.add(c.topic());
                receivers.addAll(byTopic.get(c.topic()));
            }
            topicsOfDriver.add(List.copyOf(topics));
            broadcastReceivers.add(receivers.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The topics a broadcast probe for driver {@code d} is sent to. */
    List<String> topicsOf(int driver) {
        return topicsOfDriver.get(driver);
    }

    /** The same topics without the {@code realtime:} prefix, as REST and realtime.send name them. */
    List<String> subTopicsOf(int driver) {
        return topicsOfDriver.get(driver).stream()
                .map(t -> t.startsWith(Events.TOPIC_PREFIX) ? t.substring(Events.TOPIC_PREFIX.length()) : t)
                .toList();
    }

    /** The ready subscriptions that must receive a probe for driver {@code d}. */
    int[] expectedFor(int driver) {
        if (broadcast) {
            int[] all = broadcastReceivers.get(driver);
            int[] ready = new int[all.length];
            int n = 0;
            for (int s : all) {
                if (board.isReady(s)) {
                    ready[n++] = s;
                }
            }
            return java.util.Arrays.copyOf(ready, n);
        }
        return perDriverFilter ? board.readyOf(driver) : board.readyAll();
    }
}
