package dev.realtimeharness.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopLagTest {

    @Test
    void aLoopBlockedFor300MsMakesTheTasksHandedToItWaitAboutThatLong() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        EventLoopLag lag = new EventLoopLag();
        try {
            lag.start(List.of(loop));
            Thread.sleep(200);
            double idleMax = lag.maxMillis();

            CountDownLatch blocked = new CountDownLatch(1);
            loop.execute(() -> {
                blocked.countDown();
                sleep(300);
            });
            blocked.await();
            Thread.sleep(500);

            // A task handed over in the block's first 100 ms waited at least the rest of it.
            assertThat(lag.maxMillis()).isGreaterThanOrEqualTo(200.0).isGreaterThan(idleMax);
            // Tasks keep being handed over on the meter's own clock while the loop is blocked: about 15 of them
            // waited, not one.
            assertThat(lag.histogramMicros().getCountBetweenValues(100_000, 400_000)).isGreaterThanOrEqualTo(5);
        } finally {
            lag.stop();
            loop.shutdownNow();
            loop.awaitTermination(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWatchdogWithLaggingLoopsIsSaturatedAndSaysSo() {
        EventLoopLag lag = new EventLoopLag();
        lag.start(List.of());
        lag.stop();
        ProcessWatchdog watchdog = new ProcessWatchdog(null, lag);
        for (int i = 0; i < 97; i++) {
            lag.record(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(watchdog.saturatedBy()).isEmpty();

        for (int i = 0; i < 3; i++) {
            lag.record(TimeUnit.MILLISECONDS.toNanos(45));
        }

        assertThat(watchdog.eventLoopLagP99Millis()).isGreaterThan(ProcessWatchdog.EVENT_LOOP_LAG_P99_LIMIT_MILLIS);
        assertThat(watchdog.saturatedBy()).singleElement().asString()
                .startsWith("the event loops fell behind: lag p99 45.");
    }

    @Test
    void noLoopsMeasuredMeansNoFigureRatherThanZero() {
        ProcessWatchdog watchdog = new ProcessWatchdog(null, new EventLoopLag());
        assertThat(watchdog.eventLoopLagP99Millis()).isNull();
        assertThat(new ProcessWatchdog(null).eventLoopLagMaxMillis()).isNull();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
