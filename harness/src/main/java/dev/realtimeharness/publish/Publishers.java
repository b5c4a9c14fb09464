package dev.realtimeharness.publish;

import dev.realtimeharness.scenario.Drivers;
import dev.realtimeharness.scenario.PublishConfig;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.SqlTemplate;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntFunction;

/** Picks and opens the publisher a scenario's {@code publish.via} names. */
public final class Publishers {
    // Connections of the JDBC publishers' pool.
    private static final int JDBC_CONNECTIONS = 4;

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
            case DB_BROADCAST -> new DbBroadcastPublisher(target.jdbcUrl(), target.user(), target.password(),
                    p.event(), isPrivate, subTopicsOf, JDBC_CONNECTIONS);
            case POSTGRES -> p.sql() != null
                    ? new PostgresPublisher(target.jdbcUrl(), target.user(), target.password(),
                            SqlTemplate.parse(p.sql()), JDBC_CONNECTIONS, Drivers::id)
                    : new PostgresPublisher(target.jdbcUrl(), target.user(), target.password(), p.table(),
                            p.probeColumn(), JDBC_CONNECTIONS, Drivers::id);
        };
    }
}
