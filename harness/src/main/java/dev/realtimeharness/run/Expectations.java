package dev.realtimeharness.run;

import dev.realtimeharness.client.ChannelSpec;
import dev.realtimeharness.client.DriverSpec;
import dev.realtimeharness.protocol.Events;
import dev.realtimeharness.scenario.PublishVia;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.TopicTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which subscriptions are owed a probe published for driver {@code d}: every subscription the scenario subscribes to
 * receive it, split by whether it is ready now, down (ready before, not now) or never was. Only the ready ones can be
 * waited for (measurement.md, "Readiness"); the others are counted lost at once with their reason, so that a channel
 * that never became ready, or is down, cannot silently leave the books.
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

    /** The subscriptions owed a probe for one driver, by their state when it is registered. */
    record Owed(int[] ready, int[] down, int[] neverReady) {
        int total() {
            return ready.length + down.length + neverReady.length;
        }
    }

    /** The ready subscriptions that must receive a probe for driver {@code d}. */
    int[] expectedFor(int driver) {
        return owedFor(driver).ready();
    }

    /** Every subscription owed a probe for driver {@code d}, split by readiness now. */
    Owed owedFor(int driver) {
        int[] all = receiversOf(driver);
        int[] ready = new int[all.length];
        int[] down = new int[all.length];
        int[] never = new int[all.length];
        int r = 0;
        int d = 0;
        int n = 0;
        for (int s : all) {
            if (board.isReady(s)) {
                ready[r++] = s;
            } else if (board.wasEverReady(s)) {
                down[d++] = s;
            } else {
                never[n++] = s;
            }
        }
        return new Owed(Arrays.copyOf(ready, r), Arrays.copyOf(down, d), Arrays.copyOf(never, n));
    }

    private int[] receiversOf(int driver) {
        if (broadcast) {
            return broadcastReceivers.get(driver);
        }
        if (perDriverFilter) {
            int base = driver * board.channelsPerDriver();
            return IntStream.range(base, base + board.channelsPerDriver()).toArray();
        }
        return IntStream.range(0, board.size()).toArray();
    }
}
