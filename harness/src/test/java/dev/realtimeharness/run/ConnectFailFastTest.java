package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectFailFastTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void everyDriverRefusedWithHttp4xxGivesUpAtOnce() {
        assertThat(FleetDrive.noConnectionWillSucceed(0, 10, 10, 2 * SECOND,
                Set.of("HTTP 401 {\"error\":\"Token has expired\"}", "HTTP 429 {\"error\":\"Too many connected users\"}")))
                .isTrue();
    }

    @Test
    void ioErrorsOrServerErrorsGiveUpOnlyAfterFifteenSeconds() {
        List<String> reasons = List.of("ConnectException: Connection refused", "HTTP 500");
        assertThat(FleetDrive.noConnectionWillSucceed(0, 10, 10, 5 * SECOND, reasons)).isFalse();
        assertThat(FleetDrive.noConnectionWillSucceed(0, 10, 10, 16 * SECOND, reasons)).isTrue();
    }

    @Test
    void oneSuccessOrADriverNotYetTriedKeepsWaiting() {
        assertThat(FleetDrive.noConnectionWillSucceed(1, 30, 10, 60 * SECOND, Set.of("HTTP 401"))).isFalse();
        assertThat(FleetDrive.noConnectionWillSucceed(0, 9, 10, 60 * SECOND, Set.of("HTTP 401"))).isFalse();
    }
}
