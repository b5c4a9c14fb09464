package dev.realtimeharness.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dropping the capture's persistent slots when it stops, so that slots (and the WAL they hold) do not pile up. */
final class Slots {
    private static final Logger log = LoggerFactory.getLogger(Slots.class);
    // A walsender takes a moment to exit after its connection was cut; until then the slot is active.
    private static final long DROP_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String OBJECT_IN_USE = "55006";

    private Slots() {
    }

    /** Drops {@code slot} if it exists; logs (does not throw) when it cannot. */
    static void drop(Driver driver, String jdbcUrl, Properties props, String slot) {
        long deadline = System.nanoTime() + DROP_PATIENCE_NANOS;
        while (true) {
            try (Connection c = driver.connect(jdbcUrl, props);
                    PreparedStatement ps = c.prepareStatement("select pg_drop_replication_slot(slot_name) from "
                            + "pg_replication_slots where slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    log.debug("slot {} {}", slot, rs.next() ? "dropped" : "was gone already");
                }
                return;
            } catch (SQLException e) {
                if (!OBJECT_IN_USE.equals(e.getSQLState()) || System.nanoTime() - deadline > 0) {
                    log.warn("could not drop replication slot {}: {}", slot, e.toString());
                    return;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("could not drop replication slot {}: interrupted", slot);
                return;
            }
        }
    }
}
