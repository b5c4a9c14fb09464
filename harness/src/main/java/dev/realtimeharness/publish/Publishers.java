package dev.realtimeharness.publish;

import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.PublishConfig;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.SqlTemplate;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks and opens the publisher a scenario's {@code publish.via} names. */
public final class Publishers {
    private static final Logger log = LoggerFactory.getLogger(Publishers.class);
    // Bounds of a JDBC pool sized from the rate; publish.connections sets any size.
    static final int MIN_CONNECTIONS = 4;
    static final int MAX_SIZED_CONNECTIONS = 64;

    private Publishers() {
    }

    /**
     * Where probes go. {@code jdbcUrl} null when the target has no database (broadcast or REST publishing only);
     * {@code restEndpoint} the REST broadcast endpoint.
     */
    public record Endpoints(String jdbcUrl, String user, String password, String apikey, URI restEndpoint) {
    }

    /**
     * @param dispatchers the dispatcher connections (publish.via broadcast), else null
     * @param topicsOf    the full topics ({@code realtime:...}) a probe for driver {@code d} is expected on
     * @param subTopicsOf the same topics without the {@code realtime:} prefix (REST and database broadcasts)
     */
    public static Publisher open(Scenario s, Endpoints target, BroadcastSender dispatchers,
            IntFunction<List<String>> topicsOf, IntFunction<List<String>> subTopicsOf) throws SQLException {
        PublishConfig p = s.publish();
        boolean isPrivate = s.channel().isPrivate();
        return switch (p.via()) {
            case BROADCAST -> new BroadcastPublisher(dispatchers, topicsOf);
            case REST -> new RestPublisher(target.restEndpoint(), target.apikey(), null, p.event(), isPrivate,
                    subTopicsOf, null);
            case DB_BROADCAST -> new DbBroadcastPublisher(jdbc(s, target), p.event(), isPrivate, subTopicsOf);
            case POSTGRES -> p.sql() != null
                    ? new PostgresPublisher(jdbc(s, target), SqlTemplate.parse(p.sql()),
                            d -> Drivers.id(s.globalDriver(d)), s::globalDriver)
                    : new PostgresPublisher(jdbc(s, target), p.table(), p.probeColumn(),
                            d -> Drivers.id(s.globalDriver(d)));
        };
    }

    private static JdbcSettings jdbc(Scenario s, Endpoints target) throws SQLException {
        double rate = s.publish().rate().perSecond();
        Integer given = s.publish().connections();
        int connections;
        if (given != null) {
            connections = given;
            log.info("publisher: {} JDBC connections (publish.connections)", connections);
        } else {
            long rtt = JdbcPool.measureRoundTripNanos(target.jdbcUrl(), target.user(), target.password());
            int needed = connectionsFor(rate, rtt);
            connections = Math.min(needed, MAX_SIZED_CONNECTIONS);
            log.info("publisher: {} JDBC connections for {}/s at a {} ms round trip", connections, rate,
                    String.format(java.util.Locale.ROOT, "%.2f", rtt / 1e6));
            if (needed > MAX_SIZED_CONNECTIONS) {
                log.warn("publisher: {}/s at a {} ms round trip needs about {} connections; capped at {}: set "
                        + "publish.connections to go beyond, or expect the publisher to fall behind (publish lag)",
                        rate, String.format(java.util.Locale.ROOT, "%.2f", rtt / 1e6), needed, MAX_SIZED_CONNECTIONS);
            }
        }
        return new JdbcSettings(target.jdbcUrl(), target.user(), target.password(), connections,
                queueCapacity(rate, s.drainTimeout()));
    }

    /**
     * Little's law with headroom: a probe holds its connection for about two round trips (the statement and the
     * commit) plus a millisecond of server time; twice that concurrency, at least {@value #MIN_CONNECTIONS}.
     */
    static int connectionsFor(double ratePerSecond, long roundTripNanos) {
        double holdSeconds = (2 * roundTripNanos + 1_000_000L) / 1e9;
        long n = (long) Math.ceil(ratePerSecond * holdSeconds * 2);
        return (int) Math.max(MIN_CONNECTIONS, Math.min(n, Integer.MAX_VALUE));
    }

    /**
     * A probe that waits longer than the drain timeout for a connection is as good as lost: the queue holds the
     * probes of one drain timeout at the rate (at least 16), and a probe beyond that fails as "queue full".
     */
    static int queueCapacity(double ratePerSecond, Duration drainTimeout) {
        double n = Math.ceil(ratePerSecond * drainTimeout.toNanos() / 1e9);
        return (int) Math.max(16, Math.min(n, 1_000_000));
    }
}
