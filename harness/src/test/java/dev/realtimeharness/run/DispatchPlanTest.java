package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DispatchPlanTest {

    // drivers x channels topics "d:c", each driver's own.
    static List<List<String>> topics(int drivers, int channels) {
        List<List<String>> all = new ArrayList<>();
        for (int d = 0; d < drivers; d++) {
            List<String> mine = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                mine.add("realtime:d" + d + ":" + c);
            }
            all.add(mine);
        }
        return all;
    }

    // Every topic on exactly one socket, no socket over the limit, none empty.
    static void assertHoldsEveryTopicOnce(DispatchPlan plan, List<List<String>> topicsOfDriver, int limit) {
        Set<String> distinct = new HashSet<>();
        topicsOfDriver.forEach(distinct::addAll);
        Set<String> placed = new HashSet<>();
        for (int s = 0; s < plan.sockets(); s++) {
            assertThat(plan.topicsOf(s)).as("socket " + s).isNotEmpty().hasSizeLessThanOrEqualTo(limit);
            for (String t : plan.topicsOf(s)) {
                assertThat(placed.add(t)).as(t + " placed twice").isTrue();
                assertThat(plan.socketOf(t)).isEqualTo(s);
            }
        }
        assertThat(placed).isEqualTo(distinct);
        assertThat(plan.topics()).isEqualTo(distinct.size());
    }

    static long splitDrivers(DispatchPlan plan, List<List<String>> topicsOfDriver) {
        return topicsOfDriver.stream().filter(ts -> ts.stream().map(plan::socketOf).distinct().count() > 1).count();
    }

    @Test
    void twentyDriversOfTenTopicsFillTwoSocketsOfAHundredWithEveryDriverOnOneSocket() {
        List<List<String>> t = topics(20, 10);
        DispatchPlan plan = DispatchPlan.pack(t, 2, 100);
        assertHoldsEveryTopicOnce(plan, t, 100);
        assertThat(plan.sockets()).isEqualTo(2);
        assertThat(plan.topicsOf(0)).hasSize(100);
        assertThat(plan.topicsOf(0).get(0)).isEqualTo("realtime:d0:0");
        assertThat(plan.topicsOf(1).get(0)).isEqualTo("realtime:d10:0");
        assertThat(splitDrivers(plan, t)).isZero();
    }

    @Test
    void withoutACountTheFewestSocketsThatHoldTheTopicsAreUsed() {
        List<List<String>> t = topics(20, 10);
        assertThat(DispatchPlan.pack(t, null, 100).sockets()).isEqualTo(2);
        assertThat(DispatchPlan.pack(t, null, 60).sockets()).isEqualTo(4); // 200 / 60, rounded up
        assertThat(DispatchPlan.pack(t, null, 1000).sockets()).isEqualTo(1);
        assertThat(DispatchPlan.fewestSockets(750_000, 100)).isEqualTo(7_500);
        assertThat(DispatchPlan.fewestSockets(1, 100)).isEqualTo(1);
    }

    @Test
    void moreSocketsThanNeededSpreadTheTopicsEvenly() {
        List<List<String>> t = topics(20, 10);
        DispatchPlan plan = DispatchPlan.pack(t, 10, 100);
        assertHoldsEveryTopicOnce(plan, t, 100);
        assertThat(plan.sockets()).isEqualTo(10);
        for (int s = 0; s < 10; s++) {
            assertThat(plan.topicsOf(s)).hasSize(20);
        }
        assertThat(splitDrivers(plan, t)).isZero();
    }

    @Test
    void aDriverThatWouldOvershootTheShareGoesWholeToWhicheverSocketKeepsThemCloserToEven() {
        // 7 x 30 = 210 topics on 3 sockets of 100: shares of 70; whole drivers give 60 + 90 + 60.
        List<List<String>> t = topics(7, 30);
        DispatchPlan plan = DispatchPlan.pack(t, null, 100);
        assertHoldsEveryTopicOnce(plan, t, 100);
        assertThat(plan.sockets()).isEqualTo(3);
        assertThat(List.of(plan.topicsOf(0).size(), plan.topicsOf(1).size(), plan.topicsOf(2).size()))
                .containsExactly(60, 90, 60);
        assertThat(splitDrivers(plan, t)).isZero();
    }

    @Test
    void aFullPoolSplitsADriverOnlyWhereNothingElseFits() {
        // 3 x 30 = 90 topics on 2 sockets of 45: no whole-driver packing fits, so exactly one driver is split.
        List<List<String>> t = topics(3, 30);
        DispatchPlan plan = DispatchPlan.pack(t, 2, 45);
        assertHoldsEveryTopicOnce(plan, t, 45);
        assertThat(plan.sockets()).isEqualTo(2);
        assertThat(splitDrivers(plan, t)).isEqualTo(1);
    }

    @Test
    void twentyDriversOfTenAtFifteenAChannelSocketSplitSomeDriversOverTwoSockets() {
        // The shape DispatcherPoolIT runs to send probes over two sockets: 14 sockets, no driver on more than two.
        List<List<String>> t = topics(20, 10);
        DispatchPlan plan = DispatchPlan.pack(t, null, 15);
        assertHoldsEveryTopicOnce(plan, t, 15);
        assertThat(plan.sockets()).isEqualTo(14);
        assertThat(splitDrivers(plan, t)).isPositive();
        assertThat(t).allMatch(ts -> ts.stream().map(plan::socketOf).distinct().count() <= 2);
    }

    @Test
    void aDriverWithMoreTopicsThanASocketMayJoinIsSpreadOverSeveral() {
        List<List<String>> t = topics(1, 250);
        DispatchPlan plan = DispatchPlan.pack(t, null, 100);
        assertHoldsEveryTopicOnce(plan, t, 100);
        assertThat(plan.sockets()).isEqualTo(3);
    }

    @Test
    void aTopicSharedByDriversIsJoinedOnce() {
        // The topic names no driver: every driver's probes go to the same 5 topics.
        List<String> shared = List.of("realtime:a", "realtime:b", "realtime:c", "realtime:d", "realtime:e");
        List<List<String>> t = List.of(shared, shared, shared);
        DispatchPlan plan = DispatchPlan.pack(t, null, 100);
        assertHoldsEveryTopicOnce(plan, t, 100);
        assertThat(plan.sockets()).isEqualTo(1);
        assertThat(plan.topics()).isEqualTo(5);
        // Asked for more sockets than there are topics: only sockets that join something are opened.
        DispatchPlan eight = DispatchPlan.pack(t, 8, 100);
        assertHoldsEveryTopicOnce(eight, t, 100);
        assertThat(eight.sockets()).isBetween(2, 5);
    }

    @Test
    void manyUnevenDriversAlwaysFitWhenThePoolCan() {
        // Exhaustive over small shapes: whatever the sizes, a pool that can hold the topics holds them.
        for (int limit = 1; limit <= 12; limit++) {
            for (int drivers = 1; drivers <= 7; drivers++) {
                for (int channels = 1; channels <= 9; channels++) {
                    List<List<String>> t = new ArrayList<>();
                    int total = 0;
                    for (int d = 0; d < drivers; d++) {
                        int n = 1 + (d * 7 + channels) % channels; // uneven: 1..channels
                        List<String> mine = new ArrayList<>();
                        for (int c = 0; c < n; c++) {
                            mine.add(d + ":" + c);
                        }
                        total += n;
                        t.add(mine);
                    }
                    int fewest = DispatchPlan.fewestSockets(total, limit);
                    for (int k = fewest; k <= fewest + 3; k++) {
                        DispatchPlan plan = DispatchPlan.pack(t, k, limit);
                        assertHoldsEveryTopicOnce(plan, t, limit);
                        assertThat(plan.sockets()).isLessThanOrEqualTo(k);
                    }
                }
            }
        }
    }

    @Test
    void aPoolThatCannotHoldTheTopicsIsRefused() {
        assertThatThrownBy(() -> DispatchPlan.pack(topics(20, 10), 1, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 sockets of at most 100 channels each cannot hold 200 topics");
    }
}
