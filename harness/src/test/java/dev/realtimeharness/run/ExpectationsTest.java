package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.client.DriverSpecs;
import dev.realtimeharness.metrics.LostReason;
import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.scenario.Scenario;
import dev.realtimeharness.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who is owed each probe, ready or not, and how the ledger books the owed deliveries of channels not ready. */
class ExpectationsTest {

    static Scenario scenario(int drivers, int channels, String via, String filter) throws Exception {
        String yaml = "name: owed\n"
                + "drivers: " + drivers + "\n"
                + "channelsPerDriver: " + channels + "\n"
                + "channel:\n"
                + "  topic: \"orders:{driver}:{channel}\"\n"
                + "  postgresChanges:\n"
                + "    - {event: \"*\", schema: public, table: orders" + (filter == null ? "" : ", filter: \"" + filter
                + "\"") + "}\n"
                + "publish:\n"
                + "  via: " + via + "\n"
                + "  rate: 10/s\n";
        return ScenarioLoader.parse(Path.of("owed.yaml"), yaml, List.of());
    }

    static Expectations expectations(Scenario s, ReadyBoard board) {
        return new Expectations(s, DriverSpecs.of(s, "token"), board);
    }

    @Test
    void everyChannelOfTheDriverIsOwedSplitIntoReadyDownAndNeverReady() throws Exception {
        Scenario s = scenario(2, 3, "postgres", "driver_id=eq.{driverId}");
        ReadyBoard board = new ReadyBoard(2, 3);
        // Driver 0: channel 0 ready, channel 1 ready once then closed, channel 2 never ready.
        board.markReady(0);
        board.markEverReady(0);
        board.markReady(1);
        board.markEverReady(1);
        board.markClosed(1);
        board.markReady(3); // driver 1's: not owed a probe of driver 0
        board.markEverReady(3);

        Expectations.Owed owed = expectations(s, board).owedFor(0);

        assertThat(owed.ready()).containsExactly(0);
        assertThat(owed.down()).containsExactly(1);
        assertThat(owed.neverReady()).containsExactly(2);
    }

    @Test
    void withoutADriverInTheFilterEverySubscriptionIsOwed() throws Exception {
        Scenario s = scenario(2, 2, "postgres", null);
        ReadyBoard board = new ReadyBoard(2, 2);
        board.markReady(3);
        board.markEverReady(3);

        Expectations.Owed owed = expectations(s, board).owedFor(0);

        assertThat(owed.ready()).containsExactly(3);
        assertThat(owed.neverReady()).containsExactly(0, 1, 2);
        assertThat(owed.down()).isEmpty();
    }

    @Test
    void driverWithNoReadyChannelIsStillOwedEveryDelivery() throws Exception {
        Scenario s = scenario(2, 2, "broadcast", null);
        ReadyBoard board = new ReadyBoard(2, 2);

        Expectations.Owed owed = expectations(s, board).owedFor(1);

        assertThat(owed.total()).isEqualTo(2);
        assertThat(owed.neverReady()).containsExactly(2, 3);
    }

    @Test
    void hundredOfFiveHundredChannelsNeverReadyAreCountedLostNotLeftOffTheBooks() throws Exception {
        Scenario s = scenario(10, 50, "postgres", "driver_id=eq.{driverId}");
        ReadyBoard board = new ReadyBoard(10, 50);
        for (int sub = 0; sub < 500; sub++) {
            // Every fifth channel never gets "Subscribed to PostgreSQL".
            if (sub % 5 != 0) {
                board.markReady(sub);
                board.markEverReady(sub);
            }
        }
        Expectations e = expectations(s, board);
        ProbeLedger ledger = new ProbeLedger(500);

        // As the publish phase registers them: one probe per driver, then every ready delivery arrives.
        for (int driver = 0; driver < 10; driver++) {
            Expectations.Owed owed = e.owedFor(driver);
            ledger.register(driver, 0, owed.ready(), owed.down(), owed.neverReady());
            for (int sub : owed.ready()) {
                ledger.recordDelivery(driver, sub, 1);
            }
        }

        assertThat(ledger.expectedDeliveries()).isEqualTo(500);
        assertThat(ledger.delivered()).isEqualTo(400);
        assertThat(ledger.lost()).isEqualTo(100);
        assertThat(ledger.lost(LostReason.NEVER_READY)).isEqualTo(100);
        assertThat(ledger.delivered() + ledger.lost()).isEqualTo(ledger.expectedDeliveries());
    }
}
