package dev.realtimeharness.publish;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Publishes a probe as a database broadcast, {@code realtime.send(payload, event, topic, private)}, once for each of
 * the driver's topics in one statement (one transaction), with the payload {@code {"probe": ID}}. The server streams
 * {@code realtime.messages} inserts to subscribers (protocol.md §6, "Database broadcast").
 */
public final class DbBroadcastPublisher extends JdbcPublisher {
    private static final String SQL = "select realtime.send(jsonb_build_object('probe', ?::text), ?, t, ?) "
            + "from unnest(?::text[]) as t";

    private final String event;
    private final boolean isPrivate;
    private final IntFunction<List<String>> subTopicsOfDriver;

    public DbBroadcastPublisher(JdbcSettings jdbc, String event, boolean isPrivate,
            IntFunction<List<String>> subTopicsOfDriver) throws SQLException {
        super(jdbc, "publisher-db-broadcast");
        this.event = event;
        this.isPrivate = isPrivate;
        this.subTopicsOfDriver = subTopicsOfDriver;
    }

    @Override
    public void send(Probe probe, Outcome outcome) {
        pool.submit(probe, outcome, c -> {
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                ps.setString(1, probe.id());
                ps.setString(2, event);
                ps.setBoolean(3, isPrivate);
                ps.setArray(4, c.createArrayOf("text", subTopicsOfDriver.apply(probe.driver()).toArray()));
                outcome.sent(probe, System.nanoTime());
                ps.execute();
            }
        });
    }

    @Override
    public String via() {
        return "db-broadcast";
    }
}
