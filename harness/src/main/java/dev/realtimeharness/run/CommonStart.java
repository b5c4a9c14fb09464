package dev.realtimeharness.run;

import dev.realtimeharness.results.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * When a run's measured publishing starts, after its channels are ready and its warm-up is done: at once (an
 * unsharded run), at {@code --start-at TIME}, or at the start the shards of a run agree on through a shared
 * directory ({@code --ready-dir DIR}): each shard, once ready and warm, writes {@code DIR/<runId>/ready-K-of-N}
 * (atomically) holding the instant it got there, waits until all N files exist, and starts at
 * {@link #startAfter} the latest of them; every shard reads the same files, so every shard computes the same
 * instant. The wait is bounded: a shard whose others never report ready does not publish (it would be measured in
 * windows that do not line up with theirs) and ends with {@link NoCommonStart}, naming the shards it waited for.
 *
 * <p>What happened is kept for run.json ({@link #record()}): the rule, the agreed instant and when publishing began.
 */
public final class CommonStart {
    /** The least time between the latest shard's ready instant and the agreed start: every shard polls meanwhile. */
    static final Duration MARGIN = Duration.ofSeconds(10);
    private static final Pattern READY = Pattern.compile("ready-(\\d+)-of-(\\d+)");
    private static final long POLL_MILLIS = 250;

    /** Publishing starts as soon as the run is ready and warm. */
    public static final CommonStart NOW = new CommonStart(null, null, null, 0, 0, null);

    private final Instant fixed;
    private final Path runReadyDir;
    private final String runId;
    private final int index;
    private final int count;
    private final Duration timeout;
    private volatile Instant agreed;
    private volatile Instant readyAt;
    private volatile Instant publishingFrom;

    /** The shards could not agree on a start: the shard does not publish (exit 3). */
    public static final class NoCommonStart extends Exception {
        NoCommonStart(String message) {
            super(message);
        }
    }

    private CommonStart(Instant fixed, Path readyDir, String runId, int index, int count, Duration timeout) {
        this.fixed = fixed;
        this.runReadyDir = readyDir == null ? null : readyDir.resolve(runId);
        this.runId = runId;
        this.index = index;
        this.count = count;
        this.timeout = timeout;
    }

    /** {@code --start-at}: publishing starts at {@code startAt} (at once when it has passed). */
    public static CommonStart at(Instant startAt) {
        return startAt == null ? NOW : new CommonStart(startAt, null, null, 0, 0, null);
    }

    /** {@code --ready-dir}: shard {@code index} of {@code count} of run {@code runId} agrees on its start in DIR. */
    public static CommonStart agreed(Path readyDir, String runId, int index, int count, Duration timeout) {
        return new CommonStart(null, readyDir, runId, index, count, timeout);
    }

    /**
     * The start every shard computes from the same ready instants: the first full UTC minute at least
     * {@link #MARGIN} after the latest of them (so a shard that sees the last file a little late still waits for it).
     */
    public static Instant startAfter(Collection<Instant> readyInstants) {
        Instant latest = readyInstants.stream().max(Instant::compareTo)
                .orElseThrow(() -> new IllegalArgumentException("no ready instants"));
        Instant earliest = latest.plus(MARGIN);
        Instant minute = earliest.truncatedTo(ChronoUnit.MINUTES);
        return minute.equals(earliest) ? minute : minute.plus(1, ChronoUnit.MINUTES);
    }

    /** This shard's ready file: {@code DIR/<runId>/ready-K-of-N}. */
    Path readyFile() {
        return runReadyDir.resolve(name(index, count));
    }

    static String name(int index, int count) {
        return "ready-" + index + "-of-" + count;
    }

    /**
     * Before the run starts: a ready file of this shard left by an earlier run with the same run id would make every
     * shard agree on a start in the past. Returns why the run cannot go on, or null.
     */
    String refusal() {
        if (runReadyDir == null || !Files.exists(readyFile())) {
            return null;
        }
        return "--ready-dir: " + readyFile() + " exists already (left by an earlier run with run id " + runId
                + "); give every shard a new --run-id, or remove " + runReadyDir;
    }

    /**
     * Holds the start of publishing until the common start (connections stay open and joined, heartbeats go on);
     * returns how long it waited, in nanoseconds.
     */
    long await(BooleanSupplier stop, PrintStream out) throws InterruptedException, NoCommonStart {
        long from = System.nanoTime();
        Instant start = fixed;
        if (runReadyDir != null) {
            start = agree(stop, out);
            if (start == null) {
                return System.nanoTime() - from; // stopped while waiting
            }
            long late = Duration.between(start, Instant.now()).toMillis();
            if (late > 1000) {
                throw new NoCommonStart(String.format(java.util.Locale.ROOT, "--ready-dir: the agreed start %s passed"
                        + " %.1f s before shard %d saw the last ready file; not publishing out of line with the other"
                        + " shards (is this machine's clock behind theirs?)", start, late / 1000.0, index));
            }
        }
        if (start != null) {
            waitUntil(start, stop, out, runReadyDir == null ? "--start-at " + start : "common start " + start);
        }
        publishingFrom = Instant.now();
        return System.nanoTime() - from;
    }

    // Writes this shard's ready file, waits for the others', returns the agreed start (null: stopped).
    private Instant agree(BooleanSupplier stop, PrintStream out) throws InterruptedException, NoCommonStart {
        readyAt = Instant.now();
        try {
            Files.createDirectories(runReadyDir);
            AtomicFiles.write(readyFile(), o -> o.write((readyAt + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new NoCommonStart("--ready-dir: cannot write " + readyFile() + ": " + e.getMessage());
        }
        out.printf("shard %d/%d ready at %s (%s); waiting for the other shards' ready files%n", index, count, readyAt,
                readyFile());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stop.getAsBoolean()) {
            Map<Integer, Instant> ready = readAll();
            if (ready.size() == count) {
                agreed = startAfter(ready.values());
                out.printf("all %d shards ready (the last at %s): publishing starts at %s%n", count,
                        ready.values().stream().max(Instant::compareTo).orElseThrow(), agreed);
                return agreed;
            }
            if (System.nanoTime() - deadline >= 0) {
                List<Integer> missing = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    if (!ready.containsKey(k)) {
                        missing.add(k);
                    }
                }
                throw new NoCommonStart("--ready-dir: shard" + (missing.size() > 1 ? "s " : " ") + missing + " of "
                        + count + " of run " + runId + " never reported ready in " + runReadyDir + " within "
                        + timeout.toSeconds() + " s (--ready-timeout) of shard " + index + " being ready; not"
                        + " publishing, since the shards would not measure the same window");
            }
            Thread.sleep(POLL_MILLIS);
        }
        return null;
    }

    // The ready instants found, by shard; a file of another split or one that is not an instant is refused.
    private Map<Integer, Instant> readAll() throws NoCommonStart {
        Map<Integer, Instant> ready = new TreeMap<>();
        try (Stream<Path> files = Files.list(runReadyDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = READY.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue; // a temporary file being written, or something else
                }
                int k = Integer.parseInt(m.group(1));
                int n = Integer.parseInt(m.group(2));
                if (n != count || k >= count) {
                    throw new NoCommonStart("--ready-dir: " + f + " is from a run split into " + n + " shards, this"
                            + " one is shard " + index + " of " + count + "; every shard of run " + runId
                            + " must be given the same N");
                }
                String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
                try {
                    ready.put(k, Instant.parse(text));
                } catch (DateTimeParseException e) {
                    throw new NoCommonStart("--ready-dir: " + f + ": expected an ISO instant, got '" + text + "'");
                }
            }
        } catch (IOException e) {
            throw new NoCommonStart("--ready-dir: cannot read " + runReadyDir + ": " + e.getMessage());
        }
        return ready;
    }

    private static void waitUntil(Instant start, BooleanSupplier stop, PrintStream out, String what)
            throws InterruptedException {
        long waitMillis = Duration.between(Instant.now(), start).toMillis();
        if (waitMillis <= 0) {
            out.printf("%s: passed %.1f s ago, publishing now%n", what, -waitMillis / 1000.0);
            return;
        }
        out.printf("%s: publishing starts in %.1f s%n", what, waitMillis / 1000.0);
        while (!stop.getAsBoolean() && Instant.now().isBefore(start)) {
            Thread.sleep(Math.max(1, Math.min(100, Duration.between(Instant.now(), start).toMillis())));
        }
    }

    /** For run.json: how this run's publishing start was set and when it began; null for an unsharded start. */
    Map<String, Object> record() {
        if (fixed == null && runReadyDir == null) {
            return null;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rule", fixed != null ? "start-at" : "ready-dir");
        r.put("at", fixed != null ? fixed.toString() : agreed == null ? null : agreed.toString());
        if (runReadyDir != null) {
            r.put("readyAt", readyAt == null ? null : readyAt.toString());
        }
        r.put("publishingFrom", publishingFrom == null ? null : publishingFrom.toString());
        return r;
    }
}
