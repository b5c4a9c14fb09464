package dev.realtimeharness.publish;

/**
 * Where a JDBC publisher connects and how big its pool is: {@code connections} connections (and as many threads),
 * and at most {@code queueCapacity} probes waiting for a free one.
 */
public record JdbcSettings(String jdbcUrl, String user, String password, int connections, int queueCapacity) {
    public JdbcSettings {
        if (connections < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("connections and queueCapacity must be at least 1");
        }
    }

    @Override
    public String toString() {
        // Never the password: this may be logged.
        return "JdbcSettings[" + jdbcUrl + ", user " + user + ", " + connections + " connections, queue "
                + queueCapacity + "]";
    }
}
