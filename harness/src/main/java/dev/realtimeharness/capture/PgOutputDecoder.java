package dev.realtimeharness.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes pgoutput (proto_version 1) messages into {@link ChangeEvent}s, one transaction at a time.
 * Not thread-safe: one decoder per replication stream, fed in stream order.
 */
final class PgOutputDecoder {

    /** Resolves type OIDs to {@code pg_type.typname}, in one round trip for all of a relation's columns. */
    interface TypeResolver {
        String[] typnames(int[] oids);
    }

    /** A transaction's changes, released at its Commit; {@code endLsn} is what to acknowledge. */
    record Committed(List<ChangeEvent> events, long endLsn) {}

    private record Relation(String schema, String table, List<ChangeEvent.Column> columns, boolean[] key) {}

    private record Change(Relation relation, String type, Map<String, Object> record,
            Map<String, Object> oldRecord) {}

    // PostgreSQL timestamps count from 2000-01-01T00:00:00Z.
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private final TypeResolver types;
    private final Map<Integer, Relation> relations = new HashMap<>();
    private final List<Change> transaction = new ArrayList<>();

    PgOutputDecoder(TypeResolver types) {
        this.types = types;
    }

    /**
     * Decodes one message (the payload of one XLogData).
     *
     * @param receivedNanos {@link System#nanoTime()} when the message was read
     * @return the finished transaction when the message is a Commit, else null
     */
    Committed decode(ByteBuffer msg, long receivedNanos) {
        byte kind = msg.get();
        switch (kind) {
            case 'B' -> transaction.clear();
            case 'R' -> readRelation(msg);
            case 'I' -> readInsert(msg);
            case 'U' -> readUpdate(msg);
            case 'D' -> readDelete(msg);
            case 'C' -> {
                return readCommit(msg, receivedNanos);
            }
            // Truncate, Type, Origin and logical messages carry nothing Realtime forwards.
            case 'T', 'Y', 'O', 'M' -> { }
            default -> throw new IllegalStateException("unknown pgoutput message type '" + (char) kind + "'");
        }
        return null;
    }

    private void readRelation(ByteBuffer msg) {
        int id = msg.getInt();
        String schema = cString(msg);
        String table = cString(msg);
        msg.get(); // replica identity setting: the tuple markers (K/O) already say what was sent
        int n = msg.getShort() & 0xffff;
        String[] names = new String[n];
        int[] oids = new int[n];
        boolean[] key = new boolean[n];
        for (int i = 0; i < n; i++) {
            key[i] = (msg.get() & 1) != 0;
            names[i] = cString(msg);
            oids[i] = msg.getInt();
            msg.getInt(); // atttypmod
        }
        String[] typnames = types.typnames(oids);
        List<ChangeEvent.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            columns.add(new ChangeEvent.Column(names[i], typnames[i]));
        }
        // A relation is re-sent after any DDL on it, so replacing the cached entry keeps it current.
        relations.put(id, new Relation(schema, table, List.copyOf(columns), key));
    }

    private void readInsert(ByteBuffer msg) {
        Relation r = relation(msg.getInt());
        expect(msg.get(), 'N');
        transaction.add(new Change(r, ChangeEvent.INSERT, readTuple(msg, r, false), null));
    }

    private void readUpdate(ByteBuffer msg) {
        Relation r = relation(msg.getInt());
        byte marker = msg.get();
        Map<String, Object> old = null;
        if (marker == 'K' || marker == 'O') {
            old = readTuple(msg, r, marker == 'K');
            marker = msg.get();
        }
        expect(marker, 'N');
        Map<String, Object> record = readTuple(msg, r, false);
        if (old == null) {
            // No old tuple means the key did not change: Supabase then sends the primary key only.
            old = keyOf(record, r);
        }
        transaction.add(new Change(r, ChangeEvent.UPDATE, record, old));
    }

    private void readDelete(ByteBuffer msg) {
        Relation r = relation(msg.getInt());
        byte marker = msg.get();
        if (marker != 'K' && marker != 'O') {
            throw new IllegalStateException("pgoutput Delete without K/O tuple, got '" + (char) marker + "'");
        }
        transaction.add(new Change(r, ChangeEvent.DELETE, null, readTuple(msg, r, marker == 'K')));
    }

    private Committed readCommit(ByteBuffer msg, long receivedNanos) {
        msg.get(); // flags, unused
        msg.getLong(); // commit LSN
        long endLsn = msg.getLong();
        Instant commitTimestamp = pgTimestamp(msg.getLong());
        List<ChangeEvent> events = new ArrayList<>(transaction.size());
        for (Change c : transaction) {
            Relation r = c.relation();
            events.add(new ChangeEvent(r.schema(), r.table(), c.type(), r.columns(), c.record(), c.oldRecord(),
                    commitTimestamp, receivedNanos));
        }
        transaction.clear();
        return new Committed(events, endLsn);
    }

    /**
     * TupleData. With {@code keyOnly} (a 'K' old tuple) the non-key columns are sent as nulls that mean
     * "not sent", so they are left out, as wal2json leaves them out of its identity.
     */
    private static Map<String, Object> readTuple(ByteBuffer msg, Relation r, boolean keyOnly) {
        int n = msg.getShort() & 0xffff;
        if (n > r.columns().size()) {
            throw new IllegalStateException("tuple with " + n + " columns for " + r.schema() + "." + r.table()
                    + " which has " + r.columns().size());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            ChangeEvent.Column col = r.columns().get(i);
            boolean wanted = !keyOnly || r.key()[i];
            byte kind = msg.get();
            switch (kind) {
                case 'n' -> {
                    if (wanted) {
                        values.put(col.name(), null);
                    }
                }
                case 'u' -> { } // unchanged TOAST value: not sent, so not in the record (as wal2json)
                case 't' -> {
                    int len = msg.getInt();
                    if (wanted) {
                        String text = new String(msg.array(), msg.arrayOffset() + msg.position(), len,
                                StandardCharsets.UTF_8);
                        values.put(col.name(), WalValues.convert(col.type(), text));
                    }
                    msg.position(msg.position() + len);
                }
                default -> throw new IllegalStateException("unsupported tuple value kind '" + (char) kind
                        + "' (binary mode is not requested)");
            }
        }
        return values;
    }

    private static Map<String, Object> keyOf(Map<String, Object> record, Relation r) {
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i = 0; i < r.columns().size(); i++) {
            String name = r.columns().get(i).name();
            if (r.key()[i] && record.containsKey(name)) {
                key.put(name, record.get(name));
            }
        }
        return key;
    }

    private Relation relation(int id) {
        Relation r = relations.get(id);
        if (r == null) {
            // pgoutput always sends Relation before a relation's first change on a stream.
            throw new IllegalStateException("pgoutput change for unknown relation id " + id);
        }
        return r;
    }

    private static void expect(byte actual, char expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected pgoutput tuple marker '" + expected + "', got '"
                    + (char) actual + "'");
        }
    }

    private static String cString(ByteBuffer msg) {
        int start = msg.position();
        int end = start;
        while (msg.get(end) != 0) {
            end++;
        }
        String s = new String(msg.array(), msg.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        msg.position(end + 1);
        return s;
    }

    /** @param micros microseconds since 2000-01-01T00:00:00Z */
    static Instant pgTimestamp(long micros) {
        return Instant.ofEpochSecond(PG_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
