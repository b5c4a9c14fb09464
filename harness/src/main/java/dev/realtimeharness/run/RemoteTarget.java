package dev.realtimeharness.run;

import dev.realtimeharness.pg.DbUrl;
import java.net.URI;

/**
 * A Supabase project (or any Realtime server) the harness did not start. {@code db} is null when no database URL
 * was given. Its clock is not ours, so commit-to-recv is not recorded.
 */
record RemoteTarget(URI wsUrl, String apikey, DbUrl db) implements RunTarget {

    @Override
    public String jdbcUrl() {
        return db == null ? null : db.jdbcUrl();
    }

    @Override
    public String user() {
        return db == null ? null : db.user();
    }

    @Override
    public String password() {
        return db == null ? null : db.password();
    }

    @Override
    public boolean localClock() {
        return false;
    }

    @Override
    public String name() {
        return wsUrl.toString();
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        // Records print every component: keep the apikey and the password out of any log line.
        return "RemoteTarget[" + wsUrl + ", db " + db + "]";
    }
}
