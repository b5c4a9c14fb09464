package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start the shards of a run agree on through {@code --ready-dir}: its computation and the files behind it. */
class CommonStartTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void theStartIsTheFirstFullMinuteAtLeastTenSecondsAfterTheLatestReadyInstant() {
        Instant a = Instant.parse("2026-12-02T14:00:03.250Z");
        Instant b = Instant.parse("2026-12-02T14:00:41.900Z");
        Instant c = Instant.parse("2026-12-02T13:59:58Z");
        // The latest is b; b + 10 s = 14:00:51.9, so 14:01:00, whatever the order the files were read in.
        assertThat(CommonStart.startAfter(List.of(a, b, c))).isEqualTo(Instant.parse("2026-12-02T14:01:00Z"));
        assertThat(CommonStart.startAfter(List.of(c, b, a))).isEqualTo(Instant.parse("2026-12-02T14:01:00Z"));
        // Less than 10 s before a minute: the next one, so that no shard sees the last file after the start.
        assertThat(CommonStart.startAfter(List.of(Instant.parse("2026-12-02T14:00:55Z"))))
                .isEqualTo(Instant.parse("2026-12-02T14:02:00Z"));
        // Exactly 10 s before a full minute: that minute.
        assertThat(CommonStart.startAfter(List.of(Instant.parse("2026-12-02T14:00:50Z"))))
                .isEqualTo(Instant.parse("2026-12-02T14:01:00Z"));
        assertThat(CommonStart.startAfter(List.of(Instant.parse("2026-12-02T23:59:50.001Z"))))
                .isEqualTo(Instant.parse("2026-12-03T00:01:00Z"));
    }

    @Test
    void everyShardComputesTheSameStartFromTheSameFiles() throws Exception {
        // Shards 1 and 2 reported ready in the future (their clocks need not matter here): the start follows them.
        Instant later = Instant.now().plus(Duration.ofHours(1));
        Files.createDirectories(dir.resolve("run-1"));
        Files.writeString(dir.resolve("run-1/ready-1-of-3"), later.minusSeconds(30) + "\n");
        Files.writeString(dir.resolve("run-1/ready-2-of-3"), later + "\n");
        CommonStart shard0 = CommonStart.agreed(dir, "run-1", 0, 3, Duration.ofMinutes(1));
        assertThat(shard0.refusal()).isNull();
        shard0.await(stopAfter(1), QUIET); // agrees, then stopped instead of waiting an hour
        Map<String, Object> r = shard0.record();
        assertThat(r).containsEntry("rule", "ready-dir").containsEntry("at", CommonStart.startAfter(List.of(later))
                .toString());
        Instant readyAt = Instant.parse((String) r.get("readyAt"));
        assertThat(Files.readString(dir.resolve("run-1/ready-0-of-3")).trim()).isEqualTo(readyAt.toString());
        // A second run with the same id would agree on a start in the past: refused before it starts.
        assertThat(CommonStart.agreed(dir, "run-1", 0, 3, Duration.ofMinutes(1)).refusal())
                .contains("ready-0-of-3 exists already").contains("new --run-id");
        // Shard 1 (its file replaced by its own, written now), reading the same latest instant, gets the same start.
        CommonStart shard1 = CommonStart.agreed(dir, "run-1", 1, 3, Duration.ofMinutes(1));
        Files.delete(dir.resolve("run-1/ready-1-of-3"));
        shard1.await(stopAfter(1), QUIET);
        assertThat(shard1.record().get("at")).isEqualTo(r.get("at"));
    }

    @Test
    void aShardThatNeverReportsReadyIsNamedAndNothingIsPublished() throws Exception {
        Files.createDirectories(dir.resolve("run-2"));
        Files.writeString(dir.resolve("run-2/ready-1-of-3"), Instant.now() + "\n");
        CommonStart shard0 = CommonStart.agreed(dir, "run-2", 0, 3, Duration.ZERO);
        assertThatThrownBy(() -> shard0.await(() -> false, QUIET)).isInstanceOf(CommonStart.NoCommonStart.class)
                .hasMessageContaining("shard [2] of 3 of run run-2 never reported ready")
                .hasMessageContaining("not publishing");
        assertThat(shard0.record().get("publishingFrom")).isNull();
        CommonStart alone = CommonStart.agreed(dir, "run-3", 2, 3, Duration.ZERO);
        assertThatThrownBy(() -> alone.await(() -> false, QUIET)).hasMessageContaining("shards [0, 1] of 3");
    }

    @Test
    void aReadyFileOfAnotherSplitOrNotAnInstantIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("run-4"));
        Files.writeString(dir.resolve("run-4/ready-1-of-4"), Instant.now() + "\n");
        assertThatThrownBy(() -> CommonStart.agreed(dir, "run-4", 0, 3, Duration.ofMinutes(1))
                .await(() -> false, QUIET)).hasMessageContaining("ready-1-of-4 is from a run split into 4 shards")
                .hasMessageContaining("shard 0 of 3");
        Files.createDirectories(dir.resolve("run-5"));
        Files.writeString(dir.resolve("run-5/ready-1-of-2"), "soon\n");
        assertThatThrownBy(() -> CommonStart.agreed(dir, "run-5", 0, 2, Duration.ofMinutes(1))
                .await(() -> false, QUIET)).hasMessageContaining("ready-1-of-2: expected an ISO instant, got 'soon'");
    }

    @Test
    void startAtAndNowRecordWhatTheyDid() throws Exception {
        assertThat(CommonStart.NOW.record()).isNull();
        Instant past = Instant.parse("2026-01-01T00:00:00Z");
        CommonStart fixed = CommonStart.at(past);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fixed.await(() -> false, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--start-at " + past + ": passed");
        assertThat(fixed.record()).containsEntry("rule", "start-at").containsEntry("at", past.toString())
                .containsKey("publishingFrom").doesNotContainKey("readyAt");
    }

    // False for the first n checks, then true: the run is stopped.
    private static BooleanSupplier stopAfter(int n) {
        AtomicInteger calls = new AtomicInteger();
        return () -> calls.incrementAndGet() > n;
    }
}
