package dev.realtimeharness.publish;

import java.sql.SQLException;

/** What the JDBC publishers share: their pool, its failure and connection counts, and closing it. */
abstract class JdbcPublisher implements Publisher {
    final JdbcPool pool;

    JdbcPublisher(JdbcSettings jdbc, String name) throws SQLException {
        this.pool = new JdbcPool(jdbc, name);
    }

    @Override
    public long failures() {
        return pool.failures();
    }

    @Override
    public int connections() {
        return pool.connections();
    }

    @Override
    public void close() {
        pool.close();
    }
}
