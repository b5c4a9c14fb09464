package dev.realtimeharness.run;

import dev.realtimeharness.capture.SlotLagMonitor;
import dev.realtimeharness.embedded.EmbeddedTarget;
import java.net.URI;

/** What a run connects to: the embedded target it started, or a remote Supabase project. */
interface RunTarget extends AutoCloseable {

    /** The socket endpoint without query: the apikey is added by the fleet, never logged. */
    URI wsUrl();

    String apikey();

    /** The publisher's database, or null when none was given (remote, broadcast publishing). */
    String jdbcUrl();

    String user();

    String password();

    /**
     * Whether the database's clock is this machine's: only then is commit-to-recv (commit_timestamp to receive)
     * recorded.
     */
    boolean localClock();

    /** summary.json's {@code target}: "embedded", or the URL without query. */
    String name();

    /** The embedded target's change capture (slot lag, reconnects, failure); null for a remote target. */
    default SlotLagMonitor capture() {
        return null;
    }

    @Override
    void close();

    /** The embedded target this run started (its fault schedule applies to it), null for a remote one. */
    default EmbeddedTarget embedded() {
        return null;
    }

    static RunTarget embedded(EmbeddedTarget t) {
        return new RunTarget() {
            @Override
            public EmbeddedTarget embedded() {
                return t;
            }

            @Override
            public URI wsUrl() {
                return t.wsUrl();
            }

            @Override
            public String apikey() {
                return t.apikey();
            }

            @Override
            public String jdbcUrl() {
                return t.jdbcUrl();
            }

            @Override
            public String user() {
                return t.user();
            }

            @Override
            public String password() {
                return t.password();
            }

            @Override
            public boolean localClock() {
                return true;
            }

            @Override
            public String name() {
                return "embedded";
            }

            @Override
            public SlotLagMonitor capture() {
                return t.slotLag();
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }
}
