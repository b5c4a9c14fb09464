package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.capture.ChangeEvent;
import dev.realtimeharness.protocol.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The index against the scan it replaced: for generated subscriptions and changes, the channels that get a change
 * (some binding matches, JoinedChannel.matchingIds) are the same whether every channel is scanned or only the
 * index's candidates, and no candidate comes twice.
 */
class SubscriptionIndexTest {
    private static final String[] EVENTS = {"*", "INSERT", "UPDATE", "DELETE", "insert", "TRUNCATE"};
    private static final String[] SCHEMAS = {"public", "other", "*", null};
    private static final String[] TABLES = {"orders", "notes", "*", null};
    private static final String[] COLUMNS = {"driver_id", "name", "amount", "doc"};
    private static final String[] OPS = {"eq", "eq", "eq", "in", "neq", "lt", "lte", "gt", "gte"};
    private static final String[] LITERALS = {"1", "2", "1.0", "01", " 2", "2e0", "abc", "ABC", "", "true", "-0",
            "x y", "\"q\""};

    private final Random random = new Random(12);

    private <T> T pick(T[] from) {
        return from[random.nextInt(from.length)];
    }

    private PostgresBinding binding(long id) throws Exception {
        ObjectNode p = Json.object();
        p.put("event", pick(EVENTS));
        String schema = pick(SCHEMAS);
        if (schema != null) {
            p.put("schema", schema);
        }
        String table = pick(TABLES);
        if (table != null) {
            p.put("table", table);
        }
        if (random.nextInt(3) > 0) {
            String op = pick(OPS);
            String value = op.equals("in")
                    ? "(" + pick(LITERALS) + "," + pick(LITERALS) + "," + pick(LITERALS) + ")"
                    : pick(LITERALS);
            p.put("filter", pick(COLUMNS) + "=" + op + "." + value);
        }
        return PostgresBinding.of(p, id);
    }

    private Object value() {
        return switch (random.nextInt(10)) {
            case 0 -> null;
            case 1 -> (long) random.nextInt(3);
            case 2 -> new BigDecimal(pick(new String[] {"1.00", "2", "0.0", "1E+0"}));
            case 3 -> random.nextInt(3) + 0.0;
            case 4 -> random.nextBoolean();
            case 5 -> Json.NODES.numberNode(random.nextInt(3));
            case 6 -> Json.NODES.textNode(pick(LITERALS));
            case 7 -> Json.NODES.nullNode();
            default -> pick(LITERALS);
        };
    }

    private ChangeEvent change() {
        String type = pick(new String[] {ChangeEvent.INSERT, ChangeEvent.UPDATE, ChangeEvent.DELETE});
        Map<String, Object> row = new HashMap<>();
        for (String c : COLUMNS) {
            if (random.nextInt(5) > 0) {
                row.put(c, value());
            }
        }
        Map<String, Object> old = type.equals(ChangeEvent.INSERT) ? null : Map.of("driver_id", 1L);
        return new ChangeEvent(pick(new String[] {"public", "other"}), pick(new String[] {"orders", "notes"}), type,
                List.of(), type.equals(ChangeEvent.DELETE) ? null : row, old, null, 0);
    }

    private List<JoinedChannel> channels(int n) throws Exception {
        List<JoinedChannel> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = random.nextInt(5) == 0 ? 0 : 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
            List<PostgresBinding> bindings = new ArrayList<>();
            for (int b = 0; b < count; b++) {
                bindings.add(binding(i * 10L + b));
            }
            out.add(new JoinedChannel(null, "realtime:t" + i, "1", false, false, false, bindings));
        }
        return out;
    }

    private static Set<JoinedChannel> scan(List<JoinedChannel> all, ChangeEvent e) {
        return all.stream().filter(ch -> !ch.matchingIds(e).isEmpty()).collect(Collectors.toSet());
    }

    /** Returns what the scan routed (each change is scanned once: the scans are most of this test's time). */
    private static Set<JoinedChannel> assertSameAsScan(SubscriptionIndex index, List<JoinedChannel> all,
            ChangeEvent e) {
        List<JoinedChannel> candidates = index.candidates(e);
        assertThat(new LinkedHashSet<>(candidates)).as("no candidate twice").hasSameSizeAs(candidates);
        Set<JoinedChannel> routed = candidates.stream().filter(ch -> !ch.matchingIds(e).isEmpty())
                .collect(Collectors.toSet());
        Set<JoinedChannel> scanned = scan(all, e);
        assertThat(routed).as("channels that get %s", e).isEqualTo(scanned);
        return scanned;
    }

    @Test
    void indexRoutesEveryGeneratedChangeToTheChannelsAScanWould() throws Exception {
        int nonEmpty = 0;
        for (int round = 0; round < 40; round++) {
            SubscriptionIndex index = new SubscriptionIndex();
            List<JoinedChannel> all = channels(300);
            all.forEach(index::add);
            for (int i = 0; i < 200; i++) {
                nonEmpty += assertSameAsScan(index, all, change()).isEmpty() ? 0 : 1;
            }
            // Half leave: the index forgets them and still agrees with a scan of the rest.
            List<JoinedChannel> left = new ArrayList<>();
            for (JoinedChannel ch : all) {
                if (random.nextBoolean()) {
                    index.remove(ch);
                } else {
                    left.add(ch);
                }
            }
            for (int i = 0; i < 100; i++) {
                assertSameAsScan(index, left, change());
            }
            left.forEach(index::remove);
            assertThat(index.size()).isZero();
        }
        // The generator must produce changes that some subscription gets, or the comparison proves nothing.
        assertThat(nonEmpty).isGreaterThan(1000);
    }

    @Test
    void anEqFilteredSubscriptionIsNotACandidateForOtherValues() throws Exception {
        SubscriptionIndex index = new SubscriptionIndex();
        List<JoinedChannel> drivers = new ArrayList<>();
        for (int d = 0; d < 1000; d++) {
            ObjectNode p = Json.object().put("event", "*").put("schema", "public").put("table", "orders")
                    .put("filter", "driver_id=eq." + d);
            drivers.add(new JoinedChannel(null, "realtime:d" + d, "1", false, false, false,
                    List.of(PostgresBinding.of(p, d))));
        }
        drivers.forEach(index::add);
        ChangeEvent e = new ChangeEvent("public", "orders", ChangeEvent.INSERT, List.of(),
                Map.of("driver_id", 7L), null, null, 0);
        assertThat(index.candidates(e)).containsExactly(drivers.get(7));
        // A neq filter cannot be keyed: it is checked on every change.
        ObjectNode neq = Json.object().put("event", "*").put("table", "orders").put("filter", "driver_id=neq.7");
        JoinedChannel other = new JoinedChannel(null, "realtime:x", "1", false, false, false,
                List.of(PostgresBinding.of(neq, 1)));
        index.add(other);
        assertThat(index.candidates(e)).containsExactlyInAnyOrder(drivers.get(7), other);
    }
}
