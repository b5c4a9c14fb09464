package dev.realtimeharness.standin;

import dev.realtimeharness.capture.ChangeEvent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The channels with postgres_changes bindings, indexed so that a change finds its candidate subscribers without a
 * scan of every subscription: a binding on one table is keyed by (schema, table, event) when it has no filter and by
 * (schema, table, event, column, value) when its filter is {@code eq} or {@code in}; every other binding (schema
 * {@code *}, every table, the operators neq/lt/lte/gt/gte) is on a fallback list that each change checks one by one.
 *
 * <p>The index only narrows the channels: {@link JoinedChannel#matchingIds} still decides which bindings of a
 * candidate match (PostgresBinding.matches and ChangeFilter.matches are the semantics). Thread-safe: channels are
 * added and removed by their socket's event loop and looked up by the capture thread; a bucket is created and
 * dropped atomically with its first and last channel, so no empty bucket outlives its channels.
 */
final class SubscriptionIndex {
    /** The event, or schema, that stands for any. */
    private static final String WILDCARD = "*";

    private record TableKey(String schema, String table, String event) {
    }

    /** {@code value} is a stripped BigDecimal (numeric comparison) or the literal String (string comparison). */
    private record ValueKey(String schema, String table, String event, String column, Object value) {
    }

    private final Map<TableKey, Set<JoinedChannel>> unfiltered = new ConcurrentHashMap<>();
    private final Map<ValueKey, Set<JoinedChannel>> byValue = new ConcurrentHashMap<>();
    private final Set<JoinedChannel> fallback = ConcurrentHashMap.newKeySet();
    // Per table (event "*"), the columns that ever had a value bucket: a change looks up only those. Never shrinks
    // (a table has few columns), so that no lookup can miss a column a concurrent join is just adding.
    private final Map<TableKey, Set<String>> columns = new ConcurrentHashMap<>();
    private final LongAdder channels = new LongAdder();

    /** Indexes every binding of {@code ch}; a channel without bindings is not kept. */
    void add(JoinedChannel ch) {
        if (ch.bindings.isEmpty()) {
            return;
        }
        for (PostgresBinding b : ch.bindings) {
            forEachKey(b, key -> addTo(key, ch));
        }
        channels.increment();
    }

    /** Forgets {@code ch} (its bindings are immutable, so the keys are those it was added under). */
    void remove(JoinedChannel ch) {
        if (ch.bindings.isEmpty()) {
            return;
        }
        for (PostgresBinding b : ch.bindings) {
            forEachKey(b, key -> removeFrom(key, ch));
        }
        channels.decrement();
    }

    /** Channels with postgres_changes bindings. */
    long size() {
        return channels.sum();
    }

    /**
     * Every channel that may have a binding matching {@code e}, each once; channels with no matching binding may be
     * among them (the fallback list, or a bucket whose event or filter the caller checks again).
     */
    List<JoinedChannel> candidates(ChangeEvent e) {
        List<Set<JoinedChannel>> buckets = new ArrayList<>(4);
        String event = e.type().toUpperCase(Locale.ROOT);
        addBucket(buckets, unfiltered.get(new TableKey(e.schema(), e.table(), WILDCARD)));
        addBucket(buckets, unfiltered.get(new TableKey(e.schema(), e.table(), event)));
        Set<String> indexed = columns.get(new TableKey(e.schema(), e.table(), WILDCARD));
        Map<String, Object> row = e.record();
        // A filtered binding never receives a DELETE, and a DELETE has no record: no value bucket applies.
        if (indexed != null && row != null && !ChangeEvent.DELETE.equalsIgnoreCase(event)) {
            for (String column : indexed) {
                Object key = valueKey(ChangeFilter.comparable(row.get(column)));
                if (key != null) {
                    addBucket(buckets, byValue.get(new ValueKey(e.schema(), e.table(), WILDCARD, column, key)));
                    addBucket(buckets, byValue.get(new ValueKey(e.schema(), e.table(), event, column, key)));
                }
            }
        }
        addBucket(buckets, fallback);
        List<JoinedChannel> out = new ArrayList<>();
        if (buckets.size() == 1) {
            out.addAll(buckets.get(0));
            return out;
        }
        // A channel with several bindings may sit in several buckets; one with a single binding sits in one.
        Set<JoinedChannel> seen = null;
        for (Set<JoinedChannel> bucket : buckets) {
            for (JoinedChannel ch : bucket) {
                if (ch.bindings.size() > 1) {
                    if (seen == null) {
                        seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    }
                    if (!seen.add(ch)) {
                        continue;
                    }
                }
                out.add(ch);
            }
        }
        return out;
    }

    private static void addBucket(List<Set<JoinedChannel>> buckets, Set<JoinedChannel> bucket) {
        if (bucket != null && !bucket.isEmpty()) {
            buckets.add(bucket);
        }
    }

    private void forEachKey(PostgresBinding b, Consumer<Object> to) {
        ChangeFilter f = b.filter();
        if (b.schema().equals(WILDCARD) || b.table() == null
                || (f != null && !f.op().equals("eq") && !f.op().equals("in"))) {
            to.accept(null);
            return;
        }
        if (f == null) {
            to.accept(new TableKey(b.schema(), b.table(), b.event()));
            return;
        }
        // A literal equals a number value when it parses as the same number, and a string value when it is the same
        // text (ChangeFilter.compare): it is keyed both ways, and the row's value is looked up one way.
        Set<Object> keys = new LinkedHashSet<>();
        for (String literal : f.values()) {
            keys.add(literal);
            BigDecimal n = ChangeFilter.number(literal);
            if (n != null) {
                keys.add(n.stripTrailingZeros());
            }
        }
        for (Object value : keys) {
            to.accept(new ValueKey(b.schema(), b.table(), b.event(), f.column(), value));
        }
    }

    /** The bucket key of a row value as ChangeFilter.comparable gave it; null (SQL null) matches no filter. */
    private static Object valueKey(Object comparable) {
        if (comparable == null) {
            return null;
        }
        if (comparable instanceof Number num) {
            BigDecimal d = ChangeFilter.decimal(num);
            return d == null ? null : d.stripTrailingZeros();
        }
        return comparable.toString();
    }

    private void addTo(Object key, JoinedChannel ch) {
        if (key == null) {
            fallback.add(ch);
        } else if (key instanceof TableKey t) {
            unfiltered.compute(t, (k, set) -> with(set, ch));
        } else {
            ValueKey v = (ValueKey) key;
            // The column first, so that a change that finds the channel's bucket also looks the column up.
            columns.computeIfAbsent(new TableKey(v.schema(), v.table(), WILDCARD), t -> ConcurrentHashMap.newKeySet())
                    .add(v.column());
            byValue.compute(v, (k, set) -> with(set, ch));
        }
    }

    private void removeFrom(Object key, JoinedChannel ch) {
        if (key == null) {
            fallback.remove(ch);
        } else if (key instanceof TableKey t) {
            unfiltered.computeIfPresent(t, (k, set) -> without(set, ch));
        } else {
            byValue.computeIfPresent((ValueKey) key, (k, set) -> without(set, ch));
        }
    }

    private static Set<JoinedChannel> with(Set<JoinedChannel> set, JoinedChannel ch) {
        Set<JoinedChannel> s = set == null ? ConcurrentHashMap.newKeySet() : set;
        s.add(ch);
        return s;
    }

    private static Set<JoinedChannel> without(Set<JoinedChannel> set, JoinedChannel ch) {
        set.remove(ch);
        return set.isEmpty() ? null : set;
    }
}
